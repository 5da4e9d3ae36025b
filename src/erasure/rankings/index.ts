// The table of rankings: adding a ranking is one file plus one line here, and the table-driven tests
// in test/erasure/rankings.test.ts then cover it.
import type { AnyRankingName, ExtraRankingName, Ranking, RankingName } from '../types.ts';
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

/** Rankings only a transformer erasure backend runs (types.ts: EXTRA_RANKING_NAMES). */
export const EXTRA_RANKINGS: Record<ExtraRankingName, Ranking> = {
  attention_norm: attentionNorm,
  rollout,
  greedy,
};

export const ALL_RANKINGS: Record<AnyRankingName, Ranking> = { ...RANKINGS, ...EXTRA_RANKINGS };

export { attentionGradient } from './gradient.ts';
export { leaveOneOutDivergence } from './leave-one-out.ts';
export { RANDOM_PERMUTATIONS } from './random.ts';
