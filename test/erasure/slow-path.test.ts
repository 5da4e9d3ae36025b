// The fast path (z_i = W h_i, O(C) per further erasure) against the classifier re-run through the engine,
// and the closed-form gradient against autograd, on random models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContext } from '../../src/erasure/context.ts';
import { firstFlip, leaveOneOut, logitsAfterErasing } from '../../src/erasure/erase.ts';
import { attentionGradient } from '../../src/erasure/rankings/index.ts';
import { autogradAttentionGradient, slowLogitsAfterErasing } from '../../src/erasure/slow-path.ts';
import { argmax } from '../../src/erasure/math.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

const TOL = 1e-6;

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let k = 0; k < a.length; k++) {
    assert.ok(Math.abs(a[k]! - b[k]!) <= TOL * Math.max(1, Math.abs(b[k]!)), `${what}[${k}]: ${a[k]} vs ${b[k]}`);
  }
}

test('fast path = engine re-run of the classifier, to 1e-6, for random sets, single items and prefixes', () => {
  const rng = new Rng(3);
  for (let c = 0; c < 60; c++) {
    const C = 2 + rng.int(9);
    const d = 1 + rng.int(40);
    const head = randomHead(rng, C, d);
    const n = 1 + rng.int(30);
    const state = randomState(rng, head, n, c, 1 + rng.int(4));
    const doc = buildContext(state, head);
    // Random sets, including the empty set and everything.
    for (let t = 0; t < 5; t++) {
      const erased = Array.from({ length: n }, () => rng.next() < [0, 0.3, 0.7, 1, 0.5][t]!);
      assertClose(logitsAfterErasing(doc, erased), slowLogitsAfterErasing(state, head, erased), `case ${c} set ${t}`);
    }
    // Each item alone.
    const { logits: loo, decisions } = leaveOneOut(doc);
    for (let i = 0; i < n; i++) {
      const erased = Array.from({ length: n }, (_, j) => j === i);
      const slow = slowLogitsAfterErasing(state, head, erased);
      assertClose(loo.subarray(i * C, i * C + C), slow, `case ${c} item ${i}`);
      assert.equal(decisions[i], argmax(slow), `case ${c} item ${i} decision`);
    }
    // Sequential erasure in a random order flips where the re-run classifier first changes its argmax.
    const order = rng.permutation(n);
    const erased = new Array<boolean>(n).fill(false);
    let slowFlip: number | null = null;
    for (let k = 1; k <= n && slowFlip === null; k++) {
      erased[order[k - 1]!] = true;
      if (argmax(slowLogitsAfterErasing(state, head, erased)) !== doc.predicted) slowFlip = k;
    }
    assert.equal(firstFlip(doc, order).erased, slowFlip, `case ${c} first flip`);
  }
});

test('closed-form gradient of docs/method.md §5 = autograd, to 1e-6', () => {
  const rng = new Rng(4);
  for (let c = 0; c < 80; c++) {
    const head = randomHead(rng, 2 + rng.int(9), 1 + rng.int(30));
    const state = randomState(rng, head, 1 + rng.int(25));
    assertClose(attentionGradient(buildContext(state, head)), autogradAttentionGradient(state, head), `case ${c}`);
  }
});
