// src/util/divergence.ts: JS and TVD by hand, and one definition each (the modules that re-export them
// hand out the same function, so the erasure tests and the adversary measure alike).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsDivergence, totalVariation } from '../../src/util/divergence.ts';
import * as erasureMath from '../../src/erasure/math.ts';
import * as permutation from '../../src/erasure/tests/permutation.ts';
import * as adversarial from '../../src/train/adversarial-train.ts';

test('JS and TVD by hand', () => {
  const p = [0.5, 0.5, 0];
  const q = [0.25, 0.25, 0.5];
  const m = [0.375, 0.375, 0.25];
  const kl = (a: number[], b: number[]) => a.reduce((s, x, i) => (x > 0 ? s + x * Math.log(x / b[i]!) : s), 0);
  assert.ok(Math.abs(jsDivergence(p, q) - (0.5 * kl(p, m) + 0.5 * kl(q, m))) < 1e-15);
  assert.equal(jsDivergence(p, p), 0);
  assert.ok(Math.abs(jsDivergence([1, 0], [0, 1]) - Math.log(2)) < 1e-15);
  assert.equal(totalVariation(p, q), 0.5);
  assert.equal(totalVariation([1, 0], [0, 1]), 1);
  assert.equal(totalVariation(q, q), 0);
});

test('one definition: the re-exports are the same functions', () => {
  assert.equal(erasureMath.jsDivergence, jsDivergence);
  assert.equal(adversarial.jsDivergence, jsDivergence);
  assert.equal(adversarial.totalVariation, totalVariation);
  assert.equal(permutation.totalVariation, totalVariation);
});
