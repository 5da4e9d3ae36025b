// Attention permutation (src/erasure/tests/permutation.ts) against the definition computed the slow way:
// the permuted weights' logits W (sum_i alpha_pi(i) h_i) + b straight from h (no z_i), TVD by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContext, contextFromZ } from '../../src/erasure/context.ts';
import { softmax } from '../../src/erasure/math.ts';
import { median as medianOf } from '../../src/erasure/statistics.ts';
import { maxAttentionBin, permutation, permutationTvds, PERMUTATIONS, totalVariation } from '../../src/erasure/tests/permutation.ts';
import { Rng } from '../../src/util/rng.ts';
import { logitsOf, randomHead, randomState } from './fixtures.ts';

test('TVD and the max-attention bins: hand-worked values', () => {
  assert.equal(totalVariation([1, 0], [0, 1]), 1);
  assert.equal(totalVariation([0.5, 0.25, 0.25], [0.25, 0.25, 0.5]), 0.25);
  assert.equal(totalVariation([0.3, 0.7], [0.3, 0.7]), 0);
  assert.deepEqual([0, 0.2499, 0.25, 0.5, 0.74, 0.75, 1].map(maxAttentionBin), [0, 0, 1, 2, 2, 3, 3]);
});

test('permutation TVDs = the slow computation from h, on 100 random documents', () => {
  const rng = new Rng(5);
  let worst = 0;
  for (let d = 0; d < 100; d++) {
    const head = randomHead(rng, 2 + rng.int(4), 6);
    const state = randomState(rng, head, 2 + rng.int(30), d);
    const doc = buildContext(state, head);
    const fast = permutationTvds(doc, new Rng(d), 20);
    // The same permutations drawn again, applied the slow way.
    const again = new Rng(d);
    for (let r = 0; r < 20; r++) {
      const perm = again.permutation(doc.n);
      const permuted = Float64Array.from({ length: doc.n }, (_, i) => state.alpha[perm[i]!]!);
      const slow = totalVariation(softmax(logitsOf(head, state.alpha, state.h)), softmax(logitsOf(head, permuted, state.h)));
      worst = Math.max(worst, Math.abs(slow - fast[r]!));
    }
  }
  assert.ok(worst < 1e-9, `worst difference ${worst}`);
});

test('permutation record: median of 100, max attention, null for one item, deterministic', () => {
  const rng = new Rng(9);
  const head = randomHead(rng, 3, 5, 2);
  const doc = buildContext(randomState(rng, head, 12), head);
  const rec = permutation.run({ doc, rng: new Rng(3), orders: new Map() })!;
  const tvds = permutationTvds(doc, new Rng(3), PERMUTATIONS);
  assert.equal(tvds.length, 100);
  assert.equal(rec.medianTvd, medianOf(tvds));
  // Median of an even count: the mean of the two middle values.
  const sorted = [...tvds].sort((a, b) => a - b);
  assert.ok(Math.abs(rec.medianTvd - (sorted[49]! + sorted[50]!) / 2) < 1e-15);
  assert.ok(rec.medianTvd > 0);
  assert.equal(rec.maxAttention, Math.max(...doc.alpha));
  assert.deepEqual(permutation.run({ doc, rng: new Rng(3), orders: new Map() }), rec);
  assert.equal(permutation.run({ doc: buildContext(randomState(rng, head, 1), head), rng: new Rng(1), orders: new Map() }), null);
  // Items with equal z: any order of the weights gives the same output.
  const flat = contextFromZ(doc.alpha, new Float64Array(doc.z.length).map((_, j) => doc.z[j % doc.C]!), doc.b);
  assert.ok(Math.max(...permutationTvds(flat, new Rng(1), 10)) < 1e-12);
});
