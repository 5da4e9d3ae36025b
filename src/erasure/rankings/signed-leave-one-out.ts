// Signed leave-one-out (docs/faithfulness.md §3.1): score_i = p_m − q^{(i)}_m, the drop in the decided
// class's probability when item i alone is erased (and the rest renormalised). Positive: the item
// supports the decision; negative: it opposes it. Most supporting first, so erasing in this order
// removes support before anything else — unlike leave_one_out's JS divergence, which is unsigned.
import { leaveOneOutOf } from '../erase.ts';
import { softmax } from '../math.ts';
import type { DocumentContext, Ranking } from '../types.ts';
import { orderByScoreDescending } from './order.ts';

/** p_m − q^{(i)}_m for each item (n values), on whichever backend computes the document's erasures. */
export function signedLeaveOneOutDrop(doc: DocumentContext): Float64Array {
  const { n, C, p, predicted: m } = doc;
  const rows = leaveOneOutOf(doc).logits;
  const drop = new Float64Array(n);
  const q = new Float64Array(C);
  for (let i = 0; i < n; i++) drop[i] = p[m]! - softmax(rows.subarray(i * C, i * C + C), q)[m]!;
  return drop;
}

export const signedLeaveOneOut: Ranking = {
  name: 'signed_leave_one_out',
  description: "drop in the decided class's probability when the item alone is erased (signed), most supporting first",
  orders: 1,
  rank: ({ doc }) => [orderByScoreDescending(signedLeaveOneOutDrop(doc))],
};
