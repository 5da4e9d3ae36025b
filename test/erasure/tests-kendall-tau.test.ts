// Kendall tau-b (src/erasure/kendall.ts) against hand-worked values and an independent formula, and the
// battery's per-document record and summary.json medians (overall and by predicted class).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBattery } from '../../src/erasure/battery.ts';
import { buildContext } from '../../src/erasure/context.ts';
import { kendallTauB, kendallTauOf } from '../../src/erasure/tests/kendall-tau.ts';
import { attentionGradient, leaveOneOutDivergence } from '../../src/erasure/rankings/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

/** tau_b as sum_ij a_ij b_ij / sqrt(sum a_ij^2 sum b_ij^2), a_ij = sign(x_i − x_j) over all ordered pairs. */
function tauBBySigns(x: number[], y: number[]): number | null {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < x.length; j++) {
      const a = Math.sign(x[i]! - x[j]!);
      const b = Math.sign(y[i]! - y[j]!);
      ab += a * b;
      aa += a * a;
      bb += b * b;
    }
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : null;
}

test('Kendall tau-b: hand-worked values', () => {
  assert.equal(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // Pairs of [1,2,3] vs [1,3,2]: (0,1) C, (0,2) C, (1,2) D -> (2 - 1) / 3.
  assert.equal(kendallTauB([1, 2, 3], [1, 3, 2]), 1 / 3);
  // Ties: x = [1,1,2], y = [1,2,3]: (0,1) tied in x only, (0,2) C, (1,2) C -> 2 / sqrt(2 * 3).
  assert.ok(Math.abs(kendallTauB([1, 1, 2], [1, 2, 3])! - 2 / Math.sqrt(6)) < 1e-15);
  assert.equal(kendallTauB([5, 5, 5], [1, 2, 3]), null);
  assert.equal(kendallTauB([1], [2]), null);
});

test('Kendall tau-b = the sign-product formula on 500 random vectors with ties', () => {
  const rng = new Rng(41);
  for (let c = 0; c < 500; c++) {
    const n = 1 + rng.int(20);
    const x = Array.from({ length: n }, () => rng.int(5));
    const y = Array.from({ length: n }, () => rng.int(5));
    const got = kendallTauB(x, y);
    const want = tauBBySigns(x, y);
    if (want === null) assert.equal(got, null);
    else assert.ok(got !== null && Math.abs(got - want) < 1e-12, `case ${c}: ${got} vs ${want}`);
  }
});

test('per-document tau is between attention and the gradient / leave-one-out scores of the rankings', () => {
  const rng = new Rng(42);
  const head = randomHead(rng, 3, 6);
  const doc = buildContext(randomState(rng, head, 12), head);
  const t = kendallTauOf(doc);
  assert.equal(t.gradient, kendallTauB(doc.alpha, attentionGradient(doc)));
  assert.equal(t.leaveOneOut, kendallTauB(doc.alpha, leaveOneOutDivergence(doc)));
});

test('the battery records tau per document when asked and summary.json gives medians, overall and by class', () => {
  const rng = new Rng(43);
  const head = randomHead(rng, 2, 8);
  const states = Array.from({ length: 30 }, (_, c) => randomState(rng, head, 1 + rng.int(12), c));
  const plain = runBattery(states, head, { seed: 1, bootstrapResamples: 20 });
  assert.equal(plain.summary.tests, undefined);
  assert.equal(plain.documents[0]!.tests, undefined);
  const { documents, summary } = runBattery(states, head, { seed: 1, bootstrapResamples: 20, tests: ['kendall_tau'] });
  const tau = summary.tests!.kendall_tau!;
  const values = documents.flatMap((d) => (d.tests?.kendall_tau?.gradient == null ? [] : [d.tests.kendall_tau.gradient]));
  assert.equal(tau.gradient.documents, values.length);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  assert.ok(Math.abs(tau.gradient.median! - median) < 1e-12);
  assert.ok(tau.gradient.lo! <= tau.gradient.median! && tau.gradient.median! <= tau.gradient.hi!);
  const byClass = Object.values(tau.byPredictedClass).reduce((s, c) => s + c.gradient.documents, 0);
  assert.equal(byClass, values.length, 'every document with a tau is in exactly one class');
  assert.deepEqual(Object.keys(tau.byPredictedClass), head.classes);
  const single = documents.filter((d) => d.n < 2).length;
  assert.ok(single > 0, 'the fixture has single-item documents');
  assert.equal(tau.notApplicable, single, 'single-item documents are counted, not dropped');
  assert.equal(tau.documents + tau.notApplicable, documents.length);
});
