// ERASER metrics at the attention layer (docs/faithfulness.md §6): the bins' item counts, a hand-worked
// document, the fast path against the tensor engine's slow re-run of the classifier on every edit (random
// documents, every ranking), random's orders averaged, the summary, and the transformer backend's batched
// erasures against one erasure at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankDocument } from '../../src/erasure/battery.ts';
import { buildContext, contextFromZ } from '../../src/erasure/context.ts';
import { binSizes, eraserRecord, eraserRequest, eraserScores, summarizeEraser } from '../../src/erasure/eraser.ts';
import { softmax } from '../../src/erasure/math.ts';
import { slowLogitsAfterErasing } from '../../src/erasure/slow-path.ts';
import { eraserAttention } from '../../src/erasure/tests/eraser-attention.ts';
import { runBattery } from '../../src/erasure/battery.ts';
import { medianWithInterval } from '../../src/erasure/statistics.ts';
import { LINEAR_RANKING_NAMES, type AnyRankingName } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';
import { logitsOf, randomHead, randomState } from './fixtures.ts';

test('bins: ceil(n k / 100) items, at least one, computed in integers', () => {
  assert.deepEqual(binSizes(1), [1, 1, 1, 1, 1]);
  assert.deepEqual(binSizes(2), [1, 1, 1, 1, 1]);
  assert.deepEqual(binSizes(3), [1, 1, 1, 1, 2]);
  assert.deepEqual(binSizes(100), [1, 5, 10, 20, 50]);
  // 30 * 0.1 is 3.0000000000000004 in floating point (math.ceil gives 4); here exactly 3.
  assert.deepEqual(binSizes(30), [1, 2, 3, 6, 15]);
  assert.deepEqual(binSizes(101), [2, 6, 11, 21, 51]);
  assert.throws(() => binSizes(0), /positive integer/);
});

test('AOPC on a hand-worked document', () => {
  // n = 3, alpha = (1/2, 1/4, 1/4), z = ((2,0), (0,0), (0,2)), b = 0: logits (1, 1/2), p_0 = sigmoid(1/2).
  // The attention order is (0, 1, 2) (ties to the lower index); bins (1, 1, 1, 1, 2).
  //   t = 1: remove item 0 -> logits (0, 1), p_0 = sigmoid(-1); keep only item 0 -> (2, 0), p_0 = sigmoid(2).
  //   t = 2: remove {0, 1} -> (0, 2), p_0 = sigmoid(-2); keep {0, 1} -> (4/3, 0), p_0 = sigmoid(4/3).
  const doc = contextFromZ(Float64Array.of(0.5, 0.25, 0.25), Float64Array.of(2, 0, 0, 0, 0, 2), Float64Array.of(0, 0));
  const orders = new Map<AnyRankingName, Int32Array[]>([['attention', [Int32Array.of(0, 1, 2)]]]);
  const record = eraserAttention.run({ doc, orders, rng: new Rng(1) })!;
  const s = eraserScores(record, 'attention')!;
  const sig = (x: number): number => 1 / (1 + Math.exp(-x));
  const p0 = 0.6224593312018546; // sigmoid(0.5)
  assert.ok(Math.abs(sig(0.5) - p0) < 1e-15);
  const c1 = 0.3535179098318595; // p0 - sigmoid(-1)
  const c2 = 0.503256409179737; // p0 - sigmoid(-2)
  const s1 = -0.2583377467760277; // p0 - sigmoid(2)
  const s2 = -0.16893214147210045; // p0 - sigmoid(4/3)
  const close = (a: readonly number[], b: readonly number[]): void => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-12, `${v} vs ${b[i]}`));
  close(s.comprehensiveness, [c1, c1, c1, c1, c2]);
  close(s.sufficiency, [s1, s1, s1, s1, s2]);
  close([s.aopcComprehensiveness, s.aopcSufficiency], [0.383465609701435, -0.2404566257152423]);
  assert.deepEqual(record.bins, [1, 1, 1, 1, 2]);
  assert.deepEqual(record.rankings.attention!.top, [0, 1]);
});

test('fast path equals the slow re-run of the classifier on every edit, for every ranking (random documents)', () => {
  const rng = new Rng(13);
  for (let trial = 0; trial < 25; trial++) {
    const head = randomHead(rng, 2 + rng.int(3), 5);
    const n = 2 + rng.int(trial < 20 ? 12 : 120);
    const state = randomState(rng, head, n, trial);
    if (trial % 5 === 0) {
      // Zero weights (sparse attention): a kept set of zero weights only is the zero vector (logits = b).
      for (let i = 0; i < n; i += 2) state.alpha[i] = 0;
      const mass = state.alpha.reduce((a, v) => a + v, 0);
      state.alpha.forEach((v, i) => (state.alpha[i] = v / mass));
      state.logits = logitsOf(head, state.alpha, state.h);
    }
    const doc = buildContext(state, head);
    const orders = rankDocument(doc, trial, { seed: 3, rankings: LINEAR_RANKING_NAMES });
    const record = eraserAttention.run({ doc, orders, rng: new Rng(0) })!;
    const bins = binSizes(n);
    for (const [name, these] of orders) {
      const got = record.rankings[name]!;
      bins.forEach((t, b) => {
        const want = { comprehensiveness: new Float64Array(head.C), sufficiency: new Float64Array(head.C) };
        for (const order of these) {
          const top = new Set(Array.from(order.subarray(0, t)));
          const removed = Array.from({ length: n }, (_, i) => top.has(i));
          const keptOnly = removed.map((x) => !x);
          softmax(slowLogitsAfterErasing(state, head, removed)).forEach((q, c) => (want.comprehensiveness[c]! += q / these.length));
          softmax(slowLogitsAfterErasing(state, head, keptOnly)).forEach((q, c) => (want.sufficiency[c]! += q / these.length));
        }
        for (const kind of ['comprehensiveness', 'sufficiency'] as const) {
          got[kind][b]!.forEach((q, c) => assert.ok(Math.abs(q - want[kind][c]!) < 1e-9, `trial ${trial} ${name} ${kind} bin ${b} class ${c}: ${q} vs ${want[kind][c]}`));
        }
      });
      assert.deepEqual(got.top, Array.from(these[0]!.subarray(0, bins[4])));
    }
    assert.equal(orders.get('random')!.length, 5, 'random has its five orders, averaged above');
  }
});

test('single-item documents are not applicable; the summary counts them and pools one value per document', () => {
  const rng = new Rng(5);
  const head = randomHead(rng, 3, 4);
  const states = Array.from({ length: 12 }, (_, i) => randomState(rng, head, i < 2 ? 1 : 2 + rng.int(8), i));
  const run = runBattery(states, head, { seed: 2, bootstrapResamples: 50, tests: ['eraser_attention'] });
  assert.equal(run.documents[0]!.tests!.eraser_attention, null);
  const summary = run.summary.tests!.eraser_attention!;
  assert.equal(summary.notApplicable, 2);
  assert.equal(summary.documents, 10);
  assert.deepEqual(summary.bins, [1, 5, 10, 20, 50]);
  const records = run.documents.map((d) => d.tests!.eraser_attention ?? null);
  for (const name of ['attention', 'random', 'gradient', 'optimal'] as const) {
    const s = summary.rankings[name]!;
    assert.equal(s.documents, 10);
    assert.equal(s.aopcComprehensiveness.documents, 10, 'random: one (averaged) value per document');
    const values = records.flatMap((r) => (r ? [eraserScores(r, name)!.aopcComprehensiveness] : []));
    const sorted = [...values].sort((a, b) => a - b);
    assert.ok(Math.abs(s.aopcComprehensiveness.median! - (sorted[4]! + sorted[5]!) / 2) < 1e-12, `${name}: the median of the per-document AOPCs`);
    assert.equal(s.comprehensiveness.length, 5);
  }
  // summarizeEraser with a plain median gives the same medians.
  const direct = summarizeEraser(records, (groups) => medianWithInterval(groups, new Rng(1), 20));
  assert.equal(direct.rankings.attention!.aopcSufficiency.median, summary.rankings.attention!.aopcSufficiency.median);
});

test('eraserRecord refuses logits of the wrong size', () => {
  const orders = new Map<AnyRankingName, Int32Array[]>([['attention', [Int32Array.of(1, 0)]]]);
  const request = eraserRequest(2, orders);
  assert.equal(request.sets.length, 10);
  assert.throws(() => eraserRecord([0.5, 0.5], request, orders, new Float64Array(3)), /logits for 10 sets/);
});
