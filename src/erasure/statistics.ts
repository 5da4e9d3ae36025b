// The one statistics module of attnlab (docs/method.md §9, docs/report.md): the erasure run's summary.json and the report both call these
// functions, so a number on the report page and the same number in summary.json cannot drift apart.
//
//   proportions        Wilson score intervals (closed form; right coverage at 0% and 100%)
//   ratios of counts   b / c of discordant documents: the Wilson interval of b / (b + c), mapped to b / c
//   difference of two shares of one sample (F5): MOVER-Wilson (closed form, Zou & Donner 2008)
//   medians            seeded percentile bootstrap over documents (no closed form for a pooled median)
//   paired yes/no      McNemar's test (exact binomial for few discordant pairs, χ² with continuity otherwise)
//   quantiles, box plots
import { Rng } from '../util/rng.ts';
import type { MedianWithInterval, Proportion, RatioOfCounts, TwoByTwo } from './types.ts';

/** Two-sided 95%: the normal quantile every interval here uses. */
export const Z95 = 1.959963984540054;

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

/**
 * Quantile by linear interpolation between order statistics (R type 7, numpy's default) of sorted values,
 * also for values that include +Infinity. NaN for no values.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  // Equal neighbours (also both infinite) need no interpolation; Infinity - Infinity would be NaN.
  return a === b ? a : a + (b - a) * (pos - lo);
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
  return bootstrapPrepared(stats.map((s) => prepareMedian(s, documents)), documents, rng, resamples);
}

/** A statistic's values sorted once, with each value's document: all bootstrapPrepared keeps of it. */
export interface PreparedMedian {
  values: Float64Array;
  group: Int32Array;
  weight: number;
}

/**
 * The sorted form of one statistic, made as soon as it is known, so that a summary over 100 k documents
 * holds two typed arrays per statistic instead of an array per document (docs/scale.md).
 */
export function prepareMedian(s: MedianStatistic, documents: number): PreparedMedian {
  if (s.groups.length !== documents) throw new RangeError(`bootstrapMedians: ${s.groups.length} groups for ${documents} documents`);
  let count = 0;
  for (const g of s.groups) count += g.length;
  const values = new Float64Array(count);
  const group = new Int32Array(count);
  let t = 0;
  s.groups.forEach((g, doc) => g.forEach((v) => ((values[t] = v), (group[t++] = doc))));
  // A stable sort by value (ties keep document order), as the pairs were sorted before.
  const order = new Int32Array(count).map((_, i) => i).sort((x, y) => values[x]! - values[y]! || x - y);
  return { values: Float64Array.from(order, (i) => values[i]!), group: Int32Array.from(order, (i) => group[i]!), weight: s.weight ?? 1 };
}

/** bootstrapMedians over statistics already prepared (prepareMedian). */
export function bootstrapPrepared(stats: readonly PreparedMedian[], documents: number, rng: Rng, resamples: number): MedianWithInterval[] {
  const prepared = stats.map((s) => ({ ...s, meds: new Float64Array(resamples) }));
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
    if (meds.length === 0) return { documents: T * p.weight, median: weightedMedian(p.values, p.group, counts, T), lo: null, hi: null };
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

// ---------------------------------------------------------------------------------------------
// Proportions and ratios: closed forms
// ---------------------------------------------------------------------------------------------

/**
 * Wilson score interval (95%) for `count` successes out of `n`. Unlike the percentile bootstrap it
 * does not collapse at 0% or 100%: 300 of 300 gives [98.7%, 100%], not [100%, 100%].
 */
export function wilsonInterval(count: number, n: number): { lo: number; hi: number } {
  if (n === 0) return { lo: 0, hi: 1 };
  const p = count / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At the edges the formula gives exactly 0 / 1 up to rounding; clamp the rounding.
  return { lo: count === 0 ? 0 : Math.max(0, centre - half), hi: count === n ? 1 : Math.min(1, centre + half) };
}

/** A share with its Wilson interval and the count behind it (null share for no documents). */
export function proportion(count: number, documents: number): Proportion {
  const { lo, hi } = wilsonInterval(count, documents);
  return { count, documents, share: documents === 0 ? null : count / documents, lo: documents === 0 ? null : lo, hi: documents === 0 ? null : hi };
}

/** Below this many documents behind an estimate, attnlab gives no verdict ("too few documents"). */
export const MIN_DOCUMENTS = 10;

/**
 * first / second for counts of discordant documents (documents where one side wins), with a 95%
 * interval: conditional on b + c, b is binomial with p = b / (b + c), and the ratio is p / (1 − p), so
 * the Wilson limits of p map to the ratio's limits. One convention for a zero denominator everywhere:
 * the ratio is null and `unbounded` says whether it is +∞ (second = 0 < first) or undefined (0 / 0);
 * an upper limit of +∞ is null with `hiUnbounded`. The exact sign test of first against second
 * comes with it.
 */
export function ratioOfCounts(first: number, second: number): RatioOfCounts {
  const n = first + second;
  const { lo, hi } = wilsonInterval(first, n);
  const toRatio = (p: number): number | null => (p >= 1 ? null : p / (1 - p));
  return {
    first,
    second,
    documents: n,
    ratio: second === 0 ? null : first / second,
    unbounded: second === 0 && first > 0,
    lo: n === 0 ? null : toRatio(lo),
    hi: n === 0 ? null : toRatio(hi),
    hiUnbounded: n > 0 && hi >= 1,
    signTestP: signTestP(first, second),
  };
}

/**
 * 95% interval of p1 − p2 where p1 = a / n and p2 = b / n are shares of two outcomes that exclude each
 * other in one sample (a document is a gradient win, an attention win, or a tie): MOVER with Wilson
 * limits and the multinomial correlation −sqrt(p1 p2 / ((1 − p1)(1 − p2))).
 */
export function differenceOfShares(a: number, b: number, n: number): { estimate: number; lo: number; hi: number } {
  if (n === 0) return { estimate: NaN, lo: -1, hi: 1 };
  const p1 = a / n;
  const p2 = b / n;
  const w1 = wilsonInterval(a, n);
  const w2 = wilsonInterval(b, n);
  const denom = (1 - p1) * (1 - p2);
  const r = denom <= 0 ? 0 : -Math.sqrt((p1 * p2) / denom);
  const d = p1 - p2;
  const lo = d - Math.sqrt(Math.max(0, (p1 - w1.lo) ** 2 + (w2.hi - p2) ** 2 - 2 * r * (p1 - w1.lo) * (w2.hi - p2)));
  const hi = d + Math.sqrt(Math.max(0, (w1.hi - p1) ** 2 + (p2 - w2.lo) ** 2 - 2 * r * (w1.hi - p1) * (p2 - w2.lo)));
  return { estimate: d, lo: Math.max(-1, lo), hi: Math.min(1, hi) };
}

// ---------------------------------------------------------------------------------------------
// Box plots and the general bootstrap (where no closed form fits: a difference of two medians)
// ---------------------------------------------------------------------------------------------

/** A box plot's numbers; whiskers reach the most extreme values within 1.5 IQR of the quartiles (paper, Fig. 5). */
export interface BoxStats {
  count: number;
  q1: number;
  median: number;
  q3: number;
  whiskerLo: number;
  whiskerHi: number;
}

export function boxStats(values: readonly number[]): BoxStats | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const reach = 1.5 * (q3 - q1);
  const whiskerLo = s.find((v) => v >= q1 - reach)!;
  const whiskerHi = [...s].reverse().find((v) => v <= q3 + reach)!;
  return { count: s.length, q1, median: median(s), q3, whiskerLo, whiskerHi };
}

export interface Interval {
  lo: number;
  hi: number;
}

/**
 * 95% percentile bootstrap interval of `stat` over units (documents): resample units with replacement
 * `resamples` times from a generator seeded with `seed`, so the same input gives the same interval.
 */
export function bootstrapInterval<T>(
  units: readonly T[],
  stat: (sample: readonly T[]) => number,
  resamples: number,
  seed: number,
): Interval {
  return stratifiedBootstrapInterval([units], ([sample]) => stat(sample!), resamples, seed);
}

/**
 * The same for independent samples (two models' documents): each group is resampled on its own, so every
 * resample keeps the groups' sizes.
 */
export function stratifiedBootstrapInterval<T>(
  groups: readonly (readonly T[])[],
  stat: (samples: readonly (readonly T[])[]) => number,
  resamples: number,
  seed: number,
): Interval {
  const rng = new Rng(seed);
  const values: number[] = [];
  const samples: T[][] = groups.map((g) => new Array<T>(g.length));
  for (let r = 0; r < resamples; r++) {
    groups.forEach((g, k) => {
      for (let i = 0; i < g.length; i++) samples[k]![i] = g[rng.int(g.length)]!;
    });
    const v = stat(samples);
    if (!Number.isNaN(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  return { lo: quantileSorted(values, 0.025), hi: quantileSorted(values, 0.975) };
}
