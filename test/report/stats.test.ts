import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapInterval, boxStats, quantileSorted, stratifiedBootstrapInterval } from '../../src/erasure/statistics.ts';

test('quantiles interpolate between order statistics (type 7, as numpy)', () => {
  const s = [1, 2, 3, 4];
  assert.equal(quantileSorted(s, 0.5), 2.5);
  assert.equal(quantileSorted(s, 0.25), 1.75);
  assert.equal(quantileSorted([3, Infinity, Infinity], 0.9), Infinity);
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
});

test('box whiskers stop at the furthest value within 1.5 IQR', () => {
  // q1 = 2, q3 = 4, IQR 2: reach [-1, 7], so 100 is beyond the upper whisker.
  const b = boxStats([1, 2, 2, 3, 4, 4, 5, 100])!;
  assert.deepEqual({ q1: b.q1, median: b.median, q3: b.q3 }, { q1: 2, median: 3.5, q3: 4.25 });
  assert.equal(b.whiskerLo, 1);
  assert.equal(b.whiskerHi, 5);
  assert.equal(b.count, 8);
  assert.equal(boxStats([]), null);
});

test('the bootstrap interval is seeded and brackets the estimate', () => {
  const xs = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const mean = (s: readonly number[]) => s.reduce((a, b) => a + b, 0) / s.length;
  const a = bootstrapInterval(xs, mean, 500, 11);
  assert.deepEqual(bootstrapInterval(xs, mean, 500, 11), a);
  assert.ok(a.lo < 0.2 && 0.2 < a.hi, JSON.stringify(a));
  assert.ok(a.lo > 0.05 && a.hi < 0.4, JSON.stringify(a));
  const constant = bootstrapInterval([2, 2, 2], mean, 100, 1);
  assert.deepEqual(constant, { lo: 2, hi: 2 });
});

test('the stratified bootstrap keeps each group at its own size', () => {
  const sizes = new Set<string>();
  stratifiedBootstrapInterval(
    [[1, 2, 3], [10, 20]],
    ([a, b]) => {
      sizes.add(`${a!.length},${b!.length}`);
      assert.ok(a!.every((v) => v < 10) && b!.every((v) => v >= 10), 'no value crosses groups');
      return a!.length;
    },
    50,
    2,
  );
  assert.deepEqual([...sizes], ['3,2']);
});
