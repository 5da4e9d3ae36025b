// docs/method.md §5: g_i = d d(x) / d alpha_i with d(x) = exp(max_k x_k) / sum_k exp(x_k) = p_m at the unmodified
// alpha (no renormalisation inside the derivative). Since d p_m / d x_k = p_m (delta_mk − p_k) and
// d x_k / d alpha_i = z_ik:  g_i = p_m (z_im − sum_k p_k z_ik).
import type { DocumentContext, Ranking } from '../types.ts';
import { orderByScoreDescending } from './order.ts';

/** The closed-form gradient of the decided class's probability with respect to each alpha_i (n values). */
export function attentionGradient(doc: DocumentContext): Float64Array {
  const { n, C, z, p, predicted: m } = doc;
  const g = new Float64Array(n);
  const pm = p[m]!;
  for (let i = 0; i < n; i++) {
    let expected = 0;
    for (let k = 0; k < C; k++) expected += p[k]! * z[i * C + k]!;
    g[i] = pm * (z[i * C + m]! - expected);
  }
  return g;
}

export const gradient: Ranking = {
  name: 'gradient',
  description: 'gradient of the decided class probability with respect to alpha_i (signed), largest first',
  orders: 1,
  rank: ({ doc }) => [orderByScoreDescending(doc.backend ? doc.backend.gradient() : attentionGradient(doc))],
};
