import { leaveOneOutOf } from '../erase.ts';
import { jsDivergence, softmax } from '../math.ts';
import type { DocumentContext, Ranking } from '../types.ts';
import { orderByScoreDescending } from './order.ts';

/** JS(p, q_{i}) for erasing each item alone (n values, nats). */
export function leaveOneOutDivergence(doc: DocumentContext): Float64Array {
  const { n, C, p } = doc;
  const rows = leaveOneOutOf(doc).logits;
  const js = new Float64Array(n);
  const q = new Float64Array(C);
  for (let i = 0; i < n; i++) js[i] = jsDivergence(p, softmax(rows.subarray(i * C, i * C + C), q));
  return js;
}

export const leaveOneOut: Ranking = {
  name: 'leave_one_out',
  description: 'JS divergence of the output when the item alone is erased, largest first',
  orders: 1,
  rank: ({ doc }) => [orderByScoreDescending(leaveOneOutDivergence(doc))],
};
