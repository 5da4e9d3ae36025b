// Batches of documents of similar length (AllenNLP's bucket iterator, as the reference trained): sort by a
// noisy length, cut into batches, shuffle the batch order. FLAN sorts by tokens; HAN by sentence count,
// then longest sentence. The noise (+-10%) varies the batches from epoch to epoch.
import { realSentences, type Family, type TokenDoc } from '../models/index.ts';
import type { Rng } from '../util/rng.ts';

export const LENGTH_NOISE = 0.1;

/** Document indices per batch, for one epoch. */
export function bucketBatches(docs: readonly TokenDoc[], family: Family, batchSize: number, rng: Rng): number[][] {
  const keys = docs.map((d) => sortKey(family, d));
  const noise = () => 1 + LENGTH_NOISE * (2 * rng.next() - 1);
  // FLAN: noisy token count. HAN: noisy sentence count rounded to whole sentences, then noisy longest
  // sentence: documents of equal length in sentences (all of them in the built-in corpora) are grouped
  // by their longest sentence, which sets the word level's padded width.
  const noisy = keys.map(([k, k2]) => (family === 'flan' ? [k * noise(), 0] : [Math.round(k * noise()), k2 * noise()]));
  const order = docs
    .map((_, i) => i)
    .sort((a, b) => noisy[a]![0]! - noisy[b]![0]! || noisy[a]![1]! - noisy[b]![1]! || a - b);
  const batches: number[][] = [];
  for (let s = 0; s < order.length; s += batchSize) batches.push(order.slice(s, s + batchSize));
  return rng.shuffle(batches) as number[][];
}

/** Batches in length order without noise or shuffling (evaluation: least padding, same every time). */
export function sortedBatches(docs: readonly TokenDoc[], family: Family, batchSize: number): number[][] {
  const keys = docs.map((d) => sortKey(family, d));
  const order = docs.map((_, i) => i).sort((a, b) => keys[a]![0] - keys[b]![0] || keys[a]![1] - keys[b]![1] || a - b);
  const batches: number[][] = [];
  for (let s = 0; s < order.length; s += batchSize) batches.push(order.slice(s, s + batchSize));
  return batches;
}

function sortKey(family: Family, d: TokenDoc): [number, number] {
  if (family === 'flan') {
    let n = 0;
    for (const s of d.sentences) n += s.length;
    return [n, 0];
  }
  const ss = realSentences(d);
  let longest = 0;
  for (const s of ss) longest = Math.max(longest, s.length);
  return [ss.length, longest];
}
