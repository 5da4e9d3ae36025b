// The statistics of SPEC §8: medians with 95% bootstrap intervals over documents, McNemar's test for
// paired yes/no outcomes (exact binomial for few discordant pairs, χ² with continuity otherwise).
import type { Rng } from '../util/rng.ts';
import type { MedianWithInterval, TwoByTwo } from './types.ts';

/** Below this many discordant pairs McNemar's test uses the exact binomial distribution. */
export const MCNEMAR_EXACT_BELOW = 25;

/** Median (mean of the two middle values for an even count) of the first `len` values; reorders them. */
export function medianInPlace(a: Float64Array, len = a.length): number {
  if (len === 0) return NaN;
  const hi = len >> 1;
  const upper = select(a, 0, len - 1, hi);
  if (len % 2 === 1) return upper;
  // After selecting index hi, everything below it is <= upper: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < hi; i++) if (a[i]! > lower) lower = a[i]!;
  return 0.5 * (lower + upper);
}

export function median(values: ArrayLike<number>): number {
  return medianInPlace(Float64Array.from(values));
}

// Hoare-style quickselect with a median-of-three pivot: the k-th smallest of a[lo..hi], in place.
function select(a: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Linear-interpolation quantile (type 7) of sorted values. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Median of the pooled values with a 95% percentile-bootstrap interval. `groups` holds one array per
 * document (the random ranking pools its permutations, so a group can hold several values); documents
 * are resampled with replacement, `weight` says how much one value counts as a document.
 *
 * The values are sorted once; a resample is then a count per document, and its median is found by one
 * pass over the sorted values weighted by their document's count: O(values) per resample, no sorting.
 */
export function medianWithInterval(groups: number[][], rng: Rng, resamples: number, weight = 1): MedianWithInterval {
  const nonEmpty = groups.filter((g) => g.length > 0);
  const G = nonEmpty.length;
  if (G === 0) return { documents: 0, median: null, lo: null, hi: null };
  const sizes = Int32Array.from(nonEmpty, (g) => g.length);
  const T = sizes.reduce((a, v) => a + v, 0);
  const pairs: [number, number][] = [];
  nonEmpty.forEach((g, j) => g.forEach((v) => pairs.push([v, j])));
  pairs.sort((a, b) => a[0] - b[0]);
  const values = Float64Array.from(pairs, (p) => p[0]);
  const group = Int32Array.from(pairs, (p) => p[1]);
  const counts = new Int32Array(G).fill(1);
  const median = weightedMedian(values, group, counts, T);
  const meds = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    let total = 0;
    for (let d = 0; d < G; d++) {
      const g = rng.int(G);
      counts[g]!++;
      total += sizes[g]!;
    }
    meds[r] = weightedMedian(values, group, counts, total);
  }
  meds.sort();
  return { documents: T * weight, median, lo: quantileSorted(meds, 0.025), hi: quantileSorted(meds, 0.975) };
}

/** Median of sorted `values` where value t occurs counts[group[t]] times, `total` occurrences in all. */
function weightedMedian(values: Float64Array, group: Int32Array, counts: Int32Array, total: number): number {
  const lowRank = (total - 1) >> 1; // 0-based ranks of the middle occurrence(s)
  const highRank = total >> 1;
  let seen = 0;
  let low = NaN;
  for (let t = 0; t < values.length; t++) {
    seen += counts[group[t]!]!;
    if (Number.isNaN(low) && seen > lowRank) low = values[t]!;
    if (seen > highRank) return 0.5 * (low + values[t]!);
  }
  return low;
}

/** Two-sided exact binomial (sign) test of b against c with p = 1/2. */
export function signTestP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const lo = Math.min(b, c);
  // sum_{i <= lo} C(n, i) / 2^n, in log space so large n does not overflow.
  let logTerm = -n * Math.LN2; // i = 0
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= lo; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}

/** McNemar's test on the discordant counts b (yes/no) and c (no/yes). */
export function mcnemar(b: number, c: number): { p: number; method: 'exact' | 'chi2' } {
  if (b + c < MCNEMAR_EXACT_BELOW) return { p: signTestP(b, c), method: 'exact' };
  const x = (Math.abs(b - c) - 1) ** 2 / (b + c);
  // χ² with one degree of freedom: P(X > x) = erfc(sqrt(x / 2)).
  return { p: Math.min(1, erfc(Math.sqrt(x / 2))), method: 'chi2' };
}

/** A 2×2 table of paired outcomes with percentages and McNemar's test. */
export function twoByTwo(pairs: Iterable<readonly [boolean, boolean]>): TwoByTwo {
  let yesYes = 0, yesNo = 0, noYes = 0, noNo = 0;
  for (const [a, b] of pairs) {
    if (a && b) yesYes++;
    else if (a) yesNo++;
    else if (b) noYes++;
    else noNo++;
  }
  const total = yesYes + yesNo + noYes + noNo;
  const pct = (v: number): number => (total === 0 ? 0 : (100 * v) / total);
  const { p, method } = mcnemar(yesNo, noYes);
  return {
    yesYes, yesNo, noYes, noNo, total,
    percent: { yesYes: pct(yesYes), yesNo: pct(yesNo), noYes: pct(noYes), noNo: pct(noNo) },
    mcnemarP: p,
    mcnemarMethod: method,
  };
}

/**
 * Complementary error function, relative error < 1.2e-7 everywhere (Numerical Recipes' erfcc,
 * a Chebyshev fit): plenty for a p-value.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
          t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
