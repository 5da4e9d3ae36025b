// Adversarial attention (src/erasure/tests/adversarial-attention.ts) against brute force: on n = 2 and n = 3
// a fine grid over the simplex gives the true constrained maximum of JS(alpha', alpha) subject to
// TVD(p(alpha'), p) <= epsilon; the optimiser must reach it within TOLERANCE, stay inside the constraint, and
// not beat the grid by more than the grid's own resolution (beating it by more would mean a wrong TVD).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextFromZ } from '../../src/erasure/context.ts';
import { jsDivergence } from '../../src/erasure/math.ts';
import { adversarialAttention, adversarialAttentionTest, EPSILON } from '../../src/erasure/tests/adversarial-attention.ts';
import { outputFor, totalVariation } from '../../src/erasure/tests/permutation.ts';
import type { DocumentContext } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';

/** How far below the grid's maximum the optimiser may end (nats). */
const TOLERANCE = 2e-3;

function randomDoc(rng: Rng, n: number, C: number, scale: number): DocumentContext {
  const z = Float64Array.from({ length: n * C }, () => scale * rng.normal());
  const b = Float64Array.from({ length: C }, () => rng.normal());
  const raw = Float64Array.from({ length: n }, () => Math.exp(2 * rng.normal()));
  const sum = raw.reduce((s, v) => s + v, 0);
  return contextFromZ(raw.map((v) => v / sum), z, b);
}

/** max JS(w, alpha) over the grid points w of the simplex with TVD(p(w), p) <= eps. */
function bruteForce(doc: DocumentContext, steps: number, eps = EPSILON): number {
  let best = 0;
  const w = new Float64Array(doc.n);
  const visit = (): void => {
    if (totalVariation(doc.p, outputFor(doc, w)) <= eps) best = Math.max(best, jsDivergence(w, doc.alpha));
  };
  if (doc.n === 2) {
    for (let s = 0; s <= steps; s++) {
      w[0] = s / steps;
      w[1] = 1 - w[0];
      visit();
    }
  } else {
    for (let s = 0; s <= steps; s++)
      for (let t = 0; s + t <= steps; t++) {
        w[0] = s / steps;
        w[1] = t / steps;
        w[2] = (steps - s - t) / steps;
        visit();
      }
  }
  return best;
}

for (const [n, steps, docs] of [
  [2, 100_000, 60],
  [3, 400, 60],
] as const) {
  test(`adversarial attention reaches the brute-force constrained maximum on n = ${n} (${docs} documents)`, () => {
    // Seeds 900 + n: the options were tuned on other documents (seeds 100 + n), these are held out.
    const rng = new Rng(900 + n);
    let worst = 0;
    let constrained = 0;
    for (let d = 0; d < docs; d++) {
      // Small z: most of the simplex is feasible; large z: the constraint binds (both kinds are drawn).
      const doc = randomDoc(rng, n, 2 + rng.int(3), d % 2 === 0 ? 0.05 + rng.next() * 0.2 : 1 + rng.next() * 4);
      const truth = bruteForce(doc, steps);
      const r = adversarialAttention(doc, new Rng(d));
      const tvd = totalVariation(doc.p, outputFor(doc, r.alpha));
      assert.ok(tvd <= EPSILON, `document ${d}: TVD ${tvd} > epsilon`);
      assert.ok(Math.abs(tvd - r.tvd) < 1e-12, `document ${d}: recorded TVD ${r.tvd}, recomputed ${tvd}`);
      assert.ok(Math.abs(jsDivergence(r.alpha, doc.alpha) - r.js) < 1e-12);
      assert.ok(Math.abs(r.alpha.reduce((s, v) => s + v, 0) - 1) < 1e-9 && r.alpha.every((v) => v >= 0), 'alpha\' on the simplex');
      // The grid misses the continuous maximum by at most its resolution; far above it = a wrong feasibility check.
      const resolution = n === 2 ? 1e-4 : 5e-3;
      assert.ok(r.js <= truth + resolution, `document ${d}: optimiser ${r.js} above the grid's ${truth}`);
      assert.ok(r.js >= truth - TOLERANCE, `document ${d}: optimiser ${r.js} below the grid's ${truth} by ${truth - r.js}`);
      worst = Math.max(worst, truth - r.js);
      if (truth < jsDivergence(vertexFarthest(doc), doc.alpha) - 1e-3) constrained++;
    }
    // Both regimes were exercised: some documents where the constraint binds.
    assert.ok(constrained >= docs / 4, `only ${constrained} documents with a binding constraint`);
    console.log(`n = ${n}: worst shortfall below the grid maximum ${worst.toExponential(2)} nats over ${docs} documents`);
  });
}

/** The vertex of the simplex farthest from alpha by JS: the unconstrained maximum. */
function vertexFarthest(doc: DocumentContext): Float64Array {
  let best = new Float64Array(doc.n);
  let bestJs = -1;
  for (let i = 0; i < doc.n; i++) {
    const e = new Float64Array(doc.n);
    e[i] = 1;
    const js = jsDivergence(e, doc.alpha);
    if (js > bestJs) {
      bestJs = js;
      best = e;
    }
  }
  return best;
}

test('adversarial attention: the document record and summary', () => {
  const rng = new Rng(7);
  const doc = randomDoc(rng, 6, 3, 2);
  const rec = adversarialAttentionTest.run({ doc, rng: new Rng(1), orders: new Map() })!;
  assert.ok(rec.tvd <= EPSILON && rec.maxJs > 0 && rec.maxJs <= Math.LN2);
  assert.equal(rec.maxAttention, Math.max(...doc.alpha));
  assert.equal(adversarialAttentionTest.run({ doc: randomDoc(rng, 1, 3, 1), rng: new Rng(1), orders: new Map() }), null);
});
