// The trainer's schedule (learning-rate halving, early stopping, best-dev checkpoint), repeatability,
// flat memory, and the checks that refuse a mismatched checkpoint or bad data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { UserError } from '../../src/util/errors.ts';
import {
  MODEL_JSON,
  accuracy,
  loadModel,
  makeProgress,
  preset,
  readModelMeta,
  train,
  type TrainConfig,
  type TrainingData,
} from '../../src/train/index.ts';
import { syntheticData } from './synthetic.ts';

const quiet = () => makeProgress({ logPath: null, quiet: true });
const tiny = (arch: TrainConfig['arch'], over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...preset('synthetic', arch, 'quick'),
  emb: 8,
  encoderSize: 6,
  batchSize: 16,
  lr: 0.01,
  ...over,
});

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-train-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('learning rate halves after each epoch without a new best; training stops after `patience` such epochs; the best epoch is kept', () =>
  withDir((dir) => {
    const data = syntheticData({ vectors: true });
    const live = torch.liveTensors();
    const r = train({ data, config: tiny('flan-noenc', { maxEpochs: 30, patience: 2, lr: 0.05 }), outDir: dir, progress: quiet() });
    assert.equal(torch.liveTensors(), live, 'every tensor made during training was freed');
    const meta = readModelMeta(dir);
    const header = JSON.parse(headerOf(join(dir, 'checkpoint.safetensors'))) as { __metadata__: { attnlab: string } };
    const { state } = JSON.parse(header.__metadata__.attnlab) as { state: { history: { epoch: number; devAccuracy: number; lr: number }[] } };
    const h = state.history;
    let best = -1;
    let bad = 0;
    let lr = 0.05;
    for (const e of h) {
      assert.equal(e.lr, lr, `learning rate of epoch ${e.epoch}`);
      const improved = e.devAccuracy > best;
      best = Math.max(best, e.devAccuracy);
      bad = improved ? 0 : bad + 1;
      if (!improved) lr *= 0.5;
      if (e.epoch < h.length) assert.ok(bad < 2, 'did not stop early');
    }
    assert.ok(h.length < 30 && h.some((e) => e.lr < 0.05), 'the schedule was exercised');
    assert.equal(r.stopped, 'patience');
    assert.equal(bad, 2, 'stopped exactly when two epochs in a row brought no improvement');
    assert.equal(r.devAccuracy, best);
    assert.equal(meta.epoch, r.bestEpoch);
    assert.equal(meta.devAccuracy, best);
    assert.equal(h[r.bestEpoch - 1]!.devAccuracy, best);
    // The saved model is the best epoch's: it reproduces the recorded accuracies.
    const { model } = loadModel(dir);
    try {
      assert.equal(accuracy(model, data.dev), best);
      assert.equal(accuracy(model, data.test), r.testAccuracy);
    } finally {
      model.dispose();
    }
    assert.ok(r.testAccuracy! > 0.8, `learns the synthetic task (test accuracy ${r.testAccuracy})`);
  }));

function headerOf(path: string): string {
  const buf = readFileSync(path);
  return buf.subarray(8, 8 + Number(buf.readBigUInt64LE(0))).toString('utf8');
}

test('two runs with the same seed give the same weights; another seed does not', () =>
  withDir((dir) => {
    const data = syntheticData({ train: 64, dev: 20, test: 0 });
    const run = (sub: string, seed: number) => {
      train({ data, config: tiny('han-conv', { maxEpochs: 2, seed, dropoutWord: 0.3, dropoutClassifier: 0.3 }), outDir: join(dir, sub), progress: quiet() });
      return readFileSync(join(dir, sub, 'checkpoint.safetensors')).subarray(8 + Number(readFileSync(join(dir, sub, 'checkpoint.safetensors')).readBigUInt64LE(0)));
    };
    const a = run('a', 1);
    const b = run('b', 1);
    const c = run('c', 2);
    assert.ok(a.equals(b));
    assert.ok(!a.equals(c));
  }));

function userError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof UserError && re.test(err.message));
}

test('a checkpoint of another architecture, vocabulary or configuration is refused clearly; --fresh starts over', () =>
  withDir((dir) => {
    const data = syntheticData({ train: 48, dev: 16, test: 0 });
    train({ data, config: tiny('han-rnn', { maxEpochs: 1 }), outDir: dir, progress: quiet() });
    userError(() => train({ data, config: tiny('flan-rnn', { maxEpochs: 2 }), outDir: dir, progress: quiet() }), /checkpoint\.safetensors holds a han-rnn model, not flan-rnn; use a new output folder, or --fresh/);
    const vocab = [...data.vocab];
    vocab[5] = 'changed';
    userError(
      () => train({ data: { ...data, vocab }, config: tiny('han-rnn', { maxEpochs: 2 }), outDir: dir, progress: quiet() }),
      /was trained with a different vocabulary \(word 5 is 'filler3' there but 'changed' in the data\)/,
    );
    userError(() => train({ data, config: tiny('han-rnn', { maxEpochs: 2, lr: 0.5 }), outDir: dir, progress: quiet() }), /was trained with lr=0\.01, this run asks for lr=0\.5/);
    // Raising maxEpochs continues the same run.
    const more = train({ data, config: tiny('han-rnn', { maxEpochs: 2 }), outDir: dir, progress: quiet() });
    assert.deepEqual([more.resumedFrom, more.epochs], [1, 2]);
    const fresh = train({ data, config: tiny('flan-rnn', { maxEpochs: 1 }), outDir: dir, progress: quiet(), fresh: true });
    assert.deepEqual([fresh.resumedFrom, fresh.epochs], [0, 1]);
    assert.equal(readModelMeta(dir).arch, 'flan-rnn');
  }));

test('model.json and weights from different epochs (an interrupted save) are refused', () =>
  withDir((dir) => {
    const data = syntheticData({ train: 32, dev: 16, test: 0 });
    train({ data, config: tiny('flan-conv', { maxEpochs: 1 }), outDir: dir, progress: quiet() });
    const meta = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, MODEL_JSON), JSON.stringify({ ...meta, epoch: 7 }));
    userError(() => loadModel(dir), /model\.safetensors \(flan-conv, epoch 1\) and model\.json \(flan-conv, epoch 7\) disagree/);
    userError(() => loadModel(join(dir, 'nowhere')), /no model\.json \(is this an attnlab train output folder\?\)/);
  }));

test('bad data is refused with split and document named', () => {
  const data = syntheticData({ train: 8, dev: 4, test: 4 });
  const bad = (d: Partial<TrainingData>, re: RegExp) =>
    userError(() => train({ data: { ...data, ...d }, config: tiny('flan-rnn', { maxEpochs: 1 }), outDir: '/nonexistent/never-written', progress: quiet() }), re);
  bad({ dev: [{ label: 7, sentences: [Int32Array.of(3)] }] }, /dev document 0: label 7 is not a class index 0\.\.2/);
  bad({ train: [{ label: 0, sentences: [Int32Array.of(3, 999)] }] }, /train document 0: token id 999 is outside 1\.\.30/);
  bad({ test: [...data.test, { label: 0, sentences: [] }] }, /test document 4 has no tokens/);
  bad({ dev: [] }, /the dev split is empty/);
  bad({ vectors: new Float32Array(31 * 5), vectorDim: 5 }, /word vectors are 5-d but the model's embeddings are 8-d/);
});
