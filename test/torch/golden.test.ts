// Engine parity with PyTorch: a small FLAN-rnn and a small HAN-conv, written here directly on the engine's
// ops and layers, given the weights and batch of fixtures made by PyTorch (fixtures/make_engine_fixtures.py,
// from the independent reference/torch_models.py), must give PyTorch's logits, attention, loss, every
// parameter gradient, and the parameters after three clipped Adam steps, to 1e-5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as torch from '../../src/torch/index.ts';
import type { Tensor } from '../../src/torch/index.ts';
import { Conv1d, Embedding, GRU, Linear, Module } from '../../src/nn/index.ts';

interface Fixture {
  inputs: Record<string, { shape: number[]; data: number[] }>;
  target: number[];
  weights: Record<string, { shape: number[]; data: number[] }>;
  logits: number[];
  alpha: number[];
  loss: number;
  grads: Record<string, number[]>;
  /** Parameters after 3 Adam steps (lr 0.01) with clipping at 0.5, from `weights`. */
  after_adam: Record<string, number[]>;
}

const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;
const ids = (x: { shape: number[]; data: number[] }): Tensor => torch.tensor(new Int32Array(x.data), x.shape);

class Attention extends Module {
  proj: Linear;
  context: Tensor;
  constructor(d: number) {
    super();
    this.context = this.param('context', torch.zeros([d]));
    this.proj = this.child('proj', new Linear(d, d));
  }
  /** h (N, T, D), mask (N, T) -> alpha (N, T), s (N, D) */
  forward(h: Tensor, mask: Tensor): { alpha: Tensor; s: Tensor } {
    const alpha = torch.maskedSoftmax(this.proj.forward(h).tanh().matmul(this.context), mask, 1);
    return { alpha, s: alpha.unsqueeze(1).matmul(h).squeeze(1) };
  }
}

class Rnn extends Module {
  gru: GRU;
  constructor(d: number) {
    super();
    this.gru = this.child('gru', new GRU(d, 50, true));
  }
}

class Conv extends Module {
  conv5: Conv1d;
  conv3: Conv1d;
  constructor(d: number) {
    super();
    this.conv5 = this.child('conv5', new Conv1d(d, 50, 5));
    this.conv3 = this.child('conv3', new Conv1d(d, 50, 3));
  }
  /** x (N, T, D) zero at padding -> (N, T, 100) */
  forward(x: Tensor): Tensor {
    const xt = x.transpose(1, 2);
    return torch.cat([this.conv5.forward(xt).relu(), this.conv3.forward(xt).relu()], 1).transpose(1, 2);
  }
}

class FlanRnn extends Module {
  embedding = this.child('embedding', new Embedding(40, 8));
  encoder = this.child('encoder', new Rnn(8));
  attention = this.child('attention', new Attention(100));
  classifier = this.child('classifier', new Linear(100, 4));
  forward(tokens: Tensor, lengths: Tensor): { logits: Tensor; alpha: Tensor } {
    const mask = tokens.ne(0); // (B, L)
    const x = this.embedding.forward(tokens).mul(mask.unsqueeze(-1)); // (B, L, E)
    const h = this.encoder.gru.forward(x, lengths); // (B, L, 100)
    const { alpha, s } = this.attention.forward(h, mask);
    return { logits: this.classifier.forward(s), alpha };
  }
}

class HanConv extends Module {
  embedding = this.child('embedding', new Embedding(40, 8));
  word_encoder = this.child('word_encoder', new Conv(8));
  word_attention = this.child('word_attention', new Attention(100));
  sentence_encoder = this.child('sentence_encoder', new Conv(100));
  sentence_attention = this.child('sentence_attention', new Attention(100));
  classifier = this.child('classifier', new Linear(100, 4));
  forward(tokens: Tensor, sentLengths: Tensor): { logits: Tensor; alpha: Tensor } {
    const [B, S, T] = tokens.shape as [number, number, number];
    const flatLen = sentLengths.reshape([B * S]);
    const realIdx = torch.tensor(
      Int32Array.from(Array.from(flatLen.toInt32Array()).flatMap((n, i) => (n > 0 ? [i] : []))),
    ); // (R)
    const words = tokens.reshape([B * S, T]).indexSelect(0, realIdx); // (R, T)
    const wmask = words.ne(0);
    const x = this.embedding.forward(words).mul(wmask.unsqueeze(-1)); // (R, T, E)
    const { s: sv } = this.word_attention.forward(this.word_encoder.forward(x), wmask); // (R, 100)
    const sents = torch.zeros([B * S, 100]).indexCopy(0, realIdx, sv).reshape([B, S, 100]);
    const smask = sentLengths.gt(0); // (B, S)
    const hs = this.sentence_encoder.forward(sents.mul(smask.unsqueeze(-1))); // (B, S, 100)
    const { alpha, s } = this.sentence_attention.forward(hs, smask);
    return { logits: this.classifier.forward(s), alpha };
  }
}

function assertClose(actual: Float32Array | Float64Array, expected: number[], what: string, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (d > worst) [worst, at] = [d, i];
  }
  assert.ok(worst <= tol, `${what}: max |diff| ${worst} at ${at} (ours ${actual[at]}, PyTorch ${expected[at]})`);
}

function check(model: Module, fx: Fixture, run: () => { logits: Tensor; alpha: Tensor }): void {
  torch.scope(() => {
    const state = new Map(Object.entries(fx.weights).map(([k, w]) => [k, torch.tensor(Float32Array.from(w.data), w.shape)]));
    model.loadStateDict(state, 'fixture');
    model.eval();
    const { logits, alpha } = run();
    const loss = torch.crossEntropy(logits, torch.tensor(Int32Array.from(fx.target)));
    loss.backward();
    assertClose(logits.toFloat32Array(), fx.logits, 'logits');
    assertClose(alpha.toFloat32Array(), fx.alpha, 'attention');
    assert.ok(Math.abs(loss.item() - fx.loss) < 1e-5, `loss ${loss.item()} vs ${fx.loss}`);
    for (const [name, p] of model.namedParameters()) assertClose(p.grad!.toFloat32Array(), fx.grads[name]!, `grad ${name}`);
  });
  // The optimizer and the clipping: three steps from the fixture's weights land where PyTorch's did.
  const params = model.parameters();
  const opt = new torch.Adam(params, { lr: 0.01 });
  for (let i = 0; i < 3; i++) {
    torch.scope(() => {
      opt.zeroGrad();
      torch.crossEntropy(run().logits, torch.tensor(Int32Array.from(fx.target))).backward();
      torch.clipGradNorm(params, 0.5);
      opt.step();
    });
  }
  for (const [name, p] of model.namedParameters()) assertClose(p.toFloat32Array(), fx.after_adam[name]!, `after Adam: ${name}`);
  opt.dispose();
  model.dispose();
}

test('FLAN-rnn on the engine equals PyTorch (logits, attention, loss, all gradients)', () => {
  const fx = load('flan-rnn');
  const m = new FlanRnn();
  assert.deepEqual([...m.namedParameters().keys()].sort(), Object.keys(fx.weights).sort());
  check(m, fx, () => m.forward(ids(fx.inputs.tokens!), ids(fx.inputs.lengths!)));
});

test('HAN-conv on the engine equals PyTorch (logits, attention, loss, all gradients)', () => {
  const fx = load('han-conv');
  const m = new HanConv();
  assert.deepEqual([...m.namedParameters().keys()].sort(), Object.keys(fx.weights).sort());
  check(m, fx, () => m.forward(ids(fx.inputs.tokens!), ids(fx.inputs.sent_lengths!)));
});
