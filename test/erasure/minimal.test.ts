// The exact minimal flip set (docs/method.md §8) against enumeration of every subset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextFromZ } from '../../src/erasure/context.ts';
import { decisionAfterErasing, firstFlip } from '../../src/erasure/erase.ts';
import { minimalFlipSet } from '../../src/erasure/minimal.ts';
import type { DocumentContext } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';

/**
 * The smallest |S| whose erasure changes the decision, by trying every subset S. `decide(mask)` gives
 * the decision after erasing the items in the bit mask (all n bits set = the zero vector).
 */
function bruteForceMinimal(n: number, predicted: number, decide: (mask: number) => number): number | null {
  let best: number | null = null;
  for (let mask = 1; mask < 1 << n; mask++) {
    const size = popcount(mask);
    if (best !== null && size >= best) continue;
    if (decide(mask) !== predicted) best = size;
  }
  return best;
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/**
 * The decision straight from docs/method.md §4 with exact arithmetic: logits'_k = num_k / A + b_k, compared after
 * multiplying by A > 0 (all inputs are small dyadic numbers, so every sum and product is exact).
 */
function exactDecision(doc: DocumentContext, mask: number): number {
  const { n, C, alpha, z, b } = doc;
  if (mask === (1 << n) - 1) return argmaxLow(Array.from(b));
  let A = 0;
  const num = new Array<number>(C).fill(0);
  for (let i = 0; i < n; i++) {
    if (mask & (1 << i)) continue;
    A += alpha[i]!;
    for (let k = 0; k < C; k++) num[k]! += alpha[i]! * z[i * C + k]!;
  }
  return argmaxLow(num.map((v, k) => v + A * b[k]!));
}

function argmaxLow(v: number[]): number {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k]! > v[best]!) best = k;
  return best;
}

/** A document whose numbers are small dyadic rationals: alpha = parts of 32 / 32, small integer z and b. */
function tiedDocument(rng: Rng, n: number, C: number): DocumentContext {
  const T = 32;
  const cuts = new Set<number>();
  while (cuts.size < n - 1) cuts.add(1 + rng.int(T - 1));
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), T];
  const alpha = Float64Array.from({ length: n }, (_, i) => (sorted[i + 1]! - sorted[i]!) / T);
  const z = Float64Array.from({ length: n * C }, () => rng.int(5) - 2);
  const b = Float64Array.from({ length: C }, () => (rng.int(3) - 1) / 2);
  return contextFromZ(alpha, z, b);
}

function maskOf(order: Int32Array, size: number): number {
  let mask = 0;
  for (let t = 0; t < size; t++) mask |= 1 << order[t]!;
  return mask;
}

test('minimal flip set = brute force over all subsets: 3,000 cases with ties, n <= 12, exact arithmetic', () => {
  const rng = new Rng(20190728);
  const seen = { flipped: 0, zero_vector: 0, never_flips: 0, single_item: 0, tiesAtOriginal: 0 };
  for (let c = 0; c < 3000; c++) {
    const n = 1 + rng.int(12);
    const C = 2 + rng.int(3);
    const doc = tiedDocument(rng, n, C);
    if (new Set(doc.logits).size < C) seen.tiesAtOriginal++;
    const found = minimalFlipSet(doc);
    seen[found.status]++;
    if (n === 1) {
      assert.equal(found.status, 'single_item');
      continue;
    }
    const expected = bruteForceMinimal(n, doc.predicted, (mask) => exactDecision(doc, mask));
    assert.equal(found.size, expected, `case ${c}: n=${n} C=${C}`);
    if (expected === null) {
      assert.equal(found.status, 'never_flips');
      continue;
    }
    assert.equal(found.status, expected === n ? 'zero_vector' : 'flipped');
    // The optimal order's prefix of that size flips, to the class recorded.
    const mask = maskOf(found.order, expected);
    assert.equal(exactDecision(doc, mask), found.flipsTo, `case ${c}: flipsTo`);
    assert.notEqual(found.flipsTo, doc.predicted);
    // And erasing in that order flips exactly there (no earlier: it is minimal).
    assert.equal(firstFlip(doc, found.order).erased, expected, `case ${c}: optimal order`);
  }
  // The generator must actually exercise every branch, ties included.
  assert.ok(seen.flipped > 1000 && seen.zero_vector > 10 && seen.never_flips > 10, JSON.stringify(seen));
  assert.ok(seen.tiesAtOriginal > 100, JSON.stringify(seen));
});

test('minimal flip set = brute force on 1,000 continuous random documents (library erasure as reference)', () => {
  const rng = new Rng(5);
  for (let c = 0; c < 1000; c++) {
    const n = 2 + rng.int(11);
    const C = 2 + rng.int(4);
    const scores = Float64Array.from({ length: n }, () => 2 * rng.normal());
    let sum = 0;
    const alpha = scores.map((s) => Math.exp(s));
    for (const a of alpha) sum += a;
    for (let i = 0; i < n; i++) alpha[i] = alpha[i]! / sum;
    const z = Float64Array.from({ length: n * C }, () => rng.normal());
    const b = Float64Array.from({ length: C }, () => 0.3 * rng.normal());
    const doc = contextFromZ(alpha, z, b);
    const erased = new Uint8Array(n);
    const expected = bruteForceMinimal(n, doc.predicted, (mask) => {
      for (let i = 0; i < n; i++) erased[i] = (mask >> i) & 1;
      return decisionAfterErasing(doc, erased);
    });
    assert.equal(minimalFlipSet(doc).size, expected, `case ${c}`);
  }
});

test('every ranking needs at least as many erasures as the minimal set', async () => {
  const { RANKINGS } = await import('../../src/erasure/rankings/index.ts');
  const rng = new Rng(11);
  for (let c = 0; c < 300; c++) {
    const doc = tiedDocument(rng, 2 + rng.int(11), 2 + rng.int(3));
    const min = minimalFlipSet(doc).size;
    for (const ranking of Object.values(RANKINGS)) {
      for (const order of ranking.rank({ doc, rng: rng.fork() })) {
        const k = firstFlip(doc, order).erased;
        if (min === null) assert.equal(k, null, ranking.name);
        else if (k !== null) assert.ok(k >= min, `${ranking.name}: ${k} < ${min}`);
      }
    }
  }
});
