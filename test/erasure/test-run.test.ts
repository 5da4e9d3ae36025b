// runTest's run folder under hard conditions: results independent of the chunk size (byte for byte),
// chunk files cut short or edited are redone, --range past the end is an error, temp files of killed
// runs are cleaned, a folder held by another process is refused, long documents counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passBlocks, runTest, TEST_LOCK, type TestRunOptions, type TestSource } from '../../src/erasure/test-run.ts';
import type { TestDocument } from '../../src/erasure/final-layer.ts';
import { buildModel } from '../../src/models/index.ts';
import { manualSeed } from '../../src/torch/index.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';

function source(count: number, longAt = -1): TestSource {
  manualSeed(3);
  const model = buildModel({ arch: 'flan-rnn', vocab: 40, classes: 3, emb: 8, encoderSize: 4, dropout: { word: 0, sentence: 0, encoder: 0.1, classifier: 0.1 } });
  const rng = new Rng(4);
  const documents: TestDocument[] = Array.from({ length: count }, (_, i) => {
    const sentences = Array.from({ length: i === longAt ? 60 : 1 + rng.int(3) }, () => Int32Array.from({ length: 1 + rng.int(15) }, () => 1 + rng.int(39)));
    return { docId: i, label: rng.int(3), doc: { sentences }, words: () => sentences.map((s) => Array.from(s, (id) => `w${id}`)) };
  });
  return { info: { dataset: 'toy', architecture: 'flan', encoder: 'rnn' }, classes: ['a', 'b', 'c'], model, documents };
}

function withDir(fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-testrun-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

interface RunModel {
  longDocuments: { policy: string; long: number; truncated: number };
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

const base = (outDir: string, o: Partial<TestRunOptions> = {}): TestRunOptions => ({ outDir, seed: 5, bootstrapResamples: 20, run: { checkpoint: 'ckpt', split: 'test' }, ...o });

test('documents.jsonl is byte-identical whatever the chunk size', () =>
  withDir((dir) => {
    const src = source(60);
    const outs = [60, 7, 10, 1].map((chunkSize) => {
      const out = join(dir, `c${chunkSize}`);
      runTest(src, base(out, { chunkSize, batchSize: 8 }));
      return { out, jsonl: readFileSync(join(out, 'documents.jsonl'), 'utf8'), summary: readJson<Record<string, unknown>>(join(out, 'summary.json')) };
    });
    for (const o of outs.slice(1)) {
      assert.equal(o.jsonl, outs[0]!.jsonl, `${o.out} vs ${outs[0]!.out}`);
      const { run: _a, ...s } = o.summary;
      const { run: _b, ...s0 } = outs[0]!.summary;
      assert.deepEqual(s, s0);
    }
  }));

test('model-pass blocks depend on the documents only, bounded by documents and tokens', () => {
  const docs = source(1200).documents;
  const blocks = passBlocks(docs);
  assert.deepEqual(blocks.map(([a, b]) => b - a), [512, 512, 176]);
  assert.deepEqual(blocks.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i)), docs.map((_, i) => i));
});

test('a chunk file cut at a line boundary or edited is reported and redone, never used', () =>
  withDir((dir) => {
    const src = source(25);
    const opts = base(dir, { chunkSize: 10 });
    runTest(src, opts);
    const whole = readFileSync(join(dir, 'documents.jsonl'), 'utf8');
    const chunk = join(dir, 'chunks', '0000010-0000020.jsonl');
    const text = readFileSync(chunk, 'utf8');
    const lines = text.split('\n');
    writeFileSync(chunk, lines.slice(0, 6).join('\n') + '\n'); // header + 5 of 10 documents
    const log: string[] = [];
    const r = runTest(src, { ...opts, log: (l) => void log.push(l) });
    assert.equal(r.chunksComputed, 1);
    assert.match(log.join('\n'), /0000010-0000020\.jsonl: damaged chunk file \(it holds 5 of its 10 documents \(cut short\)\); recomputing the chunk/);
    assert.equal(readFileSync(join(dir, 'documents.jsonl'), 'utf8'), whole);
    assert.equal(readFileSync(join(dir, 'documents.jsonl'), 'utf8').trim().split('\n').length, 25);
    // An edited line: the checksum catches it.
    writeFileSync(chunk, text.replace('"index":12', '"index":13'));
    log.length = 0;
    runTest(src, { ...opts, log: (l) => void log.push(l) });
    assert.match(log.join('\n'), /its checksum does not match/);
    assert.equal(readFileSync(join(dir, 'documents.jsonl'), 'utf8'), whole);
    // A blank line inserted: every document is there, but the file is not what was written.
    writeFileSync(chunk, text.replace('\n{"docId"', '\n\n{"docId"'));
    log.length = 0;
    assert.equal(runTest(src, { ...opts, log: (l) => void log.push(l) }).chunksComputed, 1);
    assert.match(log.join('\n'), /0000010-0000020\.jsonl: damaged chunk file \(its checksum does not match/);
    // Only the final newline lost: every line is whole, so the chunk is used as it is (read line by line).
    writeFileSync(chunk, text.slice(0, -1));
    log.length = 0;
    assert.equal(runTest(src, { ...opts, log: (l) => void log.push(l) }).chunksComputed, 0);
    assert.equal(log.filter((l) => l.includes('damaged')).length, 0);
    assert.equal(readFileSync(join(dir, 'documents.jsonl'), 'utf8'), whole);
    // A states block cut short: recomputed too.
    const block = join(dir, 'states', '0000000-0000025.bin');
    writeFileSync(block, readFileSync(block).subarray(0, 200));
    rmSync(join(dir, 'chunks'), { recursive: true });
    log.length = 0;
    runTest(src, { ...opts, log: (l) => void log.push(l) });
    assert.match(log.join('\n'), /0000000-0000025\.bin: not a valid states file \(truncated .*\): recomputing it/);
    assert.equal(readFileSync(join(dir, 'documents.jsonl'), 'utf8'), whole);
  }));

test('--range past the end is an error naming the valid range; a finished range says what is left', () =>
  withDir((dir) => {
    const src = source(25);
    assert.throws(
      () => runTest(src, base(dir, { chunkSize: 10, range: [30, 40] })),
      (e: unknown) => e instanceof UserError && /--range 30:40 starts past the end of the run: it has 25 documents, so ranges lie within 0:25/.test(e.message),
    );
    const log: string[] = [];
    runTest(src, base(dir, { chunkSize: 10, range: [0, 10], log: (l) => void log.push(l) }));
    assert.match(log.join('\n'), /1 of 3 chunks done; --range 0:10 is finished; run the other ranges/);
  }));

test('stale temp files in the run folder are removed; a folder held by a live process is refused', () =>
  withDir(async (dir) => {
    const dead = 2 ** 22 + 54321;
    runTest(source(12), base(dir));
    const stale = [join(dir, 'states', `0000000-0000012.bin.tmp-${dead}`), join(dir, 'chunks', `0000000-0000012.jsonl.tmp-${dead}`), join(dir, `summary.json.tmp-${dead}`)];
    for (const p of stale) writeFileSync(p, 'partial');
    runTest(source(12), base(dir));
    for (const p of stale) assert.equal(existsSync(p), false, p);

    // Another process holds the folder (a lock file with its live pid).
    const holder: ChildProcess = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, TEST_LOCK), JSON.stringify({ pid: holder.pid, host: (await import('node:os')).hostname(), started: 'now', what: 'attnlab test x' }));
      assert.throws(() => runTest(source(12), base(dir)), (e: unknown) => e instanceof UserError && e.message.includes(`pid ${holder.pid}`));
    } finally {
      holder.kill('SIGKILL');
    }
    await new Promise((r) => holder.on('exit', r));
    // Its process is gone: the lock is stale and taken over.
    runTest(source(12), base(dir));
    assert.equal(existsSync(join(dir, TEST_LOCK)), false);
  }));

test('long documents are kept whole by default, or truncated, and counted in tested-model.json', () =>
  withDir((dir) => {
    const src = source(10, 3);
    const log: string[] = [];
    runTest(src, base(join(dir, 'alone'), { maxDocTokens: 100, log: (l) => void log.push(l) }));
    const alone = readJson<RunModel>(join(dir, 'alone', 'tested-model.json'));
    assert.equal(alone.longDocuments.policy, 'alone');
    assert.equal(alone.longDocuments.long, 1);
    assert.match(log.join('\n'), /1 document longer than 100 tokens \(longest \d+\): kept whole/);
    runTest(src, base(join(dir, 'cut'), { maxDocTokens: 100, longDocs: 'truncate' }));
    const cut = readJson<RunModel>(join(dir, 'cut', 'tested-model.json'));
    assert.deepEqual([cut.longDocuments.long, cut.longDocuments.truncated], [1, 1]);
    const doc3 = readFileSync(join(dir, 'cut', 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { docId: number; n: number }).find((d) => d.docId === 3);
    assert.equal(doc3?.n, 100);
    assert.ok(readdirSync(join(dir, 'cut', 'states')).includes('head.json'));
  }));
