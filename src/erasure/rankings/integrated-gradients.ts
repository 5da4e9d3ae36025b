// Integrated gradients with respect to the attention weights (Sundararajan et al. 2017;
// docs/faithfulness.md §3.3). With f(alpha) = p_m(W sum_i alpha_i h_i + b) — no renormalisation, as the
// gradient ranking — and the zero baseline,
//   IG_i = alpha_i ∫_0^1 ∂f/∂alpha_i (t alpha) dt,
// by the midpoint rule with IG_STEPS steps. Along the path the logits are t (x − b) + b, so each step is
// the closed-form gradient of rankings/gradient.ts at p(t): g_i(t) = p_m(t) (z_im − sum_k p_k(t) z_ik).
// Completeness: sum_i IG_i = f(alpha) − f(0) = p_m − softmax(b)_m up to the quadrature error, which is
// returned per document (the battery records it, summary.json reports its median and maximum).
import { softmax } from '../math.ts';
import { oncePerDocument } from '../per-document.ts';
import type { DocumentContext, Ranking } from '../types.ts';
import { orderByScoreDescending } from './order.ts';

/** Riemann midpoint steps; the quadrature error is O(1 / IG_STEPS^2). */
export const IG_STEPS = 64;

export interface IntegratedGradients {
  /** IG_i per item (n values). */
  scores: Float64Array;
  /** |sum_i IG_i − (p_m(alpha) − p_m(0))|. */
  completenessError: number;
}

export function integratedGradients(doc: DocumentContext, steps = IG_STEPS): IntegratedGradients {
  const { n, C, z, b, logits, p, predicted: m } = doc;
  const sum = new Float64Array(n);
  const x = new Float64Array(C);
  const pt = new Float64Array(C);
  for (let s = 0; s < steps; s++) {
    const t = (s + 0.5) / steps;
    for (let k = 0; k < C; k++) x[k] = t * (logits[k]! - b[k]!) + b[k]!;
    softmax(x, pt);
    for (let i = 0; i < n; i++) {
      let expected = 0;
      for (let k = 0; k < C; k++) expected += pt[k]! * z[i * C + k]!;
      sum[i]! += pt[m]! * (z[i * C + m]! - expected);
    }
  }
  const scores = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    scores[i] = (doc.alpha[i]! * sum[i]!) / steps;
    total += scores[i]!;
  }
  const gain = p[m]! - softmax(b)[m]!;
  return { scores, completenessError: Math.abs(total - gain) };
}

/** integratedGradients, once per document: the ranking and the battery's completeness record share it. */
export const integratedGradientsOf = oncePerDocument((doc) => integratedGradients(doc));

export const integratedGradientsRanking: Ranking = {
  name: 'integrated_gradients',
  description: `integrated gradients of the decided class probability w.r.t. alpha (zero baseline, ${IG_STEPS} midpoint steps), largest first`,
  orders: 1,
  rank: ({ doc }) => {
    if (doc.backend) throw new Error('integrated_gradients: needs the linear fast path (HAN/FLAN); transformer backends do not run it');
    return [orderByScoreDescending(integratedGradientsOf(doc).scores)];
  },
};
