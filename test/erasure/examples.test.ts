import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDocument } from '../../src/erasure/battery.ts';
import { buildContext } from '../../src/erasure/context.ts';
import { decisionAfterErasing } from '../../src/erasure/erase.ts';
import { documentExample } from '../../src/erasure/examples.ts';
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
