import type { Ranking } from '../types.ts';

/** docs/method.md §10.2: five seeded permutations per document, all recorded and pooled in the reports. */
export const RANDOM_PERMUTATIONS = 5;

export const random: Ranking = {
  name: 'random',
  description: `a uniformly random order (${RANDOM_PERMUTATIONS} seeded permutations per document)`,
  orders: RANDOM_PERMUTATIONS,
  rank: ({ doc, rng }) => Array.from({ length: RANDOM_PERMUTATIONS }, () => rng.permutation(doc.n)),
};
