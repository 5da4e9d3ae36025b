// Bad final-layer states are user errors with the exact catalog message (src/erasure/messages.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContext } from '../../src/erasure/context.ts';
import { msg } from '../../src/erasure/messages.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

test('states that do not fit the classifier are refused with a message naming the document', () => {
  const rng = new Rng(1);
  const head = randomHead(rng, 3, 4);
  const good = randomState(rng, head, 5, 'd7');
  assert.doesNotThrow(() => buildContext(good, head));
  const cases: [object, string][] = [
    [{ alpha: new Float64Array(0), h: new Float32Array(0) }, msg.emptyDocument('document d7')],
    [{ h: good.h.subarray(0, 19) }, msg.wrongLength('document d7', 'h', 19, 'n × d = 5 × 4 = 20')],
    [{ logits: good.logits.subarray(0, 2) }, msg.wrongLength('document d7', 'logits', 2, 'C = 3')],
    [{ z: new Float64Array(14) }, msg.wrongLength('document d7', 'z', 14, 'n × C = 5 × 3 = 15')],
    [{ alpha: Float64Array.of(0.5, -0.1, 0.2, 0.2, 0.2) }, msg.negativeAttention('document d7', 1, -0.1)],
  ];
  for (const [change, message] of cases) assert.throws(() => buildContext({ ...good, ...change }, head), { name: 'UserError', message });
  const shifted = Float64Array.from(good.logits, (v, k) => (k === 2 ? v + 1 : v));
  assert.throws(() => buildContext({ ...good, logits: shifted }, head), {
    message: msg.logitsDisagree('document d7', 2, shifted[2]!, buildContext(good, head).logits[2]!),
  });
});
