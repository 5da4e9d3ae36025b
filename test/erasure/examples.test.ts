import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDocument } from '../../src/erasure/battery.ts';
import { buildContext } from '../../src/erasure/context.ts';
import { decisionAfterErasing } from '../../src/erasure/erase.ts';
import { chooseExamples, documentExample } from '../../src/erasure/examples.ts';
import type { DocumentResult, RankingName } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

test('examples: orders match the battery, the minimal set flips, no words gives no example', () => {
  const rng = new Rng(8);
  const head = randomHead(rng, 3, 6);
  let withSet = 0;
  for (let c = 0; c < 50; c++) {
    const state = randomState(rng, head, 2 + rng.int(15));
    assert.equal(documentExample(state, head, c, { seed: 2 }), null);
    state.items = Array.from(state.alpha, (_, i) => [`w${i}`]);
    const ex = documentExample(state, head, c, { seed: 2 })!;
    const r = runDocument(state, head, c, { seed: 2 });
    assert.equal(ex.orders.attention![0], r.single.attention!.top);
    assert.equal(ex.minimalSet.length, r.minimal.size ?? 0);
    if (ex.minimalSet.length > 0) {
      withSet++;
      const erased = new Uint8Array(state.alpha.length);
      for (const i of ex.minimalSet) erased[i] = 1;
      const doc = buildContext(state, head);
      assert.notEqual(decisionAfterErasing(doc, erased), doc.predicted);
    }
  }
  assert.ok(withSet > 10);
});

test('examples: each ranking\'s first flip, with the probabilities before and at it, is the battery\'s', () => {
  const rng = new Rng(11);
  const head = randomHead(rng, 4, 5);
  let flips = 0;
  for (let c = 0; c < 40; c++) {
    const state = randomState(rng, head, 2 + rng.int(12));
    state.items = Array.from(state.alpha, (_, i) => [`w${i}`]);
    const ex = documentExample(state, head, c, { seed: 3 }, ['never_flips'])!;
    const r = runDocument(state, head, c, { seed: 3 });
    assert.deepEqual(ex.outcomes, ['never_flips']);
    assert.deepEqual(ex.b, Array.from(head.b));
    assert.equal(ex.z!.length, state.alpha.length * head.C);
    assert.equal(argmaxOf(ex.probabilities!), r.predicted);
    for (const [name, records] of Object.entries(r.multi)) {
      const m = records[0]!;
      const at = ex.atFlip![name as keyof typeof r.multi];
      if (m.erased === null) {
        assert.equal(at, undefined, `${name}: never flips, so no flip to show`);
        continue;
      }
      flips++;
      assert.equal(at!.erased, m.erased, name);
      assert.equal(argmaxOf(at!.after), m.flipsTo, `${name}: the decision at the flip`);
      assert.equal(argmaxOf(at!.before), r.predicted, `${name}: one erasure fewer keeps the decision`);
      assert.ok(Math.abs(at!.after.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    }
  }
  assert.ok(flips > 50);
});

test('examples are chosen by outcome per predicted class, the clearest first, not by id', () => {
  const base = (index: number, predicted: number, att: number | null, grad: number | null, minimal: 'flipped' | 'zero_vector' | 'never_flips', extra: number | null): DocumentResult => {
    const rec = (ranking: RankingName, erased: number | null) => ({
      ranking, permutation: 0, status: erased === null ? ('never_flips' as const) : ('flipped' as const), erased,
      fraction: null, massErased: null, flipsTo: erased === null ? null : 1 - predicted, extraOverMinimal: ranking === 'attention' ? extra : null,
    });
    return {
      docId: `d${index}`, index, label: 0, predicted, n: 10, confidence: 0.9,
      single: { attention: null, gradient: null, gradient_x_attention: null },
      multi: { attention: [rec('attention', att)], gradient: [rec('gradient', grad)], random: [], gradient_x_attention: [], leave_one_out: [], optimal: [] },
      minimal: { status: minimal, size: null, fraction: null, massErased: null, flipsTo: null },
    };
  };
  const results = [
    base(0, 0, 3, 3, 'flipped', 0), // a tie, nothing special: never chosen
    base(1, 0, 5, 2, 'flipped', 3), // attention slower by 3
    base(2, 0, 9, 2, 'flipped', 7), // attention slower by 7: the clearest, and the farthest from the minimum
    base(3, 0, 2, 6, 'flipped', 0), // attention faster
    base(4, 0, null, null, 'never_flips', null),
    base(5, 1, 10, 10, 'zero_vector', 0),
    base(6, 1, 4, 5, 'flipped', 1),
  ];
  assert.deepEqual(chooseExamples(results, 1), [
    { index: 2, outcomes: ['attention_slower', 'far_from_minimal'] },
    { index: 3, outcomes: ['attention_faster'] },
    { index: 4, outcomes: ['never_flips'] },
    { index: 5, outcomes: ['zero_vector_only'] },
    { index: 6, outcomes: ['attention_faster', 'far_from_minimal'] },
  ]);
  assert.deepEqual(chooseExamples(results, 2).map((c) => c.index), [1, 2, 3, 4, 5, 6]);
});

function argmaxOf(p: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return best;
}
