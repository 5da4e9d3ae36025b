// Order statistics and the seeded percentile bootstrap the report's findings and box plots use.
import { Rng } from '../util/rng.ts';

/**
 * Quantile by linear interpolation between order statistics (R type 7, numpy's default), also for
 * values that include +Infinity (an unbounded ratio in a bootstrap resample).
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  // Equal neighbours (also both infinite) need no interpolation; Infinity - Infinity would be NaN.
  return a === b ? a : a + (b - a) * (pos - lo);
}

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
  return { count: s.length, q1, median: quantileSorted(s, 0.5), q3, whiskerLo, whiskerHi };
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
