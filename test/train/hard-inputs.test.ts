// Training on hard inputs: long documents, damaged checkpoint and model files, a NaN loss, an output
// path that is a file, temp files of killed runs, settings that JSON cannot print, too many threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import {
  CHECKPOINT,
  MODEL_JSON,
  MODEL_WEIGHTS,
  bucketBatches,
  checkPartial,
  loadModel,
  parseFlagValue,
  preset,
  sortedBatches,
  train,
  type ModelMeta,
  type TrainConfig,
  type TrainingData,
} from '../../src/train/index.ts';
import { cutBatches } from '../../src/train/batching.ts';
import { truncateDoc } from '../../src/train/long-docs.ts';
import { docLength, type TokenDoc } from '../../src/models/index.ts';
import { getNumThreads, setNumThreads } from '../../src/torch/index.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';
import { syntheticData } from './synthetic.ts';

const quiet = () => ({ step() {}, line() {}, log() {}, close() {} });
const tiny = (arch: TrainConfig['arch'], o: Partial<TrainConfig> = {}): TrainConfig => ({ ...preset('synthetic', arch, 'quick'), emb: 8, encoderSize: 4, batchSize: 16, ...o });

function withDir(fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-hard-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function userError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    assert.match(err.message, re);
    return true;
  });
}

const cells = (docs: readonly TokenDoc[], b: number[]) => b.length * Math.max(...b.map((i) => docLength(docs[i]!)));

test('batches are bounded by tokens: documents x longest <= budget, a longer document alone', () => {
  const rng = new Rng(2);
  const docs: TokenDoc[] = Array.from({ length: 300 }, (_, i) => ({ sentences: [new Int32Array(i === 7 ? 5000 : 1 + rng.int(200)).fill(1)] }));
  for (const family of ['flan', 'han'] as const) {
    for (const batches of [bucketBatches(docs, family, 64, new Rng(1), { batchTokens: 2000 }), sortedBatches(docs, family, 64, { batchTokens: 2000 })]) {
      assert.deepEqual(batches.flat().sort((a, b) => a - b), docs.map((_, i) => i));
      for (const b of batches) assert.ok(b.length === 1 || cells(docs, b) <= 2000, `${family}: ${b.length} docs, ${cells(docs, b)} cells`);
      assert.ok(batches.some((b) => b.length === 1 && b[0] === 7), 'the 5000-token document is alone');
    }
  }
  // aloneOver: documents over it never share a batch, whatever the budget.
  const alone = cutBatches(docs, docs.map((_, i) => i), 64, { aloneOver: 150 });
  for (const b of alone) if (b.some((i) => docLength(docs[i]!) > 150)) assert.equal(b.length, 1);
});

test('truncateDoc keeps the first N tokens, whole sentences then part of one', () => {
  const d = { sentences: [Int32Array.of(1, 2, 3), Int32Array.of(4, 5, 6, 7), Int32Array.of(8)] };
  assert.deepEqual(truncateDoc(d, 5).sentences.map((s) => [...s]), [[1, 2, 3], [4, 5]]);
  assert.equal(truncateDoc(d, 8), d);
});

test('a long training document is truncated by default, counted in train.jsonl and model.json', () =>
  withDir((dir) => {
    const data = syntheticData({ train: 24, dev: 8, test: 4 });
    const longDoc = { label: 1, sentences: Array.from({ length: 300 }, (_, i) => Int32Array.from({ length: 20 }, (_, j) => 2 + ((i + j) % 20))) };
    const withLong: TrainingData = { ...data, train: [...data.train, longDoc], test: [...data.test, longDoc] };
    const lines: string[] = [];
    const events: Record<string, unknown>[] = [];
    const progress = { ...quiet(), line: (l: string) => void lines.push(l), log: (e: Record<string, unknown>) => void events.push(e) };
    train({ data: withLong, config: tiny('flan-rnn', { maxEpochs: 1, maxDocTokens: 500 }), outDir: dir, progress });
    const meta = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8')) as ModelMeta & { longDocuments: NonNullable<ModelMeta['longDocuments']> };
    assert.deepEqual(meta.longDocuments, {
      policy: 'truncate',
      maxDocTokens: 500,
      train: { long: 1, truncated: 1, longest: 6000 },
      dev: { long: 0, truncated: 0, longest: meta.longDocuments.dev.longest },
      test: { long: 1, truncated: 1, longest: 6000 },
    });
    assert.ok(lines.some((l) => /2 documents longer than 500 tokens .*truncated to 500 tokens/.test(l)), lines.join('\n'));
    assert.deepEqual(events.find((e) => e.event === 'long-docs')?.train, { long: 1, truncated: 1, longest: 6000 });
  }));

test('a damaged checkpoint is one UserError with the file and --fresh; the tensor data is checksummed', () =>
  withDir((dir) => {
    const data = syntheticData({ train: 24, dev: 8, test: 0 });
    const cfg = tiny('flan-conv', { maxEpochs: 1 });
    train({ data, config: cfg, outDir: dir, progress: quiet() });
    const ck = join(dir, CHECKPOINT);
    const good = readFileSync(ck);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 5]! ^= 0x40; // inside the last tensor: no header check can see it
    writeFileSync(ck, flipped);
    const more = tiny('flan-conv', { maxEpochs: 2 });
    userError(() => train({ data, config: more, outDir: dir, progress: quiet() }), /checkpoint\.safetensors: not a valid safetensors file \(the tensor data does not match its checksum.*--fresh/);
    writeFileSync(ck, good.subarray(0, 100));
    userError(() => train({ data, config: more, outDir: dir, progress: quiet() }), /checkpoint\.safetensors: not a valid safetensors file \(header length \d+ runs past the end of the file\).*--fresh/);
    // A header whose meta lacks a field: named.
    writeFileSync(ck, good);
    assert.equal(train({ data, config: more, outDir: dir, progress: quiet() }).epochs, 2);
  }));

test('train rebuilds a damaged model.safetensors from a checkpoint that holds the best epoch', () =>
  withDir((dir) => {
    const data = syntheticData({ train: 24, dev: 8, test: 0 });
    const r = train({ data, config: tiny('flan-noenc', { maxEpochs: 1 }), outDir: dir, progress: quiet() });
    assert.equal(r.bestEpoch, 1);
    const weights = readFileSync(join(dir, MODEL_WEIGHTS));
    writeFileSync(join(dir, MODEL_WEIGHTS), weights.subarray(0, weights.length - 16));
    userError(() => loadModel(dir), /model\.safetensors: not a valid safetensors file .*run the same attnlab train command again to rebuild it/);
    const lines: string[] = [];
    train({ data, config: tiny('flan-noenc', { maxEpochs: 1 }), outDir: dir, progress: { ...quiet(), line: (l: string) => void lines.push(l) } });
    assert.ok(lines.some((l) => /rebuilt model\.safetensors and model\.json \(epoch 1\) from checkpoint\.safetensors/.test(l)), lines.join('\n'));
    const { model, meta } = loadModel(dir);
    model.dispose();
    assert.equal(meta.epoch, 1);
    assert.deepEqual(readFileSync(join(dir, MODEL_WEIGHTS)).subarray(-64), weights.subarray(-64));
  }));

test('a NaN loss is a UserError that says what to do', () =>
  withDir((dir) => {
    const data = syntheticData({ train: 16, dev: 8, test: 0, vectors: true });
    const vectors = Float32Array.from(data.vectors!, (v, i) => (i === 8 * 3 ? NaN : v));
    userError(
      () => train({ data: { ...data, vectors }, config: tiny('flan-noenc', { maxEpochs: 1 }), outDir: dir, progress: quiet() }),
      /the training loss became NaN at epoch 1, step \d+; Lower --lr \(or --clip\) and start over with --fresh/,
    );
  }));

test('--out through a file is a UserError naming the file', () =>
  withDir((dir) => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const data = syntheticData({ train: 8, dev: 4, test: 0 });
    userError(() => train({ data, config: tiny('flan-noenc'), outDir: join(file, 'flan-noenc'), progress: quiet() }), new RegExp(`--out .*: ${file} is a file, not a folder`));
    userError(() => train({ data, config: tiny('flan-noenc'), outDir: file, progress: quiet() }), new RegExp(`${file} is a file, not a folder`));
  }));

test('temp files of killed runs (dead pid) are removed on the next run; those of live processes stay', () =>
  withDir((dir) => {
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const dead = 2 ** 22 + 12345; // above the default pid_max: no such process
      const stale = [`${CHECKPOINT}.tmp-${dead}`, `${MODEL_JSON}.tmp-${dead}`].map((n) => join(dir, n));
      for (const p of stale) writeFileSync(p, 'partial');
      const kept = join(dir, `${CHECKPOINT}.tmp-${live.pid}`);
      writeFileSync(kept, 'being written');
      train({ data: syntheticData({ train: 8, dev: 4, test: 0 }), config: tiny('flan-noenc', { maxEpochs: 1 }), outDir: dir, progress: quiet() });
      for (const p of stale) assert.equal(existsSync(p), false, p);
      assert.equal(existsSync(kept), true);
    } finally {
      live.kill('SIGKILL');
    }
  }));

test('--lr Infinity and NaN are reported as given, not as null', () => {
  userError(() => checkPartial({ lr: parseFlagValue('lr', 'Infinity') }, 'flags'), /flags: 'lr' must be a positive number, got Infinity/);
  userError(() => checkPartial({ lr: -Infinity }, 'flags'), /got -Infinity/);
  userError(() => checkPartial({ longDocs: 'sometimes' }, 'flags'), /'longDocs' must be one of truncate, alone, got "sometimes"/);
});

test('more threads than cores are capped at the cores, with a warning', () => {
  const before = getNumThreads();
  const warnings: string[] = [];
  try {
    const cores = availableParallelism();
    assert.equal(setNumThreads(1000, (l) => void warnings.push(l)), cores);
    assert.equal(getNumThreads(), cores);
    assert.match(warnings.join('\n'), new RegExp(`1000 threads asked for, but this machine has ${cores} cores: using ${cores}`));
  } finally {
    setNumThreads(before, () => {});
  }
});

test('a folder where a model file should be (EISDIR) is a UserError naming the path', () =>
  withDir((dir) => {
    const data = syntheticData({ train: 8, dev: 4, test: 0 });
    train({ data, config: tiny('flan-noenc', { maxEpochs: 1 }), outDir: dir, progress: quiet() });
    rmSync(join(dir, MODEL_WEIGHTS));
    mkdirSync(join(dir, MODEL_WEIGHTS));
    userError(() => loadModel(dir), new RegExp(`${join(dir, MODEL_WEIGHTS)}: cannot read \\(a folder, not a file\\)`));
  }));
