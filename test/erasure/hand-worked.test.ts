// A 3-item document worked out by hand; every number below comes from the derivation in the comments,
// not from running the code.
//
// Model: C = 2 classes, d = 2, W = identity, b = (0, 0). Let L = ln 3 (as float32, since h is float32).
// Items: h_0 = (4L, 0), h_1 = (L, 0), h_2 = (−2L, 0); alpha = (1/4, 1/2, 1/4).
// So z_i = W h_i = h_i and the logit difference x_0 − x_1 of any kept set K is the alpha-weighted mean
// of u = (4, 1, −2) (in units of L) over K.
//   original: (4/4 + 1/2 − 2/4) L = L            -> p = (3/4, 1/4) (e^L = 3), decision m = 0
//   erase {0}: (2·1 − 2)/3 · L = 0               -> q = (1/2, 1/2), a tie: argmax takes class 0, no flip
//   erase {1}: (4 − 2)/2 · L = L                 -> q = p, JS = 0, no flip
//   erase {2}: (4 + 2)/3 · L = 2L                -> q = (9/10, 1/10), no flip
//   erase {0,1} (keep 2): −2L                    -> flips to class 1
//   erase {0,2} (keep 1): L; erase {1,2} (keep 0): 4L; erase all: logits = b = (0, 0), tie -> class 0.
// JS(p, (1/2,1/2)): m = (5/8, 3/8); JS = ½[¾ ln(6/5) + ¼ ln(2/3)] + ½[½ ln(4/5) + ½ ln(4/3)] ≈ 0.03382
// JS(p, (9/10,1/10)): m = (33/40, 7/40); JS = ½[¾ ln(10/11) + ¼ ln(10/7)] + ½[9/10 ln(12/11) + 1/10 ln(4/7)] ≈ 0.02002
// Gradient (docs/method.md §5): g_i = p_0 (z_i0 − Σ_k p_k z_ik) = p_0 p_1 u_i L = (3/16) u_i L = (12/16, 3/16, −6/16) L.
// Gradient × attention: (3/16, 3/32, −3/32) L.
// Rankings (ties to the lower index): attention [1, 0, 2] (alpha_0 = alpha_2); gradient [0, 1, 2];
//   gradient × attention [0, 1, 2]; leave-one-out by JS (0.0338, 0, 0.0200): [0, 2, 1].
// Multi-weight: attention erases 1 (diff L), then 0 (keep 2: −2L) -> flips at k = 2, mass 1/2 + 1/4 = 3/4.
//   gradient and g × a erase 0 (tie, no flip) then 1 -> k = 2, mass 3/4.
//   leave-one-out erases 0, then 2 (keep 1: L), then 1 (zero vector: tie -> class 0): never flips.
// Minimal set (docs/method.md §8), k = 1: w_i1 = alpha_i (z_i1 − z_i0) = (−1, −1/2, 1/2) L. Sorted descending:
//   items 2, 1, 0 with prefix sums 1/2 L > 0 (t = 1 flips), 0 (t = 2: a tie, and class 1 > m = 0, so no
//   flip). Largest kept set 1 -> size 3 − 1 = 2, fraction 2/3, mass 3/4, flips to 1. Optimal order =
//   ascending w: [0, 1, 2]; extra erasures over the minimum: attention 0, gradient 0.
// Second document (zero-vector flag): alpha = (1/2, 1/2), h_0 = h_1 = (L, 0), b = (0, 1): every kept set
//   gives x_0 − x_1 = L − 1 ≈ 0.0986 > 0 (decision 0); the zero vector gives b -> class 1: k = 2,
//   fraction 1.0, status zero_vector, for every ranking and for the minimal set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDocument } from '../../src/erasure/battery.ts';
import { buildContext } from '../../src/erasure/context.ts';
import { attentionGradient, leaveOneOutDivergence } from '../../src/erasure/rankings/index.ts';
import type { ClassifierHead, FinalLayerState } from '../../src/erasure/types.ts';

const L = Math.fround(Math.log(3));
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} != ${expected}`);

const head: ClassifierHead = { W: Float64Array.of(1, 0, 0, 1), b: Float64Array.of(0, 0), classes: ['a', 'b'], d: 2, C: 2 };
const state: FinalLayerState = {
  docId: 'three',
  label: 0,
  alpha: Float64Array.of(0.25, 0.5, 0.25),
  h: Float32Array.of(4 * L, 0, L, 0, -2 * L, 0),
  logits: Float64Array.of(L, 0),
};
const JS_HALF = 0.5 * (0.75 * Math.log(6 / 5) + 0.25 * Math.log(2 / 3)) + 0.5 * (0.5 * Math.log(4 / 5) + 0.5 * Math.log(4 / 3));
const JS_NINE = 0.5 * (0.75 * Math.log(10 / 11) + 0.25 * Math.log(10 / 7)) + 0.5 * (0.9 * Math.log(12 / 11) + 0.1 * Math.log(4 / 7));

test('hand-worked 3 items: p, gradient, leave-one-out divergence', () => {
  const doc = buildContext(state, head);
  assert.equal(doc.predicted, 0);
  close(doc.p[0]!, 3 / 4, 'p_0');
  // The closed forms agree with the hand arithmetic to the 5 digits written above.
  close(Math.round(JS_HALF * 1e5) / 1e5, 0.03382, 'JS(p,(1/2,1/2)) by hand');
  close(Math.round(JS_NINE * 1e5) / 1e5, 0.02002, 'JS(p,(9/10,1/10)) by hand');
  const g = attentionGradient(doc);
  [12 / 16, 3 / 16, -6 / 16].forEach((v, i) => close(g[i]!, v * L, `g_${i}`));
  const js = leaveOneOutDivergence(doc);
  [JS_HALF, 0, JS_NINE].forEach((v, i) => close(js[i]!, v, `loo JS_${i}`));
});

test('hand-worked 3 items: every record of the battery', () => {
  const r = runDocument(state, head, 0, { seed: 7 });
  assert.equal(r.n, 3);
  assert.equal(r.predicted, 0);
  close(r.confidence, 3 / 4, 'confidence');

  const att = r.single.attention!;
  assert.equal(att.top, 1);
  assert.ok(att.other === 0 || att.other === 2);
  close(att.alphaTop, 0.5, 'alpha_top');
  close(att.alphaOther, 0.25, 'alpha_r');
  close(att.jsTop, 0, 'JS top');
  close(att.jsOther, att.other === 0 ? JS_HALF : JS_NINE, 'JS r');
  close(att.deltaAlpha, 0.25, 'delta alpha');
  close(att.deltaJs, -(att.other === 0 ? JS_HALF : JS_NINE), 'delta JS');
  assert.equal(att.flipTop, false);
  assert.equal(att.flipOther, false);

  for (const name of ['gradient', 'gradient_x_attention'] as const) {
    const s = r.single[name]!;
    assert.equal(s.top, 0, name);
    assert.ok(s.other === 1 || s.other === 2);
    close(s.alphaTop, 0.25, `${name} alpha_top`);
    close(s.alphaOther, s.other === 1 ? 0.5 : 0.25, `${name} alpha_r`);
    close(s.jsTop, JS_HALF, `${name} JS top`);
    close(s.jsOther, s.other === 1 ? 0 : JS_NINE, `${name} JS r`);
    assert.equal(s.flipTop, false, `${name}: erasing item 0 is a tie, and ties keep class 0`);
    assert.equal(s.flipOther, false);
  }

  const flipsAtTwo = { status: 'flipped', erased: 2, flipsTo: 1, extraOverMinimal: 0 };
  for (const name of ['attention', 'gradient', 'gradient_x_attention', 'optimal'] as const) {
    const m = r.multi[name];
    assert.equal(m.length, 1);
    assert.deepEqual({ status: m[0]!.status, erased: m[0]!.erased, flipsTo: m[0]!.flipsTo, extraOverMinimal: m[0]!.extraOverMinimal }, flipsAtTwo, name);
    close(m[0]!.fraction!, 2 / 3, `${name} fraction`);
    close(m[0]!.massErased!, 3 / 4, `${name} mass`);
  }
  assert.deepEqual(r.multi.leave_one_out, [
    { ranking: 'leave_one_out', permutation: 0, status: 'never_flips', erased: null, fraction: null, massErased: null, flipsTo: null, extraOverMinimal: null },
  ]);
  assert.equal(r.multi.random.length, 5);
  r.multi.random.forEach((m, j) => assert.equal(m.permutation, j));

  assert.equal(r.minimal.status, 'flipped');
  assert.equal(r.minimal.size, 2);
  assert.equal(r.minimal.flipsTo, 1);
  close(r.minimal.fraction!, 2 / 3, 'minimal fraction');
  close(r.minimal.massErased!, 3 / 4, 'minimal mass');
});

test('hand-worked 2 items: a flip only at the zero vector is kept with fraction 1 and flagged', () => {
  const zhead: ClassifierHead = { ...head, b: Float64Array.of(0, 1) };
  const doc: FinalLayerState = { docId: 'two', label: 1, alpha: Float64Array.of(0.5, 0.5), h: Float32Array.of(L, 0, L, 0), logits: Float64Array.of(L, 1) };
  const r = runDocument(doc, zhead, 0, { seed: 1 });
  assert.equal(r.predicted, 0);
  for (const recs of Object.values(r.multi)) {
    for (const m of recs) {
      assert.equal(m.status, 'zero_vector', m.ranking);
      assert.equal(m.erased, 2);
      assert.equal(m.fraction, 1);
      close(m.massErased!, 1, 'mass');
      assert.equal(m.flipsTo, 1);
      assert.equal(m.extraOverMinimal, 0);
    }
  }
  assert.deepEqual(r.minimal, { status: 'zero_vector', size: 2, fraction: 1, massErased: 1, flipsTo: 1 });
});
