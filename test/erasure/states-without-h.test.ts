// The erasure run's states files keep z = W h and not h (states-io.ts dropH): a tenth of the disk at
// d = 200, C = 10. Read back, everything the tests use is exact (alpha, logits, z, items: the same
// doubles), the context is the one of the full state, a run resumed from such files writes the same
// outputs, and a file that claims neither h nor z is a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildContext, productWithHead } from '../../src/erasure/context.ts';
import { decodeStates, encodeStates, readStates } from '../../src/erasure/states-io.ts';
import { runTest, type TestSource } from '../../src/erasure/test-run.ts';
import type { TestDocument } from '../../src/erasure/final-layer.ts';
import { buildModel } from '../../src/models/index.ts';
import { manualSeed } from '../../src/torch/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

test('states without h: alpha, logits, z, items read back exactly; h empty; the bytes are those of z, not h', () => {
  const rng = new Rng(5);
  const head = randomHead(rng, 4, 16);
  const states = Array.from({ length: 5 }, (_, i) => {
    const s = randomState(rng, head, 1 + rng.int(12), i % 2 ? `doc ${i}` : i);
    return { ...s, z: productWithHead(s.h, s.alpha.length, head) };
  });
  states[1]!.items = Array.from(states[1]!.alpha, (_, j) => [`w${j}`]);
  const full = encodeStates(states, head.d, head.C);
  const slim = encodeStates(states, head.d, head.C, { dropH: true });
  const items = states.reduce((s, x) => s + x.alpha.length, 0);
  // Only h's bytes are gone (the header grows by its "h":false).
  assert.equal(full.length - slim.length, items * head.d * 4 - ',"h":false'.length);
  const back = decodeStates(slim, 'mem');
  assert.equal(back.d, head.d);
  assert.equal(back.C, head.C);
  back.states.forEach((s, i) => {
    const o = states[i]!;
    assert.equal(s.h.length, 0);
    assert.deepEqual({ ...s, h: o.h }, o, `document ${i}: everything but h is exact`);
    assert.deepEqual(buildContext(s, head), buildContext(o, head), `document ${i}: the same context`);
  });
  // Without z there is nothing to replace h: it is kept.
  const noZ = states.map(({ z: _z, ...s }) => s);
  assert.deepEqual(decodeStates(encodeStates(noZ, head.d, head.C, { dropH: true }), 'mem').states, noZ);
  // A header that says h is missing and z too cannot be read.
  const header = Buffer.from(JSON.stringify({ d: 2, C: 2, z: false, h: false, docs: [] }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  assert.throws(() => decodeStates(Buffer.concat([Buffer.from('ATTNSTATES1\n'), len, header]), 'states/x.bin'), /states\/x.bin: not a valid states file \(neither h nor z stored\)/);
});

const COUNT = 30;

function source(): TestSource {
  manualSeed(8);
  const model = buildModel({ arch: 'flan-noenc', vocab: 50, classes: 3, emb: 12, encoderSize: 4, dropout: { word: 0, sentence: 0, encoder: 0, classifier: 0 } });
  const rng = new Rng(9);
  const documents: TestDocument[] = Array.from({ length: COUNT }, (_, i) => {
    const sentences = Array.from({ length: 1 + rng.int(3) }, () => Int32Array.from({ length: 1 + rng.int(15) }, () => 1 + rng.int(49)));
    return { docId: i, label: rng.int(3), doc: { sentences }, words: () => sentences.map((s) => Array.from(s, (id) => `w${id}`)) };
  });
  return { info: { dataset: 'toy', architecture: 'flan', encoder: 'noenc' }, classes: ['a', 'b', 'c'], model, documents };
}

test('runTest stores z without h, and a run resumed from those states writes the same outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-states-z-'));
  try {
    const src = source();
    const opts = { outDir: dir, seed: 2, chunkSize: 7, bootstrapResamples: 50, run: { checkpoint: 'toy', split: 'test' } };
    assert.ok(runTest(src, opts).outputs);
    const files = ['documents.jsonl', 'documents.csv', 'summary.json', 'examples.jsonl'];
    const first = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    const bins = readdirSync(join(dir, 'states')).filter((f) => f.endsWith('.bin'));
    assert.ok(bins.length > 0);
    for (const f of bins) {
      const { states, C } = readStates(join(dir, 'states', f));
      const items = states.reduce((s, x) => s + x.alpha.length, 0);
      assert.ok(states.every((s) => s.h.length === 0 && s.z?.length === s.alpha.length * C), `${f}: z kept, h not`);
      // Per item alpha and z (8 + 8 C bytes), per document its logits; the rest is the header.
      assert.ok(statSync(join(dir, 'states', f)).size < items * (8 + 8 * C) + states.length * 8 * C + 4096, `${f} holds no h`);
    }
    // Resume: the chunks and outputs are gone, the states are read back (never recomputed).
    for (const f of [...files, 'chunks']) rmSync(join(dir, f), { recursive: true, force: true });
    const log: string[] = [];
    assert.ok(runTest(src, { ...opts, log: (l) => log.push(l) }).outputs);
    assert.ok(!log.some((l) => /recomputing/.test(l)), log.join('\n'));
    files.forEach((f, i) => assert.equal(readFileSync(join(dir, f), 'utf8'), first[i], `${f} after resuming from the states`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
