// A transformer erasure run (transformer-test-run.ts) writes documents.jsonl / documents.csv chunk by chunk
// and summarizes compact records, as runTest does: for chunk sizes 1, 4 and all, with the default tests and
// with --heads each, its summary.json, documents.jsonl, documents.csv and ERASER exports equal the
// in-memory writers (writeOutputs, writeEraserExports) over every DocumentResult held as a full object and
// summarized in full. (Unlike HAN/FLAN runs, a transformer run's numbers depend on --chunk in their last
// digits: a chunk's documents are batched together, with padding; a resumed run keeps its chunk size.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestCommand } from '../../src/cli/commands/test.ts';
import { chunkPath, readResults } from '../../src/erasure/test-run.ts';
import { OUTPUT_FILES, writeOutputs } from '../../src/erasure/outputs.ts';
import { summarize } from '../../src/erasure/summary.ts';
import { writeEraserExports } from '../../src/erasure/eraser-export.ts';
import type { BatterySummary, DocumentResult } from '../../src/erasure/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { expected, fixtureDir } from '../models/hf-fixtures.ts';

const COUNT = 11;

async function quietly<R>(fn: () => Promise<R>): Promise<R> {
  const [err, out] = [console.error, console.log];
  console.error = () => {};
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.error = err;
    console.log = out;
  }
}

function toyData(dir: string): string {
  const words = expected('bert').document.text.split(/\s+/).filter((w) => /^[a-z]+$/.test(w));
  const labels = ['negative', 'neutral', 'positive'];
  const rng = new Rng(11);
  // One-word documents too: their single-weight records are null (a different compact shape).
  const row = (i: number): string => `${labels[rng.int(3)]}\t${Array.from({ length: i % 5 === 0 ? 1 : 2 + rng.int(10) }, () => words[rng.int(words.length)]).join(' ')}`;
  const data = join(dir, 'toy');
  mkdirSync(data);
  writeFileSync(join(data, 'train.tsv'), Array.from({ length: 30 }, (_, i) => row(i)).join('\n'));
  writeFileSync(join(data, 'test.tsv'), Array.from({ length: COUNT }, (_, i) => row(i)).join('\n'));
  return data;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('chunks') && f.includes('.') && !f.endsWith('.lock')).sort();
}

test('transformer run: streamed outputs equal the in-memory writers for chunk sizes 1, 4 and all, heads all and each', async () => {
  const root = mkdtempSync(join(tmpdir(), 'attnlab-hf-streamed-'));
  const cacheBefore = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(root, 'cache');
  try {
    const data = toyData(root);
    for (const heads of ['all', 'each']) {
      for (const chunkSize of [1, 4, COUNT]) {
        const out = join(root, `${heads}-${chunkSize}`);
        const code = await quietly(() => runTestCommand([fixtureDir('bert'), '--data', data, '--out', out, '--resamples', '20', '--chunk', String(chunkSize), '--heads', heads, '--seed', '5']));
        assert.equal(code, 0);
        // The reference: every chunk's results as full objects, summarized and written at once.
        const all: DocumentResult[] = [];
        for (let from = 0; from < COUNT; from += chunkSize) {
          const to = Math.min(COUNT, from + chunkSize);
          all.push(...readResults(chunkPath(out, 'chunks', from, to, 'jsonl'), from, to));
        }
        assert.equal(all.length, COUNT);
        const written = JSON.parse(readFileSync(join(out, OUTPUT_FILES.summary), 'utf8')) as BatterySummary;
        const ref = join(root, `ref-${heads}-${chunkSize}`);
        writeOutputs(ref, all, summarize(all, written.classes, { seed: 5, bootstrapResamples: 20, run: written.run }));
        writeEraserExports(ref, all, written.classes);
        const refFiles = filesUnder(ref);
        assert.ok(refFiles.includes('documents.csv') && refFiles.some((f) => f.startsWith('eraser')), refFiles.join(' '));
        for (const f of refFiles) {
          assert.ok(existsSync(join(out, f)), `${f} written (${heads}, chunk ${chunkSize})`);
          assert.equal(readFileSync(join(out, f), 'utf8'), readFileSync(join(ref, f), 'utf8'), `${f}: ${heads}, chunk size ${chunkSize}`);
        }
      }
    }
  } finally {
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(root, { recursive: true, force: true });
  }
});
