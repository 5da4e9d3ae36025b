// Where the output is not linear in the attention (transformers), the smallest flip set is no longer found
// by a sort. The greedy best-first set erases, one at a time, the item whose erasure (with those already
// erased) lowers the decided class's margin most, until the decision changes: its size is an UPPER BOUND on
// the minimal flip set, and is labelled so wherever it appears.
import { minimalFlipSetOf } from '../minimal.ts';
import type { Ranking } from '../types.ts';
import { backendOnly } from './backend-only.ts';

export const greedy: Ranking = {
  name: 'greedy',
  description: 'greedy best-first flip set (an upper bound on the minimal flip set), then the rest',
  orders: 1,
  rank: ({ doc }) => {
    backendOnly(doc, 'greedy');
    return [minimalFlipSetOf(doc).order.slice()];
  },
};
