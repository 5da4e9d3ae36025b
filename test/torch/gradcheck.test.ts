// Every differentiable op the models and their training use, checked against finite differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import type { Tensor } from '../../src/torch/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { gradcheck, randomData } from './gradcheck.ts';

const rng = new Rng(42);
const inp = (shape: number[], scale = 1, shift = 0) => ({
  data: randomData(shape.reduce((a, b) => a * b, 1), rng, scale).map((v) => v + shift),
  shape,
});
const i64 = (vals: number[], shape = [vals.length]) => torch.tensor(new Int32Array(vals), shape);
const mask = (vals: number[], shape: number[]) => torch.tensor(Uint8Array.from(vals), shape, { dtype: 'bool' });

type Case = [name: string, f: (x: Tensor[]) => Tensor, inputs: ReturnType<typeof inp>[]];

const cases: Case[] = [
  ['add (broadcast)', ([a, b]) => a!.add(b!), [inp([3, 4]), inp([4])]],
  ['sub (broadcast)', ([a, b]) => a!.sub(b!), [inp([3, 4]), inp([3, 1])]],
  ['mul (broadcast)', ([a, b]) => a!.mul(b!), [inp([2, 3, 4]), inp([3, 4])]],
  ['div', ([a, b]) => a!.div(b!), [inp([3, 4]), inp([3, 4], 0.3, 2)]],
  ['scalar add/mul/div/rsub', ([a]) => a!.add(2).mul(-1.5).div(3).rsub(1), [inp([5])]],
  ['pow', ([a]) => a!.pow(3), [inp([5])]],
  ['neg', ([a]) => a!.neg(), [inp([5])]],
  ['matmul 2d', ([a, b]) => a!.matmul(b!), [inp([3, 4]), inp([4, 2])]],
  ['matmul batched', ([a, b]) => a!.matmul(b!), [inp([2, 3, 4]), inp([2, 4, 5])]],
  ['matmul vector', ([a, b]) => a!.matmul(b!), [inp([2, 3, 4]), inp([4])]],
  ['linear', ([x, w, b]) => torch.linear(x!, w!, b), [inp([2, 3, 4]), inp([5, 4]), inp([5])]],
  ['tanh', ([a]) => a!.tanh(), [inp([6])]],
  ['sigmoid', ([a]) => a!.sigmoid(), [inp([6])]],
  ['relu', ([a]) => a!.relu(), [inp([6], 1, 0.05)]],
  ['exp', ([a]) => a!.exp(), [inp([6])]],
  ['log', ([a]) => a!.log(), [inp([6], 0.2, 2)]],
  ['sqrt', ([a]) => a!.sqrt(), [inp([6], 0.2, 2)]],
  ['sum all', ([a]) => a!.sum(), [inp([3, 4])]],
  ['sum dims keepdim', ([a]) => a!.sum([0, 2], true), [inp([2, 3, 4])]],
  ['mean', ([a]) => a!.mean(1), [inp([3, 4])]],
  ['amax', ([a]) => a!.amax(1), [inp([3, 4])]],
  ['max values', ([a]) => a!.max(1).values, [inp([3, 4])]],
  ['norm', ([a]) => a!.norm(), [inp([3, 4])]],
  ['softmax', ([a]) => a!.softmax(-1), [inp([3, 5])]],
  ['log_softmax', ([a]) => a!.logSoftmax(1), [inp([3, 5])]],
  ['masked_fill', ([a]) => a!.maskedFill(mask([1, 0, 0, 1, 0, 1], [2, 3]), 7), [inp([2, 3])]],
  ['masked softmax', ([a]) => torch.maskedSoftmax(a!, mask([1, 1, 0, 1, 1, 1], [2, 3]), 1), [inp([2, 3])]],
  ['where', ([a, b]) => torch.where(mask([1, 0, 1, 0], [4]), a!, b!), [inp([4]), inp([4])]],
  ['embedding (no padding row)', ([w]) => torch.embedding(w!, i64([1, 3, 0, 3, 2], [5])), [inp([4, 3])]],
  ['conv1d same', ([x, w, b]) => torch.conv1d(x!, w!, b!, 1, 2), [inp([2, 3, 7]), inp([4, 3, 5]), inp([4])]],
  ['dropout eval is identity', ([x]) => torch.dropout(x!, 0.5, false), [inp([5])]],
  ['cross_entropy', ([l]) => torch.crossEntropy(l!, i64([2, 0, 1])), [inp([3, 4])]],
  ['cross_entropy sum', ([l]) => torch.crossEntropy(l!, i64([3, 1]), 'sum'), [inp([2, 4])]],
  ['cat', ([a, b]) => torch.cat([a!, b!], 1), [inp([2, 3]), inp([2, 2])]],
  ['stack', ([a, b]) => torch.stack([a!, b!], 0), [inp([2, 3]), inp([2, 3])]],
  ['reshape/transpose/permute', ([a]) => a!.reshape([3, 2, 4]).transpose(0, 2).permute([1, 0, 2]), [inp([6, 4])]],
  ['unsqueeze/squeeze/expand', ([a]) => a!.unsqueeze(1).expand([3, 2, 4]).squeeze(0), [inp([3, 4])]],
  ['narrow/select', ([a]) => a!.narrow(1, 1, 2).select(0, 2), [inp([3, 4])]],
  ['index_select', ([a]) => a!.indexSelect(0, i64([2, 0, 2])), [inp([3, 4])]],
  ['index_copy', ([a, s]) => a!.indexCopy(0, i64([2, 0]), s!), [inp([3, 4]), inp([2, 4])]],
  ['gather', ([a]) => a!.gather(1, i64([0, 2, 1, 1], [2, 2])), [inp([2, 3])]],
  ['gelu (exact erf)', ([a]) => a!.gelu(), [inp([7], 2)]],
  ['layer_norm', ([x, w, b]) => torch.layerNorm(x!, [5], w!, b!, 1e-12), [inp([2, 3, 5]), inp([5]), inp([5])]],
  ['layer_norm no affine', ([x]) => torch.layerNorm(x!, [4], null, null, 1e-5), [inp([3, 4])]],
  ['split', ([a]) => a!.split([1, 3], 1)[1]!, [inp([2, 4])]],
  ['clamp', ([a]) => a!.clamp(-0.5, 0.5), [inp([8], 1)]],
];

for (const [name, f, inputs] of cases) {
  test(`gradcheck: ${name}`, () => {
    const r = gradcheck(f, inputs);
    assert.ok(r.maxRelErr < 1e-6, `${name}: max relative error ${r.maxRelErr} (${r.worst})`);
  });
}

test('gradcheck: GRU over a padded batch (both directions, all weights)', () => {
  const D = 3;
  const H = 2;
  const lengths = i64([4, 2, 3]);
  const shapes = [[3 * H, D], [3 * H, H], [3 * H], [3 * H]];
  const weights = [...shapes, ...shapes].map((s) => inp(s, 0.5));
  const r = gradcheck(
    ([x, ...w]) => torch.gru(x!, lengths, { weights: w, bidirectional: true }, false).output,
    [inp([3, 4, D]), ...weights],
  );
  assert.ok(r.maxRelErr < 1e-6, `gru: ${r.maxRelErr} (${r.worst})`);
});

test('gradcheck: additive attention block (tanh projection, context, masked softmax, weighted sum)', () => {
  const m = mask([1, 1, 1, 0, 1, 1, 0, 0], [2, 4]);
  const r = gradcheck(
    ([h, w, b, c]) => {
      const scores = torch.linear(h!, w!, b).tanh().matmul(c!); // (2, 4)
      const alpha = torch.maskedSoftmax(scores, m, 1); // (2, 4)
      return alpha.unsqueeze(1).matmul(h!).squeeze(1); // (2, 3)
    },
    [inp([2, 4, 3]), inp([3, 3]), inp([3]), inp([3])],
  );
  assert.ok(r.maxRelErr < 1e-6, `attention: ${r.maxRelErr} (${r.worst})`);
});

test('embedding: the padding row gets no gradient, the others get exact counts', () => {
  torch.scope(() => {
    const w = torch.randn([4, 3], { dtype: 'float64', requiresGrad: true });
    torch.embedding(w, i64([1, 3, 0, 3, 0], [5]), 0).sum().backward();
    assert.deepEqual(Array.from(w.grad!.toFloat64Array()), [0, 0, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2]);
  });
});

test('gradcheck catches a wrong gradient (the checker can fail)', () => {
  // detach() cuts the gradient of the second factor: autograd then disagrees with finite differences.
  const r = gradcheck(([a]) => a!.mul(a!.detach()), [inp([4])]);
  assert.ok(r.maxRelErr > 1e-2, `expected a mismatch, got ${r.maxRelErr}`);
});
