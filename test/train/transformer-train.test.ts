// bert-small training glue: a tiny run on the synthetic corpus writes a Hugging Face folder that hf-core's
// loader and the hf-tokenizer read back (same predictions, tokenizer ids = the training inputs), a finished
// run is reused, and the embedding projection (PCA by Jacobi) is checked against known answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTransformer } from '../../src/models/transformer-load.ts';
import { loadHfTokenizer, maxTokensForConfig } from '../../src/models/hf-tokenizer.ts';
import { makeProgress } from '../../src/train/index.ts';
import {
  accuracyOf,
  documentInput,
  jacobiEigen,
  pcaProject,
  readTransformerRun,
  trainTransformer,
  transformerPreset,
  type TransformerTrainConfig,
} from '../../src/train/transformer-train.ts';
import { syntheticData } from './synthetic.ts';

const TINY: TransformerTrainConfig = {
  ...transformerPreset('bert-small', 'paper'),
  hidden: 8,
  layers: 2,
  heads: 2,
  intermediate: 16,
  maxTokens: 12,
  batchSize: 16,
  maxEpochs: 3,
  patience: 3,
  lr: 3e-3,
};

test('bert-small: a tiny run writes a Hugging Face folder that loads back with the same predictions', () => {
  const data = syntheticData({ train: 96, dev: 32, test: 40, emb: 16, vectors: true });
  const out = mkdtempSync(join(tmpdir(), 'attnlab-bert-'));
  try {
    const quiet = () => makeProgress({ logPath: join(out, 'train.jsonl'), quiet: true });
    const r = trainTransformer({ data, config: TINY, outDir: out, profile: 'test', progress: quiet() });
    assert.equal(r.reused, false);
    const info = readTransformerRun(out)!;
    assert.equal(info.finished, true);
    assert.equal(info.history.length, 3);
    assert.equal(info.dataset.hash, data.hash);
    assert.match(info.embeddings, /16-d word vectors, top 8 principal components/);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.vocab_size, data.vocab.length + 2);
    assert.deepEqual(config.id2label, { 0: 'alpha', 1: 'beta', 2: 'gamma' });

    const model = loadTransformer(out);
    try {
      const tok = loadHfTokenizer(out, { maxTokens: maxTokensForConfig(config) });
      const inputs = data.test.map((d) => documentInput(d, data.vocab.length, TINY.maxTokens).input);
      // The tokenizer, given the document's words as text, gives exactly the ids the model was trained on.
      data.test.slice(0, 10).forEach((d, i) => {
        const text = d.sentences.map((s) => Array.from(s, (id) => data.vocab[id]).join(' ')).join(' ');
        assert.deepEqual(tok.encode(text).ids, Array.from(inputs[i]!.ids));
      });
      const acc = accuracyOf(model, inputs, data.test.map((d) => d.label), 8);
      assert.equal(acc, info.testAccuracy);
    } finally {
      model.dispose();
    }
    const again = trainTransformer({ data, config: TINY, outDir: out, profile: 'test', progress: quiet() });
    assert.equal(again.reused, true);
    assert.throws(() => trainTransformer({ data, config: { ...TINY, lr: 1e-3 }, outDir: out, profile: 'test', progress: quiet() }), /holds a finished bert-small run with other data or settings/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('documentInput: [CLS] words [SEP], cut at maxTokens and counted', () => {
  const doc = { sentences: [Int32Array.from([5, 6]), Int32Array.from([7, 8, 9])] };
  assert.deepEqual(documentInput(doc, 20, 10), { input: { ids: Int32Array.from([20, 5, 6, 7, 8, 9, 21]) }, truncated: false });
  assert.deepEqual(documentInput(doc, 20, 5), { input: { ids: Int32Array.from([20, 5, 6, 7, 21]) }, truncated: true });
});

test('jacobiEigen: eigenpairs of a symmetric matrix', () => {
  const m = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
  const { values, vectors } = jacobiEigen(m, 3);
  for (let e = 0; e < 3; e++) {
    for (let i = 0; i < 3; i++) {
      let mv = 0;
      for (let j = 0; j < 3; j++) mv += m[i * 3 + j]! * vectors[j * 3 + e]!;
      assert.ok(Math.abs(mv - values[e]! * vectors[i * 3 + e]!) < 1e-12);
    }
  }
  assert.ok(Math.abs([...values].reduce((a, b) => a + b, 0) - 9) < 1e-12);
});

test('pcaProject keeps the direction of largest variance and the requested scale; zero rows stay zero', () => {
  // Points spread along (1, 1, 0) / sqrt 2 with a little noise across it: the first component is that axis.
  const rows = [[0, 0, 0], [2, 2, 0.1], [-2, -2, -0.1], [1, 1, -0.1], [-1, -1, 0.1]];
  const out = pcaProject(Float32Array.from(rows.flat()), 3, 1, 0.5);
  assert.equal(out[0], 0);
  const first = [2, -2, 1, -1].map((x) => (x * Math.SQRT2) / 1);
  const r = out.slice(1);
  const ratio = r[0]! / first[0]!;
  r.forEach((v, i) => assert.ok(Math.abs(v - ratio * first[i]!) < 0.02 * Math.abs(ratio * first[i]!) + 1e-6, `${v} vs ${ratio * first[i]!}`));
  const std = Math.sqrt(r.reduce((s, v) => s + v * v, 0) / r.length);
  assert.ok(Math.abs(std - 0.5) < 1e-6);
  assert.throws(() => pcaProject(new Float32Array(6), 3, 4, 1), /fewer than the 4 dimensions/);
});
