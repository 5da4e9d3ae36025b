// The frozen-attention diagnostic (Wiegreffe & Pinter 2019, §4; docs/faithfulness.md): the trained model's
// word weights (FLAN: its attention; HAN: β·α, checked against a sentence-by-sentence computation), frozen
// weights that never train, uniform = 1/n, and MLPs that learn a separable toy set; the bag-of-words forward
// the training uses gives the per-position forward's logits and gradients (given, uniform and learned weights).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { buildModel, flanBatch, makeBatch, type Arch, type Han, type ModelConfig } from '../../src/models/index.ts';
import { batchWeights, DiagnosticMlp, DIAGNOSTIC_DEFAULTS, trainDiagnostic, trainedWordWeights, wordBags } from '../../src/train/attention-diagnostic.ts';
import { syntheticData } from './synthetic.ts';

const config = (arch: Arch, vocab: number): ModelConfig => ({
  arch,
  vocab,
  classes: 3,
  emb: 8,
  encoderSize: 4,
  dropout: { word: 0, sentence: 0, encoder: 0, classifier: 0 },
});

test('FLAN: the trained word weights are its attention, document by document', () => {
  const data = syntheticData({ train: 20 });
  torch.manualSeed(3);
  const model = buildModel(config('flan-rnn', data.vocab.length));
  try {
    const docs = data.train;
    const w = trainedWordWeights(model, docs, 7);
    model.eval();
    docs.forEach((d, i) => {
      const alone = torch.noGrad(() => torch.scope(() => model.forward(makeBatch('flan', [d])).alpha.toFloat32Array()));
      assert.equal(w[i]!.length, alone.length);
      alone.forEach((a, k) => assert.ok(Math.abs(a - w[i]![k]!) < 1e-5, `doc ${i} word ${k}: ${w[i]![k]} vs ${a}`));
    });
  } finally {
    model.dispose();
  }
});

test('HAN: the trained word weights are sentence weight x word weight, summing to 1 per document', () => {
  const data = syntheticData({ train: 24 });
  torch.manualSeed(4);
  const model = buildModel(config('han-noenc', data.vocab.length)) as Han;
  try {
    const docs = data.train;
    const w = trainedWordWeights(model, docs, 8); // batched, sentences grouped by length
    model.eval();
    docs.forEach((d, i) => {
      const expected = torch.noGrad(() =>
        torch.scope(() => {
          const beta = model.forward(makeBatch('han', [d])).alpha.toFloat32Array(); // (1, S)
          const out: number[] = [];
          d.sentences.forEach((s, j) => {
            // noenc: the word attention reads the embeddings of the sentence alone.
            const e = model.embedding.forward(torch.tensor(s, [1, s.length])); // (1, T, E)
            const a = model.wordAttention.forward(e, torch.ones([1, s.length]).gt(0)).alpha.toFloat32Array();
            for (const x of a) out.push(beta[j]! * x);
          });
          return out;
        }),
      );
      assert.equal(w[i]!.length, expected.length);
      const sum = w[i]!.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `doc ${i} sums to ${sum}`);
      expected.forEach((x, k) => assert.ok(Math.abs(x - w[i]![k]!) < 1e-5, `doc ${i} word ${k}: ${w[i]![k]} vs ${x}`));
    });
  } finally {
    model.dispose();
  }
});

test('uniform weights are exactly 1/n on the real words and 0 on padding; given weights are placed as given', () => {
  const docs = [{ sentences: [Int32Array.from([3, 4, 5])] }, { sentences: [Int32Array.from([6]), Int32Array.from([7, 8, 9, 10, 11, 12])] }];
  torch.scope(() => {
    const u = batchWeights(docs, null, 7).toFloat32Array();
    assert.deepEqual(Array.from(u), [1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0, 1 / 7, 1 / 7, 1 / 7, 1 / 7, 1 / 7, 1 / 7, 1 / 7].map(Math.fround));
    const given = [Float32Array.from([0.5, 0.25, 0.25]), Float32Array.from([1, 0, 0, 0, 0, 0, 0])];
    assert.deepEqual(Array.from(batchWeights(docs, given, 7).toFloat32Array()), [0.5, 0.25, 0.25, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });
});

test('the frozen weights are really frozen: no gradient reaches the base model, its table or the weights, and none of them change', () => {
  const data = syntheticData({ train: 60, dev: 20, test: 20 });
  torch.manualSeed(5);
  const model = buildModel(config('flan-noenc', data.vocab.length));
  const table = torch.keep(model.embedding.weight.detach().clone());
  try {
    const weights = { train: trainedWordWeights(model, data.train), dev: trainedWordWeights(model, data.dev), test: trainedWordWeights(model, data.test) };
    const before = {
      params: model.parameters().map((p) => p.toFloat32Array()),
      table: table.toFloat32Array(),
      weights: weights.train.map((w) => Float32Array.from(w)),
    };
    const r = trainDiagnostic('trained', table, 3, data, weights, { ...DIAGNOSTIC_DEFAULTS, epochs: 2, hidden: 8 });
    assert.equal(r.history.length, 2);
    model.parameters().forEach((p, i) => {
      assert.equal(p.grad, null, `base parameter ${i} got a gradient`);
      assert.deepEqual(p.toFloat32Array(), before.params[i], `base parameter ${i} changed`);
    });
    assert.equal(table.requiresGrad, false);
    assert.deepEqual(table.toFloat32Array(), before.table);
    weights.train.forEach((w, i) => assert.deepEqual(w, before.weights[i]));
    // Given weights: the MLP has no attention parameters to learn with; the table is refused if it could learn.
    const mlp = new DiagnosticMlp(table, 8, 3, false);
    assert.deepEqual([...mlp.namedParameters().keys()], ['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']);
    mlp.dispose();
    torch.scope(() => {
      const learnable = table.clone().requiresGrad_(true);
      assert.throws(() => new DiagnosticMlp(learnable, 8, 3, false), /frozen/);
    });
    // And in one step: the gradient reaches the MLP, not the weights tensor it is given (made without grad).
    torch.scope(() => {
      const m = new DiagnosticMlp(table, 8, 3, false);
      const docs = data.train.slice(0, 5);
      const { tokens } = flanBatch(docs);
      const w = batchWeights(docs, weights.train.slice(0, 5), tokens.shape[1]!);
      torch.crossEntropy(m.forward(tokens, w).logits, torch.tensor(Int32Array.from(docs, (d) => d.label))).backward();
      assert.equal(w.requiresGrad, false);
      assert.equal(w.grad, null);
      assert.ok(m.hidden.weight.grad !== null && m.hidden.weight.grad.norm().item() > 0);
      m.dispose();
    });
  } finally {
    table.dispose();
    model.dispose();
  }
});

test('each diagnostic MLP learns a separable toy set (cue words per class) well above the majority share', () => {
  const data = syntheticData({ train: 240, dev: 60, test: 90, seed: 9 });
  torch.manualSeed(6);
  const table = torch.keep(torch.randn([data.vocab.length, 16]));
  const model = buildModel(config('flan-noenc', data.vocab.length));
  try {
    const weights = { train: trainedWordWeights(model, data.train), dev: trainedWordWeights(model, data.dev), test: trainedWordWeights(model, data.test) };
    const counts = [0, 0, 0];
    for (const d of data.test) counts[d.label]!++;
    const majority = Math.max(...counts) / data.test.length;
    for (const variant of ['trained', 'uniform', 'learned'] as const) {
      const r = trainDiagnostic(variant, table, 3, data, weights, { ...DIAGNOSTIC_DEFAULTS, epochs: 12, hidden: 16, lr: 0.01, batchSize: 16 });
      assert.ok(r.testAccuracy > 0.8 && r.testAccuracy > majority + 0.3, `${variant}: test ${r.testAccuracy} (majority ${majority})`);
      assert.equal(r.testCorrect, Math.round(r.testAccuracy * data.test.length));
    }
  } finally {
    model.dispose();
    table.dispose();
  }
});

test('bag-of-words forward = per-position forward: logits and every parameter gradient (given, uniform, learned; repeated words)', () => {
  const data = syntheticData({ train: 12, seed: 4 });
  torch.manualSeed(8);
  const table = torch.keep(torch.randn([data.vocab.length, 6]));
  const model = buildModel(config('flan-noenc', data.vocab.length));
  try {
    const docs = data.train.slice(0, 7);
    assert.ok(docs.some((d) => { const ids = d.sentences.flatMap((x) => [...x]); return new Set(ids).size < ids.length; }), 'some document repeats a word');
    const given = trainedWordWeights(model, docs);
    for (const variant of ['trained', 'uniform', 'learned'] as const) {
      torch.manualSeed(3);
      const mlp = new DiagnosticMlp(table, 5, 3, variant === 'learned');
      try {
        const weights = variant === 'trained' ? given : null;
        const run = (bag: boolean): { logits: Float32Array; grads: Float32Array[] } =>
          torch.scope(() => {
            torch.zeroGrad(mlp.parameters());
            const { tokens } = flanBatch(docs);
            const out = bag
              ? mlp.forwardBag(wordBags(docs, weights, variant === 'learned'))
              : mlp.forward(tokens, variant === 'learned' ? null : batchWeights(docs, weights, tokens.shape[1]!));
            torch.crossEntropy(out.logits, torch.tensor(Int32Array.from(docs, (d) => d.label))).backward();
            return { logits: out.logits.toFloat32Array(), grads: mlp.parameters().map((p) => p.grad!.toFloat32Array()) };
          });
        const ref = run(false);
        const bag = run(true);
        const close = (a: Float32Array, b: Float32Array, what: string) =>
          a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= 1e-5 * (1 + Math.abs(b[i]!)), `${variant} ${what}[${i}]: bag ${x}, per position ${b[i]}`));
        close(bag.logits, ref.logits, 'logits');
        assert.equal(bag.grads.length, ref.grads.length);
        bag.grads.forEach((g, k) => close(g, ref.grads[k]!, `gradient ${k}`));
      } finally {
        mlp.dispose();
      }
    }
  } finally {
    model.dispose();
    table.dispose();
  }
});
