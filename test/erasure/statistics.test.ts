import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erfc, mcnemar, median, medianWithInterval, signTestP, twoByTwo } from '../../src/erasure/statistics.ts';
import { Rng } from '../../src/util/rng.ts';

test('median: odd, even, duplicates, against sorting', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([5, 5, 5, 1]), 5);
  assert.ok(Number.isNaN(median([])));
  const rng = new Rng(1);
  for (let t = 0; t < 500; t++) {
    const v = Array.from({ length: 1 + rng.int(40) }, () => rng.int(6)); // many ties
    const s = [...v].sort((a, b) => a - b);
    const h = s.length >> 1;
    assert.equal(median(v), s.length % 2 ? s[h] : (s[h - 1]! + s[h]!) / 2);
  }
});

test('sign test / exact McNemar: hand values', () => {
  // b = 2, c = 8: P(X <= 2 | n = 10) = (1 + 10 + 45) / 1024; two-sided doubles it.
  assert.ok(Math.abs(signTestP(2, 8) - (2 * 56) / 1024) < 1e-12);
  assert.ok(Math.abs(signTestP(8, 2) - (2 * 56) / 1024) < 1e-12);
  // Large n stays finite: b = 400, c = 600 is far in the tail.
  const far = signTestP(400, 600);
  assert.ok(far > 0 && far < 1e-9, `${far}`);
  assert.equal(signTestP(5, 5), 1);
  assert.equal(signTestP(0, 0), 1);
  assert.equal(mcnemar(2, 8).method, 'exact');
});

test('McNemar χ² with continuity correction: b = 10, c = 20 gives χ² = 81/30 = 2.7, p = 0.1003', () => {
  const r = mcnemar(10, 20);
  assert.equal(r.method, 'chi2');
  assert.ok(Math.abs(r.p - 0.100348) < 1e-5, `${r.p}`);
});

test('erfc: known values', () => {
  assert.ok(Math.abs(erfc(0) - 1) < 1e-7);
  assert.ok(Math.abs(erfc(1) - 0.157299207) < 1e-7);
  assert.ok(Math.abs(erfc(-1) - 1.842700793) < 1e-7);
  assert.ok(Math.abs(erfc(3) - 2.20904970e-5) < 1e-10);
});

test('2×2 table: counts, percentages, McNemar on the discordant cells', () => {
  const pairs: [boolean, boolean][] = [[true, true], [true, false], [true, false], [false, false]];
  const t = twoByTwo(pairs);
  assert.deepEqual([t.yesYes, t.yesNo, t.noYes, t.noNo, t.total], [1, 2, 0, 1, 4]);
  assert.deepEqual(t.percent, { yesYes: 25, yesNo: 50, noYes: 0, noNo: 25 });
  assert.ok(Math.abs(t.mcnemarP - 0.5) < 1e-12); // b = 2, c = 0: 2 × (1/4)
});

test('bootstrap interval: contains the median, is reproducible, narrows with more data', () => {
  const rng = new Rng(2);
  const small = Array.from({ length: 30 }, () => [rng.normal()]);
  const big = Array.from({ length: 3000 }, () => [rng.normal()]);
  const a = medianWithInterval(small, new Rng(5), 1000);
  assert.deepEqual(a, medianWithInterval(small, new Rng(5), 1000));
  assert.ok(a.lo! <= a.median! && a.median! <= a.hi!);
  const b = medianWithInterval(big, new Rng(5), 300);
  assert.ok(b.hi! - b.lo! < (a.hi! - a.lo!) / 3);
  assert.ok(Math.abs(b.median!) < 0.1);
  assert.deepEqual(medianWithInterval([[], []], new Rng(1), 10), { documents: 0, median: null, lo: null, hi: null });
  // Pooled groups count with their weight.
  assert.equal(medianWithInterval([[1, 2, 3, 4, 5]], new Rng(1), 10, 1 / 5).documents, 1);
});

test('bootstrapMedians: statistics share the resamples, so adding one does not move another', async () => {
  const { bootstrapMedians } = await import('../../src/erasure/statistics.ts');
  const rng = new Rng(3);
  const a = Array.from({ length: 200 }, () => (rng.next() < 0.2 ? [] : [rng.normal()])); // with exclusions
  const b = Array.from({ length: 200 }, () => Array.from({ length: rng.int(5) }, () => rng.next())); // pooled groups
  const alone = bootstrapMedians([{ groups: a }], 200, new Rng(9), 200)[0];
  const both = bootstrapMedians([{ groups: b, weight: 0.2 }, { groups: a }], 200, new Rng(9), 200);
  assert.deepEqual(both[1], alone);
  assert.equal(alone!.documents, a.filter((g) => g.length > 0).length);
  assert.ok(Math.abs(both[0]!.documents - b.flat().length * 0.2) < 1e-9);
  assert.throws(() => bootstrapMedians([{ groups: a }], 100, new Rng(1), 10), /200 groups for 100 documents/);
});

test('Wilson interval: hand values, and right coverage at 0% and 100% (never [100%, 100%] from 300 documents)', async () => {
  const { wilsonInterval, proportion } = await import('../../src/erasure/statistics.ts');
  // 28 of 30 (R: prop.test(28, 30, correct = FALSE)$conf.int = 0.7868, 0.9815).
  const a = wilsonInterval(28, 30);
  assert.ok(Math.abs(a.lo - 0.78676) < 1e-4 && Math.abs(a.hi - 0.98152) < 1e-4, JSON.stringify(a));
  const all = wilsonInterval(300, 300);
  assert.equal(all.hi, 1);
  assert.ok(all.lo > 0.98 && all.lo < 0.99, `${all.lo}`); // 1 − z²/(n + z²) = 0.98736
  const none = wilsonInterval(0, 300);
  assert.equal(none.lo, 0);
  assert.ok(Math.abs(none.hi - 0.012638) < 1e-5, `${none.hi}`);
  assert.deepEqual(proportion(0, 0), { count: 0, documents: 0, share: null, lo: null, hi: null });
  assert.equal(proportion(3, 4).share, 0.75);
});

test('ratio of counts: one convention for a zero denominator, an interval from the Wilson interval of b / (b + c)', async () => {
  const { ratioOfCounts, signTestP, wilsonInterval } = await import('../../src/erasure/statistics.ts');
  const r = ratioOfCounts(20, 5);
  assert.equal(r.ratio, 4);
  assert.equal(r.documents, 25);
  const w = wilsonInterval(20, 25);
  assert.ok(Math.abs(r.lo! - w.lo / (1 - w.lo)) < 1e-12 && Math.abs(r.hi! - w.hi / (1 - w.hi)) < 1e-12);
  assert.equal(r.signTestP, signTestP(20, 5));
  const unbounded = ratioOfCounts(7, 0);
  assert.deepEqual([unbounded.ratio, unbounded.unbounded, unbounded.hi, unbounded.hiUnbounded], [null, true, null, true]);
  assert.ok(unbounded.lo! > 1);
  const none = ratioOfCounts(0, 0);
  assert.deepEqual([none.ratio, none.unbounded, none.lo, none.hi, none.documents], [null, false, null, null, 0]);
  // The ratio's interval contains 1 exactly when the sign test cannot tell the two apart at 5% (roughly).
  const even = ratioOfCounts(10, 10);
  assert.ok(even.lo! < 1 && even.hi! > 1);
});

test('difference of two exclusive shares (MOVER-Wilson): brackets the estimate, never [0, 0], against a brute-force multinomial check', async () => {
  const { differenceOfShares } = await import('../../src/erasure/statistics.ts');
  const tie = differenceOfShares(0, 0, 300);
  assert.equal(tie.estimate, 0);
  assert.ok(tie.lo < -0.005 && tie.hi > 0.005 && tie.hi < 0.02, JSON.stringify(tie));
  const d = differenceOfShares(60, 20, 200);
  assert.ok(Math.abs(d.estimate - 0.2) < 1e-12 && d.lo < 0.2 && d.hi > 0.2);
  // Coverage by simulation: p1 = 0.3, p2 = 0.1, n = 200; the 95% interval should hold the truth ~95% of the time.
  const rng = new Rng(11);
  let hit = 0;
  const trials = 2000;
  for (let t = 0; t < trials; t++) {
    let a = 0, b = 0;
    for (let i = 0; i < 200; i++) {
      const u = rng.next();
      if (u < 0.3) a++;
      else if (u < 0.4) b++;
    }
    const x = differenceOfShares(a, b, 200);
    if (x.lo <= 0.2 && 0.2 <= x.hi) hit++;
  }
  assert.ok(hit / trials > 0.93 && hit / trials < 0.975, `coverage ${hit / trials}`);
});

test('one quantile function: type 7, with Infinity; box statistics use the same median', async () => {
  const { quantileSorted, boxStats } = await import('../../src/erasure/statistics.ts');
  assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(quantileSorted(Float64Array.from([1, 2, 3, 4]), 0.5), 2.5);
  assert.equal(quantileSorted([3, Infinity, Infinity], 0.9), Infinity);
  assert.equal(boxStats([4, 1, 3, 2])!.median, median([4, 1, 3, 2]));
});
