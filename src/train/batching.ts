// Batches of documents of similar length (AllenNLP's bucket iterator, as the reference trained): sort by a
// noisy length, cut into batches, shuffle the batch order. FLAN sorts by tokens; HAN by sentence count,
// then longest sentence. The noise (+-10%) varies the batches from epoch to epoch.
//
// Memory is bounded by tokens, not documents: a batch also ends before it would hold more than
// `batchTokens` padded tokens (documents x the longest document's tokens), so a batch of long documents
// holds fewer of them, and a document longer than the budget goes alone. (What happens to a document too
// long to train on at all is long-docs.ts.)
import { docLength, realSentences, type Family, type TokenDoc } from '../models/index.ts';
import type { Rng } from '../util/rng.ts';

export const LENGTH_NOISE = 0.1;

/** Most padded tokens per batch by default (64 documents of 1,000 tokens; FLAN-rnn training ~1 GB). */
export const DEFAULT_BATCH_TOKENS = 64_000;

export interface BatchBudget {
  /** Most padded tokens (documents x longest document's tokens) in one batch (default: no bound). */
  batchTokens?: number;
  /** A document with more tokens than this goes in a batch of its own (default: no such rule). */
  aloneOver?: number;
}

/** Document indices per batch, for one epoch. */
export function bucketBatches(docs: readonly TokenDoc[], family: Family, batchSize: number, rng: Rng, budget: BatchBudget = {}): number[][] {
  const keys = docs.map((d) => sortKey(family, d));
  const noise = () => 1 + LENGTH_NOISE * (2 * rng.next() - 1);
  // FLAN: noisy token count. HAN: noisy sentence count rounded to whole sentences, then noisy longest
  // sentence: documents of equal length in sentences (all of them in the built-in corpora) are grouped
  // by their longest sentence, which sets the word level's padded width.
  const noisy = keys.map(([k, k2]) => (family === 'flan' ? [k * noise(), 0] : [Math.round(k * noise()), k2 * noise()]));
  const order = docs
    .map((_, i) => i)
    .sort((a, b) => noisy[a]![0]! - noisy[b]![0]! || noisy[a]![1]! - noisy[b]![1]! || a - b);
  return rng.shuffle(cutBatches(docs, order, batchSize, budget)) as number[][];
}

/** Batches in length order without noise or shuffling (evaluation: least padding, same every time). */
export function sortedBatches(docs: readonly TokenDoc[], family: Family, batchSize: number, budget: BatchBudget = {}): number[][] {
  const keys = docs.map((d) => sortKey(family, d));
  const order = docs.map((_, i) => i).sort((a, b) => keys[a]![0] - keys[b]![0] || keys[a]![1] - keys[b]![1] || a - b);
  return cutBatches(docs, order, batchSize, budget);
}

/**
 * Cuts `order` into consecutive batches of at most batchSize documents and batchTokens padded tokens;
 * one document always makes a batch, however long.
 */
export function cutBatches(docs: readonly TokenDoc[], order: readonly number[], batchSize: number, budget: BatchBudget = {}): number[][] {
  const maxTokens = budget.batchTokens ?? Infinity;
  const aloneOver = budget.aloneOver ?? Infinity;
  const batches: number[][] = [];
  let cur: number[] = [];
  let longest = 0;
  for (const i of order) {
    const n = docLength(docs[i]!);
    const wide = Math.max(longest, n);
    const alone = n > aloneOver || (cur.length === 1 && longest > aloneOver);
    if (cur.length > 0 && (cur.length + 1 > batchSize || (cur.length + 1) * wide > maxTokens || alone)) {
      batches.push(cur);
      cur = [];
      longest = 0;
    }
    cur.push(i);
    longest = Math.max(longest, n);
  }
  if (cur.length > 0) batches.push(cur);
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
