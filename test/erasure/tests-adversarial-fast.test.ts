// The fast adversarial search (src/erasure/tests/adversarial-attention.ts) against the search it replaced
// (bench/adversarial-attention-reference.ts, kept verbatim): with the edge starts refined on every document
// (refineEdgesUpTo: Infinity, as before) it must return the same answer bit for bit — the shortcuts (no logs
// at zero weights, the support's logits, the partial sort of the projection, the closed-form vertex ranking,
// the reused slide direction and logs) claim to compute exactly what the plain formulas compute. With the
// default options (edge starts refined only up to n = 64) the answer must never be smaller. Also the pieces
// alone: the projection and the vertex starts against their plain versions, on inputs with ties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextFromZ } from '../../src/erasure/context.ts';
import { adversarialAttention, ADVERSARIAL_OPTIONS, jsToAlpha, projectOntoSimplex, vertexStartPoints } from '../../src/erasure/tests/adversarial-attention.ts';
import { jsDivergence } from '../../src/erasure/math.ts';
import type { DocumentContext } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';
import * as reference from '../../bench/adversarial-attention-reference.ts';

function randomDoc(rng: Rng, n: number, C: number, scale: number, ties = false): DocumentContext {
  const z = Float64Array.from({ length: n * C }, () => scale * rng.normal());
  const b = Float64Array.from({ length: C }, () => rng.normal());
  // ties: items repeated (the same weight and z), as the same word gives on a model without an encoder.
  if (ties) for (let i = 1; i < n; i += 3) z.copyWithin(i * C, (i - 1) * C, i * C);
  const raw = Float64Array.from({ length: n }, () => Math.exp(2 * rng.normal()));
  if (ties) for (let i = 1; i < n; i += 3) raw[i] = raw[i - 1]!;
  const sum = raw.reduce((s, v) => s + v, 0);
  return contextFromZ(raw.map((v) => v / sum), z, b);
}

const DOCS: [n: number, C: number, scale: number, ties: boolean][] = [
  [2, 2, 3, false],
  [5, 3, 0.2, false],
  [9, 5, 2, true],
  [30, 5, 1, false],
  [70, 2, 4, true],
  [150, 5, 0.5, false],
  [240, 5, 2, true],
];

test('adversarial attention: the fast search returns the old search\'s answer bit for bit (edge starts refined everywhere)', () => {
  const rng = new Rng(4242);
  DOCS.forEach(([n, C, scale, ties], d) => {
    const doc = randomDoc(rng, n, C, scale, ties);
    const old = reference.adversarialAttention(doc, new Rng(d));
    const now = adversarialAttention(doc, new Rng(d), { ...ADVERSARIAL_OPTIONS, refineEdgesUpTo: Infinity });
    assert.equal(now.js, old.js, `document ${d} (n ${n}): JS ${now.js} vs ${old.js}`);
    assert.equal(now.tvd, old.tvd, `document ${d}: TVD`);
    assert.deepEqual(Array.from(now.alpha), Array.from(old.alpha), `document ${d}: alpha'`);
    // The default options skip the edge refinement only above n = 64: never a smaller answer here.
    const fast = adversarialAttention(doc, new Rng(d));
    assert.ok(fast.js >= old.js - 1e-9 && fast.constraintMet, `document ${d}: default options ${fast.js} < ${old.js}`);
    if (n <= ADVERSARIAL_OPTIONS.refineEdgesUpTo) assert.equal(fast.js, old.js);
  });
});

test('adversarial attention: the partial-sort projection is the full-sort projection bit for bit', () => {
  const rng = new Rng(7);
  for (let r = 0; r < 300; r++) {
    const n = 1 + rng.int(200);
    // Iterates after an Adam step: a few large entries, many near −0.05, some ties and exact zeros.
    const u = Float64Array.from({ length: n }, () => {
      const x = rng.next();
      return x < 0.1 ? rng.next() : x < 0.2 ? 0 : x < 0.3 ? 0.25 : -0.05 + 0.01 * rng.normal() * (r % 3);
    });
    const plain = Float64Array.from(u);
    reference.projectOntoSimplex(plain);
    const fast = Float64Array.from(u);
    projectOntoSimplex(fast);
    assert.deepEqual(Array.from(fast), Array.from(plain), `vector ${r}`);
  }
});

test('adversarial attention: vertex starts (closed-form ranking) are the summed ranking\'s, ties included', () => {
  const rng = new Rng(11);
  for (let d = 0; d < 40; d++) {
    const doc = randomDoc(rng, 2 + rng.int(120), 2 + rng.int(4), d % 2 === 0 ? 0.3 : 3, d % 3 === 0);
    const eps = 0.01 * (1 - 1e-9);
    for (const count of [1, 4, 9]) {
      const plain = reference.vertexStartPoints(doc, eps, count);
      const fast = vertexStartPoints(doc, eps, count);
      assert.deepEqual(
        fast.map((v) => [v.item, v.js, Array.from(v.w)]),
        plain.map((v) => [v.item, v.js, Array.from(v.w)]),
        `document ${d}, count ${count}`,
      );
    }
  }
});

test('adversarial attention: jsToAlpha is jsDivergence bit for bit', () => {
  const rng = new Rng(3);
  for (let r = 0; r < 200; r++) {
    const n = 1 + rng.int(50);
    const alpha = Float64Array.from({ length: n }, () => (rng.next() < 0.1 ? 0 : rng.next()));
    const w = Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : rng.next() < 0.1 ? 1e-13 : rng.next()));
    assert.equal(jsToAlpha(w, alpha), jsDivergence(w, alpha));
  }
});
