// Training from the prepared cache streams (StoredDoc: each document's tokens read from the split file
// when a batch needs them) and gives exactly what training on the documents held in memory gives: same
// weights, same log, with token-bounded batches, for FLAN and HAN; resuming works the same; and
// maxStepsPerEpoch caps an epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, openPrepared, type Dataset, type Split } from '../../src/data/dataset.ts';
import { StoredDoc, trainingDataOf } from '../../src/train/dataset.ts';
import { train, MODEL_WEIGHTS, TRAIN_LOG, type TrainingData, type LabeledDoc, type TrainConfig } from '../../src/train/index.ts';
import { makeProgress } from '../../src/train/progress.ts';
import { preset } from '../../src/train/presets.ts';
import { mergeConfig } from '../../src/train/config.ts';
import type { Arch } from '../../src/models/index.ts';
import { Rng } from '../../src/util/rng.ts';

const WORDS = ['good', 'bad', 'fine', 'awful', 'movie', 'plot', 'the', 'a', 'very', 'not', 'great', 'dull'];

/** A two-class TSV data set of documents with 1-4 sentences, prepared into a temporary cache. */
async function dataset(dir: string): Promise<Dataset> {
  const data = join(dir, 'toy');
  mkdirSync(data);
  const rng = new Rng(9);
  const row = (): string => {
    const cls = rng.int(2);
    const sentence = (): string => Array.from({ length: 2 + rng.int(9) }, () => (rng.next() < 0.3 ? WORDS[cls] : WORDS[2 + rng.int(WORDS.length - 2)])).join(' ') + ' .';
    return `${cls ? 'pos' : 'neg'}\t${Array.from({ length: 1 + rng.int(4) }, sentence).join(' ')}`;
  };
  writeFileSync(join(data, 'train.tsv'), Array.from({ length: 150 }, row).join('\n'));
  writeFileSync(join(data, 'test.tsv'), Array.from({ length: 20 }, row).join('\n'));
  return loadDataset(data, { cacheDir: join(dir, 'cache'), minCount: 1 });
}

/** The documents as they were before streaming: views into the split's whole token stream, loaded at once. */
function inMemory(split: Split): LabeledDoc[] {
  const all = split.tokens;
  return Array.from({ length: split.size }, (_, i) => {
    const sentences: Int32Array[] = [];
    for (let j = split.docOffsets[i]!; j < split.docOffsets[i + 1]!; j++) sentences.push(all.subarray(split.sentOffsets[j], split.sentOffsets[j + 1]));
    return { sentences, label: split.labels[i]! };
  });
}

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-streamed-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function config(ds: Dataset, arch: Arch, extra: Partial<TrainConfig> = {}): TrainConfig {
  // A small batch-token budget, so batches are cut by tokens as well as by count.
  return mergeConfig({ ...preset(ds.name, arch, 'quick'), emb: 8, encoderSize: 4, maxEpochs: 3, batchSize: 8, batchTokens: 60 }, { source: 'test', values: extra });
}

function run(data: TrainingData, cfg: TrainConfig, outDir: string) {
  const r = train({ data, config: cfg, outDir, progress: makeProgress({ logPath: join(outDir, TRAIN_LOG), quiet: true }) });
  return { r, weights: readFileSync(join(outDir, MODEL_WEIGHTS)), log: steps(outDir) };
}

/** train.jsonl without wall-clock fields. */
function steps(outDir: string): unknown[] {
  return readFileSync(join(outDir, TRAIN_LOG), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map(({ seconds: _s, docsPerSecond: _d, time: _t, ...rest }) => rest);
}

test('a streamed document reads the same tokens as the split held in memory, one document at a time', async () => {
  await withDir(async (dir) => {
    const streamed = await dataset(dir);
    const held = openPrepared(streamed.dir);
    for (const name of ['train', 'dev', 'test'] as const) {
      const ref = inMemory(held.split(name));
      const docs = trainingDataOf(streamed)[name];
      assert.equal(docs.length, ref.length);
      docs.forEach((d, i) => {
        assert.ok(d instanceof StoredDoc);
        const s = d.sentences;
        assert.deepEqual(s.map((x) => Array.from(x)), ref[i]!.sentences.map((x) => Array.from(x)), `${name} document ${i}`);
        // Its own read: a buffer of this document's tokens, not a view into the whole split.
        assert.equal(s[0]!.buffer.byteLength, 4 * s.reduce((n, x) => n + x.length, 0));
        assert.equal(d.label, ref[i]!.label);
      });
    }
  });
});

for (const arch of ['flan-noenc', 'han-rnn'] as const) {
  test(`${arch}: training on streamed documents gives the weights and log of training on documents in memory`, async () => {
    await withDir(async (dir) => {
      const ds = await dataset(dir);
      const held = openPrepared(ds.dir);
      const streamed = trainingDataOf(ds);
      // Same record (model.json's data provenance), documents held in memory.
      const memory: TrainingData = { ...streamed, train: inMemory(held.train), dev: inMemory(held.dev), test: inMemory(held.test) };
      const cfg = config(ds, arch);
      const a = run(streamed, cfg, join(dir, 'streamed'));
      const b = run(memory, cfg, join(dir, 'memory'));
      assert.equal(a.r.epochs, 3);
      assert.deepEqual(a.log, b.log);
      assert.ok(a.weights.equals(b.weights), 'model.safetensors byte for byte');
    });
  });
}

test('streamed training resumes: 2 epochs, then 3, ends with the weights of 3 in one go; maxStepsPerEpoch caps each epoch', async () => {
  await withDir(async (dir) => {
    const ds = await dataset(dir);
    const data = trainingDataOf(ds);
    const whole = run(data, config(ds, 'flan-noenc'), join(dir, 'whole'));
    run(data, config(ds, 'flan-noenc', { maxEpochs: 2 }), join(dir, 'resumed'));
    const resumed = run(data, config(ds, 'flan-noenc'), join(dir, 'resumed'));
    assert.equal(resumed.r.resumedFrom, 2);
    assert.ok(resumed.weights.equals(whole.weights));

    const capped = run(data, config(ds, 'flan-noenc', { maxStepsPerEpoch: 2 }), join(dir, 'capped'));
    assert.equal(capped.r.stepsThisRun, 3 * 2);
    assert.ok(whole.r.stepsThisRun > 3 * 2, 'the cap is below an epoch here');
    // 0 is "no cap" and leaves the configuration as it was without the setting.
    assert.deepEqual(config(ds, 'flan-noenc', { maxStepsPerEpoch: 0 }), config(ds, 'flan-noenc'));
  });
});
