// Kobayashi et al. (2020), "Attention is not only a weight": rank item i by the norm of what it adds to the
// query's attention output, ||sum_h alpha_hi W_O^h v_hi|| (W_O^h: head h's columns of the output projection,
// no bias). On the linear HAN/FLAN path the same idea — the weight times the size of what it weighs — is
// alpha_i ||z_i||_2 with z_i = W h_i, the item's contribution to the logits before its weight
// (docs/faithfulness.md §3.2): the classifier plays the part of W_O, since logits = sum_i alpha_i z_i + b.
import type { DocumentContext, Ranking } from '../types.ts';
import { orderByScoreDescending } from './order.ts';

/** alpha_i ||z_i||_2 per item on the linear fast path (n values). */
export function linearAttentionNorm(doc: DocumentContext): Float64Array {
  const { n, C, alpha, z } = doc;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let k = 0; k < C; k++) sq += z[i * C + k]! * z[i * C + k]!;
    out[i] = alpha[i]! * Math.sqrt(sq);
  }
  return out;
}

export const attentionNorm: Ranking = {
  name: 'attention_norm',
  description: 'norm of the weighted, projected value vector (Kobayashi et al. 2020): ||sum_h alpha_hi W_O^h v_hi|| for transformers, alpha_i ||W h_i|| for HAN/FLAN, largest first',
  orders: 1,
  rank: ({ doc }) => [orderByScoreDescending(doc.backend ? doc.backend.itemScores('attention_norm') : linearAttentionNorm(doc))],
};
