// Attention permutation (Jain & Wallace 2019 §4.2.1; docs/faithfulness.md §4.2): per document, P random
// permutations of the attention weights over the items, the output change TVD(p, p_perm) = ½‖p − p_perm‖₁
// of each, and their median; with the document's largest weight, against which their figure plots it.
// On a transformer backend (backend.ts RowEvaluator) one permutation of the item positions is applied to every
// head's row of the classifier query (specials under `--specials out` keep their weights), all P rows of a
// document in one batched call.
import type { RowEvaluator } from '../backend.ts';
import { median, proportion } from '../statistics.ts';
import { softmax } from '../math.ts';
import type { DocumentContext, MedianWithInterval, Proportion } from '../types.ts';
import type { DocumentTest } from './document-test.ts';
import type { Rng } from '../../util/rng.ts';
import { totalVariation } from '../../util/divergence.ts';

/** Permutations per document (theirs: 100). */
export const PERMUTATIONS = 100;

/** The max-attention bins of their figures: [0, 0.25), [0.25, 0.5), [0.5, 0.75), [0.75, 1]. */
export const MAX_ATTENTION_BINS: readonly (readonly [number, number])[] = [
  [0, 0.25],
  [0.25, 0.5],
  [0.5, 0.75],
  [0.75, 1],
];

/** The bin of a max-attention value (the last bin is closed: 1.0 belongs to it). */
export function maxAttentionBin(maxAttention: number): number {
  for (let k = 0; k < MAX_ATTENTION_BINS.length - 1; k++) if (maxAttention < MAX_ATTENTION_BINS[k]![1]) return k;
  return MAX_ATTENTION_BINS.length - 1;
}

export interface PermutationRecord {
  /** Median over the permutations of TVD(p, p_perm), in [0, 1]. */
  medianTvd: number;
  /** max_i alpha_i. */
  maxAttention: number;
}

export interface BinnedMedian {
  /** Max-attention bin [from, to) ([from, to] for the last). */
  from: number;
  to: number;
  median: MedianWithInterval;
}

export interface PermutationSummary {
  permutations: number;
  /** Documents with a record (n >= 2 on the fast path). */
  documents: number;
  /** Documents where the test ran but does not apply (n < 2, or fewer than 2 item positions on a transformer). */
  notApplicable: number;
  medianTvd: MedianWithInterval;
  byMaxAttention: BinnedMedian[];
  /** Share of documents whose median permutation moved the output by less than 0.01 (TVD). */
  belowOnePercent: Proportion;
}

export { totalVariation }; // ½ Σ_k |p_k − q_k|, defined once in src/util/divergence.ts

/** p(w) = softmax(Σ_i w_i z_i + b) for any weight vector w over the document's items (fast path). */
export function outputFor(doc: DocumentContext, w: ArrayLike<number>, logits = new Float64Array(doc.C), out = new Float64Array(doc.C)): Float64Array {
  const { n, C, z, b } = doc;
  logits.set(b);
  for (let i = 0; i < n; i++) {
    const a = w[i]!;
    if (a === 0) continue;
    for (let k = 0; k < C; k++) logits[k]! += a * z[i * C + k]!;
  }
  return softmax(logits, out);
}

export function maxOf(x: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i]! > m) m = x[i]!;
  return m;
}

/** The test on one document: the TVD of each of `permutations` permutations, and their median. */
export function permutationTvds(doc: DocumentContext, rng: Rng, permutations = PERMUTATIONS): Float64Array {
  const tvds = new Float64Array(permutations);
  const w = new Float64Array(doc.n);
  const logits = new Float64Array(doc.C);
  const q = new Float64Array(doc.C);
  for (let r = 0; r < permutations; r++) {
    const perm = rng.permutation(doc.n);
    for (let i = 0; i < doc.n; i++) w[i] = doc.alpha[perm[i]!]!;
    tvds[r] = totalVariation(doc.p, outputFor(doc, w, logits, q));
  }
  return tvds;
}

/**
 * Permuted rows of a transformer backend, K × H × P: row k weighs item position j of head h with the model's
 * own weight at position perms[k][j] of the same head (one permutation for every head).
 */
export function permutedRows(rows: RowEvaluator, perms: readonly ArrayLike<number>[]): Float64Array {
  const H = rows.heads;
  const P = rows.positions.length;
  const out = new Float64Array(perms.length * H * P);
  perms.forEach((perm, k) => {
    for (let h = 0; h < H; h++) for (let j = 0; j < P; j++) out[(k * H + h) * P + j] = rows.weights[h * P + perm[j]!]!;
  });
  return out;
}

/** permutationTvds on a transformer backend: the permutations' rows evaluated together. */
export function permutationTvdsOfRows(doc: DocumentContext, rows: RowEvaluator, rng: Rng, permutations = PERMUTATIONS): Float64Array {
  const P = rows.positions.length;
  const perms = Array.from({ length: permutations }, () => rng.permutation(P));
  const logits = rows.logits(permutedRows(rows, perms), permutations);
  return Float64Array.from({ length: permutations }, (_, k) => totalVariation(doc.p, softmax(logits.subarray(k * doc.C, (k + 1) * doc.C))));
}

/** The document's TVDs on whichever path it has; null where it does not apply (n < 2, a backend without rows). */
function documentTvds(doc: DocumentContext, rng: Rng): Float64Array | null {
  if (doc.n < 2) return null;
  if (!doc.backend) return permutationTvds(doc, rng);
  const rows = doc.backend.rows;
  return rows && rows.positions.length >= 2 ? permutationTvdsOfRows(doc, rows, rng) : null;
}

/** The per-document values of a binned summary: one group per document (its value if in bin k, else none). */
export function binnedMedians<R extends { maxAttention: number }>(
  records: readonly (R | null | undefined)[],
  value: (r: R) => number,
  median: (groups: number[][]) => MedianWithInterval,
): BinnedMedian[] {
  return MAX_ATTENTION_BINS.map(([from, to], k) => ({
    from,
    to,
    median: median(records.map((r) => (r == null || maxAttentionBin(r.maxAttention) !== k ? [] : [value(r)]))),
  }));
}

export const permutation: DocumentTest<PermutationRecord, PermutationSummary> = {
  description: `Median output change (TVD) over ${PERMUTATIONS} random permutations of the attention weights, against max attention (Jain & Wallace 2019)`,
  docs: 'docs/faithfulness.md §4.2',
  suite: 'default',
  backends: true,
  run: ({ doc, rng }) => {
    const tvds = documentTvds(doc, rng);
    return tvds === null ? null : { medianTvd: median(tvds), maxAttention: maxOf(doc.alpha) };
  },
  summarize(records, { median: medianOf }) {
    const kept = records.filter((r): r is PermutationRecord => r != null);
    return {
      permutations: PERMUTATIONS,
      documents: kept.length,
      notApplicable: records.filter((r) => r === null).length,
      medianTvd: medianOf(records.map((r) => (r == null ? [] : [r.medianTvd]))),
      byMaxAttention: binnedMedians(records, (r) => r.medianTvd, medianOf),
      belowOnePercent: proportion(kept.filter((r) => r.medianTvd < 0.01).length, kept.length),
    };
  },
};
