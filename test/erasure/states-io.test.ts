import { test } from 'node:test';
import assert from 'node:assert/strict';
import { productWithHead } from '../../src/erasure/context.ts';
import { decodeStates, encodeStates, headFromJson, headToJson } from '../../src/erasure/states-io.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

test('states files round-trip exactly, with and without z and words', () => {
  const rng = new Rng(1);
  const head = randomHead(rng, 3, 5);
  const states = Array.from({ length: 6 }, (_, i) => randomState(rng, head, 1 + rng.int(9), i % 2 ? `doc ${i}` : i));
  states[2]!.items = Array.from(states[2]!.alpha, (_, j) => [`w${j}`, 'x']);
  const plain = decodeStates(encodeStates(states, head.d, head.C), 'mem');
  assert.equal(plain.d, 5);
  assert.equal(plain.C, 3);
  assert.deepEqual(plain.states, states);
  const withZ = states.map((s) => ({ ...s, z: productWithHead(s.h, s.alpha.length, head) }));
  assert.deepEqual(decodeStates(encodeStates(withZ, head.d, head.C), 'mem').states, withZ);
  assert.deepEqual(headFromJson(JSON.parse(JSON.stringify(headToJson(head))), 'head.json'), head);
});

test('damaged states files are user errors that say to recompute', () => {
  const rng = new Rng(2);
  const head = randomHead(rng, 2, 4);
  const buf = encodeStates([randomState(rng, head, 5)], head.d, head.C);
  assert.throws(() => decodeStates(buf.subarray(0, buf.length - 3), 'states/x.bin'), /states\/x.bin: not a valid states file \(truncated at document 0\); delete it to recompute it/);
  assert.throws(() => decodeStates(Buffer.concat([buf, Buffer.from([0])]), 'f'), /trailing bytes/);
  assert.throws(() => decodeStates(Buffer.from('hello world, not states'), 'f'), /wrong magic/);
  assert.throws(() => headFromJson({ classes: ['a'], d: 2, C: 2, W: [1, 2, 3, 4], b: [0, 0] }, 'head.json'), /head.json: W must have/);
});
