// The rankings of docs/faithfulness.md §3 against independent slow computations: signed leave-one-out by
// re-running the classifier through the slow path, attention norm through the engine, integrated gradients
// by engine autograd along the path and by its completeness property; the battery records IG's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { runBattery } from '../../src/erasure/battery.ts';
import { buildContext } from '../../src/erasure/context.ts';
import { softmax } from '../../src/erasure/math.ts';
import { IG_STEPS, integratedGradients, linearAttentionNorm, signedLeaveOneOutDrop } from '../../src/erasure/rankings/index.ts';
import { slowLogitsAfterErasing } from '../../src/erasure/slow-path.ts';
import { LINEAR_RANKING_NAMES, RANKING_NAMES, type ClassifierHead, type FinalLayerState } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

function cases(seed: number, count: number): { head: ClassifierHead; state: FinalLayerState }[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, c) => {
    const head = randomHead(rng, 2 + rng.int(5), 1 + rng.int(20));
    return { head, state: randomState(rng, head, 1 + rng.int(15), c, 1 + rng.int(3)) };
  });
}

test('signed_leave_one_out = p_m minus the re-run classifier probability with the item erased, to 1e-9', () => {
  for (const { head, state } of cases(31, 60)) {
    const doc = buildContext(state, head);
    const drop = signedLeaveOneOutDrop(doc);
    for (let i = 0; i < doc.n; i++) {
      const erased = Array.from({ length: doc.n }, (_, j) => j === i);
      const q = softmax(slowLogitsAfterErasing(state, head, erased));
      const want = doc.p[doc.predicted]! - q[doc.predicted]!;
      assert.ok(Math.abs(drop[i]! - want) < 1e-9, `item ${i}: ${drop[i]} vs ${want}`);
    }
  }
});

test('attention_norm on the linear path = alpha_i ||W h_i|| through the engine, to 1e-9', () => {
  for (const { head, state } of cases(32, 40)) {
    const doc = buildContext(state, head);
    const n = doc.n;
    const want = torch.scope(() => {
      const h = torch.tensor(state.h, [n, head.d]).to('float64'); // (n, d)
      const W = torch.tensor(head.W, [head.C, head.d], { dtype: 'float64' }); // (C, d)
      const z = h.matmul(W.transpose(0, 1)); // (n, C)
      return z.mul(z).sum(1).sqrt().mul(torch.tensor(state.alpha, [n], { dtype: 'float64' })).toFloat64Array(); // (n)
    });
    const got = linearAttentionNorm(doc);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-9, `item ${i}: ${got[i]} vs ${want[i]}`);
  }
});

/** d p_m / d alpha at t * alpha by engine autograd (m fixed: the original decision), no renormalisation. */
function autogradAtScaled(state: FinalLayerState, head: ClassifierHead, t: number, m: number): Float64Array {
  const n = state.alpha.length;
  return torch.scope(() => {
    const a = torch.tensor(state.alpha.map((v) => t * v), [n], { dtype: 'float64', requiresGrad: true }); // (n)
    const h = torch.tensor(state.h, [n, head.d]).to('float64'); // (n, d)
    const W = torch.tensor(head.W, [head.C, head.d], { dtype: 'float64' });
    const b = torch.tensor(head.b, [head.C], { dtype: 'float64' });
    torch.linear(a.unsqueeze(0).matmul(h), W, b).squeeze(0).softmax(0).select(0, m).backward();
    return a.grad!.toFloat64Array();
  });
}

test(`integrated_gradients = alpha times the engine-autograd path integral (${IG_STEPS} midpoint steps), to 1e-9`, () => {
  for (const { head, state } of cases(33, 15)) {
    const doc = buildContext(state, head);
    const sum = new Float64Array(doc.n);
    for (let s = 0; s < IG_STEPS; s++) {
      const g = autogradAtScaled(state, head, (s + 0.5) / IG_STEPS, doc.predicted);
      for (let i = 0; i < doc.n; i++) sum[i]! += g[i]!;
    }
    const got = integratedGradients(doc).scores;
    for (let i = 0; i < doc.n; i++) {
      const want = (state.alpha[i]! * sum[i]!) / IG_STEPS;
      assert.ok(Math.abs(got[i]! - want) < 1e-9, `item ${i}: ${got[i]} vs ${want}`);
    }
  }
});

test('integrated_gradients completeness: sum IG = p_m(alpha) - p_m(0) (the slow path with everything erased)', () => {
  let worst = 0;
  for (const { head, state } of cases(34, 200)) {
    const doc = buildContext(state, head);
    const m = doc.predicted;
    // p_m(0): the classifier on the zero vector, re-run through the slow path.
    const gain = doc.p[m]! - softmax(slowLogitsAfterErasing(state, head, new Array<boolean>(doc.n).fill(true)))[m]!;
    const ig = integratedGradients(doc);
    const total = ig.scores.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(Math.abs(total - gain) - ig.completenessError) < 1e-12, 'the recorded error is |sum - gain|');
    worst = Math.max(worst, ig.completenessError);
    // The midpoint rule converges as 1/steps^2: 16x the steps, ~256x smaller error.
    const fine = integratedGradients(doc, 16 * IG_STEPS).completenessError;
    assert.ok(fine <= ig.completenessError / 50 + 1e-12, `fine ${fine} vs ${ig.completenessError}`);
  }
  assert.ok(worst < 5e-3, `worst completeness error at ${IG_STEPS} steps: ${worst}`);
  console.log(`IG completeness error at ${IG_STEPS} steps, worst of 200 random documents: ${worst.toExponential(2)}`);
});

test('the battery records IG completeness per document and summarises it in summary.json', () => {
  const rng = new Rng(35);
  const head = randomHead(rng, 3, 8);
  const states = Array.from({ length: 12 }, (_, c) => randomState(rng, head, 2 + rng.int(10), c));
  const { documents, summary } = runBattery(states, head, { seed: 1, bootstrapResamples: 20, rankings: LINEAR_RANKING_NAMES });
  for (const d of documents) assert.ok(d.igCompletenessError !== undefined && d.igCompletenessError >= 0);
  const ig = summary.integratedGradients!;
  assert.equal(ig.documents, 12);
  assert.equal(ig.steps, IG_STEPS);
  assert.equal(ig.maxCompletenessError, Math.max(...documents.map((d) => d.igCompletenessError!)));
  assert.ok(ig.medianCompletenessError.median !== null && ig.medianCompletenessError.median <= ig.maxCompletenessError);
  for (const name of ['signed_leave_one_out', 'attention_norm', 'integrated_gradients'] as const) {
    assert.equal(summary.multi[name]?.documents, 12, name);
    assert.equal(documents[0]!.multi[name]?.length, 1, name);
  }
  assert.ok(summary.comparisons.some((c) => c.first === 'signed_leave_one_out' && c.second === 'leave_one_out'));
});

test('by default a HAN/FLAN battery runs the paper\'s six rankings only: results keep their shape', () => {
  const rng = new Rng(36);
  const head = randomHead(rng, 3, 8);
  const states = Array.from({ length: 5 }, (_, c) => randomState(rng, head, 2 + rng.int(10), c));
  const { documents, summary } = runBattery(states, head, { seed: 1, bootstrapResamples: 20 });
  assert.deepEqual(Object.keys(documents[0]!.multi), [...RANKING_NAMES]);
  assert.deepEqual(Object.keys(summary.multi), [...RANKING_NAMES]);
  assert.equal(summary.integratedGradients, undefined);
  assert.equal(documents[0]!.igCompletenessError, undefined);
  // Asking for the extras changes nothing about the paper's six.
  const all = runBattery(states, head, { seed: 1, bootstrapResamples: 20, rankings: LINEAR_RANKING_NAMES });
  for (const name of RANKING_NAMES) assert.deepEqual(all.documents.map((d) => d.multi[name]), documents.map((d) => d.multi[name]), name);
});
