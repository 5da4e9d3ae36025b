// The table of rankings: adding a ranking is one file plus one line here, and the table-driven tests
// in test/erasure/rankings.test.ts then cover it.
import type { AnyRankingName, ExtraRankingName, Ranking, RankingName } from '../types.ts';
import { LINEAR_RANKING_NAMES } from '../types.ts';
import { integratedGradientsRanking } from './integrated-gradients.ts';
import { signedLeaveOneOut } from './signed-leave-one-out.ts';
import { attentionNorm } from './attention-norm.ts';
import { greedy } from './greedy.ts';
import { rollout } from './rollout.ts';
import { attention } from './attention.ts';
import { gradient } from './gradient.ts';
import { gradientXAttention } from './gradient-x-attention.ts';
import { leaveOneOut } from './leave-one-out.ts';
import { optimal } from './optimal.ts';
import { random } from './random.ts';

export const RANKINGS: Record<RankingName, Ranking> = {
  attention,
  random,
  gradient,
  gradient_x_attention: gradientXAttention,
  leave_one_out: leaveOneOut,
  optimal,
};

/** Rankings beyond the paper's six (types.ts: EXTRA_RANKING_NAMES); they appear only where they ran. */
export const EXTRA_RANKINGS: Record<ExtraRankingName, Ranking> = {
  attention_norm: attentionNorm,
  rollout,
  greedy,
  signed_leave_one_out: signedLeaveOneOut,
  integrated_gradients: integratedGradientsRanking,
};

export const ALL_RANKINGS: Record<AnyRankingName, Ranking> = { ...RANKINGS, ...EXTRA_RANKINGS };

/** The rankings the linear fast path (HAN/FLAN) runs, in column order: what the table-driven tests cover. */
export const LINEAR_RANKINGS: Ranking[] = LINEAR_RANKING_NAMES.map((name) => ALL_RANKINGS[name]);

export { attentionGradient } from './gradient.ts';
export { leaveOneOutDivergence } from './leave-one-out.ts';
export { signedLeaveOneOutDrop } from './signed-leave-one-out.ts';
export { linearAttentionNorm } from './attention-norm.ts';
export { IG_STEPS, integratedGradients, integratedGradientsOf, type IntegratedGradients } from './integrated-gradients.ts';
export { RANDOM_PERMUTATIONS } from './random.ts';
