// Abnar & Zuidema (2020), attention rollout: with A_l the layer's attention averaged over heads and the
// residual stream counted as 0.5 I (A'_l = 0.5 A_l + 0.5 I, rows summing to 1), the query row of
// A'_L A'_{L-1} ... A'_1 says how much of each input position flows into the classifier's position.
// Transformer backends only.
import type { Ranking } from '../types.ts';
import { orderByScoreDescending } from './order.ts';
import { backendOnly } from './backend-only.ts';

export const rollout: Ranking = {
  name: 'rollout',
  description: 'attention rollout through every layer, residual as 0.5 I (Abnar & Zuidema 2020), largest first',
  orders: 1,
  rank: ({ doc }) => [orderByScoreDescending(backendOnly(doc, 'rollout').itemScores('rollout'))],
};
