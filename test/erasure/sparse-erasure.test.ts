// Erasure on sparse attention (sparsemax / entmax-1.5 models, docs/faithfulness.md §2): items with alpha = 0
// are part of the document but carry no mass. The fast path must stay exact: erasing a zero-weight item
// changes nothing, erasing the whole support leaves logits = b (the slow path's zero vector), and the exact
// minimal flip set still equals brute force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContext, contextFromZ } from '../../src/erasure/context.ts';
import { decisionAfterErasing, firstFlip, leaveOneOut, logitsAfterErasing } from '../../src/erasure/erase.ts';
import { argmax } from '../../src/erasure/math.ts';
import { minimalFlipSet } from '../../src/erasure/minimal.ts';
import { slowLogitsAfterErasing } from '../../src/erasure/slow-path.ts';
import type { ClassifierHead, DocumentContext, FinalLayerState } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';
import { logitsOf, randomHead } from './fixtures.ts';

/** sparsemax of a score vector, straight from Martins & Astudillo (2016), Algorithm 1. */
function sparsemax(z: Float64Array): Float64Array {
  const s = Array.from(z).sort((a, b) => b - a);
  let cs = 0;
  let k = 0;
  let csK = 0;
  s.forEach((v, j) => {
    cs += v;
    if (1 + (j + 1) * v > cs) {
      k = j + 1;
      csK = cs;
    }
  });
  const tau = (csK - 1) / k;
  return z.map((v) => Math.max(v - tau, 0));
}

function sparseState(rng: Rng, head: ClassifierHead, n: number): FinalLayerState {
  const alpha = sparsemax(Float64Array.from({ length: n }, () => 1.5 * rng.normal()));
  const h = new Float32Array(n * head.d).map(() => rng.normal());
  return { docId: 0, label: 0, alpha, h, logits: logitsOf(head, alpha, h) };
}

function zerosOf(alpha: Float64Array): number[] {
  return [...alpha.keys()].filter((i) => alpha[i] === 0);
}

test('sparse attention: erasing a zero-weight item changes nothing (fast path, leave-one-out, slow path)', () => {
  const rng = new Rng(21);
  let checked = 0;
  for (let c = 0; c < 200; c++) {
    const head = randomHead(rng, 2 + rng.int(3), 6);
    const state = sparseState(rng, head, 2 + rng.int(12));
    const doc = buildContext(state, head);
    const n = doc.n;
    const none = logitsAfterErasing(doc, new Uint8Array(n));
    const loo = leaveOneOut(doc);
    for (const i of zerosOf(doc.alpha)) {
      const erased = new Uint8Array(n);
      erased[i] = 1;
      assert.deepEqual(logitsAfterErasing(doc, erased), none, `case ${c} item ${i}: bit-identical logits`);
      assert.equal(loo.decisions[i], doc.predicted, `case ${c} item ${i}: leave-one-out keeps the decision`);
      for (let k = 0; k < doc.C; k++) assert.ok(Math.abs(loo.logits[i * doc.C + k]! - none[k]!) < 1e-12);
      const slow = slowLogitsAfterErasing(state, head, erased);
      for (let k = 0; k < doc.C; k++) assert.ok(Math.abs(slow[k]! - none[k]!) < 1e-5, `case ${c}: slow path agrees`);
      checked++;
    }
  }
  assert.ok(checked > 200, `zero-weight items checked: ${checked}`);
});

test('sparse attention: fast path = slow path for random sets, including the whole support (logits = b)', () => {
  const rng = new Rng(22);
  let wholeSupport = 0;
  for (let c = 0; c < 200; c++) {
    const head = randomHead(rng, 3, 5);
    const state = sparseState(rng, head, 3 + rng.int(10));
    const doc = buildContext(state, head);
    const support = new Uint8Array(doc.n).map((_, i) => (doc.alpha[i]! > 0 ? 1 : 0));
    const sets = [support, new Uint8Array(doc.n).map(() => (rng.next() < 0.5 ? 1 : 0))];
    if (support.some((v) => v === 0)) wholeSupport++;
    for (const erased of sets) {
      const fast = logitsAfterErasing(doc, erased);
      const slow = slowLogitsAfterErasing(state, head, erased);
      for (let k = 0; k < doc.C; k++) assert.ok(Math.abs(fast[k]! - slow[k]!) < 1e-5, `case ${c}: ${fast[k]} vs ${slow[k]}`);
      assert.equal(decisionAfterErasing(doc, erased), argmax(slow), `case ${c}: decision`);
    }
    assert.deepEqual(logitsAfterErasing(doc, support), doc.b, 'erasing the support leaves the bias alone');
  }
  assert.ok(wholeSupport > 50, `documents with zeros outside the support: ${wholeSupport}`);
});

function bruteForceMinimal(doc: DocumentContext): number | null {
  const n = doc.n;
  const erased = new Uint8Array(n);
  let best: number | null = null;
  for (let mask = 1; mask < 1 << n; mask++) {
    let size = 0;
    for (let i = 0; i < n; i++) size += erased[i] = (mask >> i) & 1;
    if (best !== null && size >= best) continue;
    if (decisionAfterErasing(doc, erased) !== doc.predicted) best = size;
  }
  return best;
}

test('sparse attention: the exact minimal flip set = brute force, and its order flips at that size', () => {
  const rng = new Rng(23);
  let zeroVector = 0;
  for (let c = 0; c < 1000; c++) {
    const n = 2 + rng.int(10);
    const C = 2 + rng.int(3);
    const alpha = sparsemax(Float64Array.from({ length: n }, () => 2 * rng.normal()));
    const doc = contextFromZ(alpha, Float64Array.from({ length: n * C }, () => rng.normal()), Float64Array.from({ length: C }, () => 0.5 * rng.normal()));
    const min = minimalFlipSet(doc);
    assert.equal(min.size, bruteForceMinimal(doc), `case ${c}: alpha ${Array.from(alpha)}`);
    if (min.size !== null) {
      const flip = firstFlip(doc, min.order);
      assert.equal(flip.erased, min.size, `case ${c}: the optimal order flips at the minimal size`);
      assert.equal(flip.zeroVector, min.status === 'zero_vector', `case ${c}: both call erasing the whole support the zero vector`);
    }
    if (min.status === 'zero_vector') zeroVector++;
  }
  assert.ok(zeroVector > 20, `zero-vector flips with zero-weight items kept: ${zeroVector}`);
});
