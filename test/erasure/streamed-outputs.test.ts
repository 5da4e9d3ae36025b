// runTest writes documents.jsonl / documents.csv chunk by chunk and summarizes compact records
// (compact-results.ts): for chunk sizes 1, 7 and all, its files equal writeOutputs over every
// DocumentResult held in memory and summarized in full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkPath, runTest, type TestSource } from '../../src/erasure/test-run.ts';
import { readResults } from '../../src/erasure/test-run.ts';
import { writeOutputs, OUTPUT_FILES } from '../../src/erasure/outputs.ts';
import { summarize } from '../../src/erasure/summary.ts';
import type { TestDocument } from '../../src/erasure/final-layer.ts';
import { buildModel } from '../../src/models/index.ts';
import { manualSeed } from '../../src/torch/index.ts';
import { Rng } from '../../src/util/rng.ts';

const COUNT = 23;

function source(): TestSource {
  manualSeed(3);
  const model = buildModel({ arch: 'flan-noenc', vocab: 40, classes: 3, emb: 8, encoderSize: 4, dropout: { word: 0, sentence: 0, encoder: 0, classifier: 0 } });
  const rng = new Rng(6);
  const documents: TestDocument[] = Array.from({ length: COUNT }, (_, i) => {
    // Some one-word documents: their single-weight records are null.
    const sentences = Array.from({ length: 1 + rng.int(3) }, () => Int32Array.from({ length: i % 6 === 0 ? 1 : 1 + rng.int(12) }, () => 1 + rng.int(39)));
    if (i % 6 === 0) sentences.length = 1;
    return { docId: i % 2 ? i : `doc-${i}`, label: rng.int(3), doc: { sentences }, words: () => sentences.map((s) => Array.from(s, (id) => `w${id}`)) };
  });
  return { info: { dataset: 'toy', architecture: 'flan', encoder: 'noenc' }, classes: ['a', 'b', 'c'], model, documents };
}

test('streamed outputs equal the in-memory ones for chunk sizes 1, 7 and all', () => {
  const root = mkdtempSync(join(tmpdir(), 'attnlab-streamed-out-'));
  try {
    const src = source();
    for (const chunkSize of [1, 7, COUNT]) {
      const outDir = join(root, `chunk-${chunkSize}`);
      const opts = { outDir, seed: 4, chunkSize, bootstrapResamples: 100, run: { checkpoint: 'toy', split: 'test' }, rankings: undefined };
      const r = runTest(src, opts);
      assert.ok(r.outputs);
      // The reference: every chunk's results held as full objects, summarized and written at once.
      const all = [];
      for (let from = 0; from < COUNT; from += chunkSize) {
        const to = Math.min(COUNT, from + chunkSize);
        all.push(...readResults(chunkPath(outDir, 'chunks', from, to, 'jsonl'), from, to));
      }
      const refDir = join(root, `ref-${chunkSize}`);
      writeOutputs(refDir, all, summarize(all, src.classes, { seed: 4, bootstrapResamples: 100, run: opts.run }));
      for (const f of Object.values(OUTPUT_FILES)) {
        assert.equal(readFileSync(join(outDir, f), 'utf8'), readFileSync(join(refDir, f), 'utf8'), `${f}, chunk size ${chunkSize}`);
      }
      assert.equal(readFileSync(join(outDir, OUTPUT_FILES.jsonl), 'utf8').split('\n').length, COUNT + 1);
      if (chunkSize !== 1) {
        for (const f of [...Object.values(OUTPUT_FILES), 'examples.jsonl']) {
          assert.equal(readFileSync(join(outDir, f), 'utf8'), readFileSync(join(root, 'chunk-1', f), 'utf8'), `${f}: chunk size ${chunkSize} = 1`);
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
