// Kobayashi et al. (2020), "Attention is not only a weight": rank item i by the norm of what it adds to the
// query's attention output, ||sum_h alpha_hi W_O^h v_hi|| (W_O^h: head h's columns of the output projection,
// no bias). Transformer backends only (the linear HAN/FLAN attention has no W_O).
import type { Ranking } from '../types.ts';
import { orderByScoreDescending } from './order.ts';
import { backendOnly } from './backend-only.ts';

export const attentionNorm: Ranking = {
  name: 'attention_norm',
  description: 'norm of the weighted, projected value vector ||sum_h alpha_hi W_O^h v_hi|| (Kobayashi et al. 2020), largest first',
  orders: 1,
  rank: ({ doc }) => [orderByScoreDescending(backendOnly(doc, 'attention_norm').itemScores('attention_norm'))],
};
