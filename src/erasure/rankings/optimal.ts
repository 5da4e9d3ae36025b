import { minimalFlipSetOf } from '../minimal.ts';
import type { Ranking } from '../types.ts';

/** docs/method.md §8: its first flip comes after exactly the exact minimal flip set's size. */
export const optimal: Ranking = {
  name: 'optimal',
  description: 'the order that flips the decision with the fewest erasures (exact minimal flip set first)',
  orders: 1,
  rank: ({ doc }) => [minimalFlipSetOf(doc).order.slice()],
};
