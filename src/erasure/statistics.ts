// The statistics of docs/method.md §9: medians with 95% bootstrap intervals over documents, McNemar's test for
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

/** One median to bootstrap: per document (index = document), the values it contributes (often none or one). */
export interface MedianStatistic {
  groups: readonly (readonly number[])[];
  /** How much one value counts as a document (1/5 for the random ranking's pooled permutations). */
  weight?: number;
}

/**
 * Medians of pooled values with 95% percentile-bootstrap intervals over documents. Every statistic is
 * computed on the same resamples of the documents (a resample is a count per document), so a run costs
 * one set of draws however many statistics it reports. A document without values for a statistic (an
 * exclusion) simply adds nothing to it; a resample in which a statistic has no value at all is left out
 * of that statistic's interval.
 *
 * Each statistic's values are sorted once; its median in a resample is one pass over them weighted by
 * their document's count: O(values) per resample, no sorting.
 */
export function bootstrapMedians(stats: readonly MedianStatistic[], documents: number, rng: Rng, resamples: number): MedianWithInterval[] {
  const prepared = stats.map((s) => {
    if (s.groups.length !== documents) throw new RangeError(`bootstrapMedians: ${s.groups.length} groups for ${documents} documents`);
    const pairs: [number, number][] = [];
    s.groups.forEach((g, doc) => g.forEach((v) => pairs.push([v, doc])));
    pairs.sort((x, y) => x[0] - y[0]);
    return {
      values: Float64Array.from(pairs, (p) => p[0]),
      group: Int32Array.from(pairs, (p) => p[1]),
      meds: new Float64Array(resamples),
      weight: s.weight ?? 1,
    };
  });
  const counts = new Int32Array(documents);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let d = 0; d < documents; d++) counts[rng.int(documents)]!++;
    for (const p of prepared) {
      let total = 0;
      for (let t = 0; t < p.group.length; t++) total += counts[p.group[t]!]!;
      p.meds[r] = total === 0 ? NaN : weightedMedian(p.values, p.group, counts, total);
    }
  }
  counts.fill(1);
  return prepared.map((p) => {
    const T = p.values.length;
    if (T === 0) return { documents: 0, median: null, lo: null, hi: null };
    const meds = p.meds.filter((v) => !Number.isNaN(v)).sort();
    return {
      documents: T * p.weight,
      median: weightedMedian(p.values, p.group, counts, T),
      lo: quantileSorted(meds, 0.025),
      hi: quantileSorted(meds, 0.975),
    };
  });
}

/** One median with its interval (bootstrapMedians for a single statistic; groups = documents). */
export function medianWithInterval(groups: number[][], rng: Rng, resamples: number, weight = 1): MedianWithInterval {
  return bootstrapMedians([{ groups, weight }], groups.length, rng, resamples)[0]!;
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
