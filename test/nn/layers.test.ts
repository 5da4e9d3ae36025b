// nn: PyTorch's parameter names and shapes, the docs/method.md §1 initialisers, state dicts and safetensors files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { Conv1d, Embedding, GRU, Linear, Module, loadSafetensors, saveSafetensors } from '../../src/nn/index.ts';

class Pair extends Module {
  a = this.child('a', new Linear(4, 3));
  g = this.child('g', new GRU(3, 2, true));
}

test('parameter names and shapes follow PyTorch', () => {
  const m = new Pair();
  const shapes = Object.fromEntries([...m.namedParameters()].map(([k, t]) => [k, t.shape]));
  assert.deepEqual(shapes, {
    'a.weight': [3, 4],
    'a.bias': [3],
    'g.weight_ih_l0': [6, 3],
    'g.weight_hh_l0': [6, 2],
    'g.bias_ih_l0': [6],
    'g.bias_hh_l0': [6],
    'g.weight_ih_l0_reverse': [6, 3],
    'g.weight_hh_l0_reverse': [6, 2],
    'g.bias_ih_l0_reverse': [6],
    'g.bias_hh_l0_reverse': [6],
  });
  assert.ok(m.parameters().every((p) => p.requiresGrad));
  m.dispose();
});

test('initialisers: Xavier bound, orthogonal recurrent blocks, zero biases, zero padding row', () => {
  torch.manualSeed(3);
  const lin = new Linear(300, 200);
  const w = lin.weight.toFloat64Array();
  const bound = Math.sqrt(6 / 500);
  assert.ok(w.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...w.map(Math.abs)) > 0.95 * bound, 'uses the whole Xavier range');
  assert.ok(lin.bias!.toFloat64Array().every((v) => v === 0));
  const gru = new GRU(5, 4, false);
  const whh = gru.namedParameters().get('weight_hh_l0')!;
  torch.scope(() => {
    for (let g = 0; g < 3; g++) {
      const q = whh.narrow(0, g * 4, 4);
      const qqt = q.matmul(q.transpose(0, 1)).toFloat64Array(); // (4, 4) = I
      qqt.forEach((v, i) => assert.ok(Math.abs(v - (i % 5 === 0 ? 1 : 0)) < 1e-5, `block ${g}: Q Q^T[${i}] = ${v}`));
    }
  });
  const emb = new Embedding(10, 3, 0);
  assert.deepEqual(Array.from(emb.weight.toFloat32Array().subarray(0, 3)), [0, 0, 0]);
  assert.throws(() => new Conv1d(3, 2, 4), /odd kernel size/);
  for (const m of [lin, gru, emb]) m.dispose();
});

test('safetensors round trip keeps names, dtypes, shapes, values and metadata', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-st-'));
  const path = join(dir, 'w.safetensors');
  torch.scope(() => {
    const m = new Map([
      ['x', torch.randn([3, 5])],
      ['ids', torch.tensor(new Int32Array([4, -2, 7]))],
      ['d', torch.tensor(new Float64Array([Math.PI]), [1], { dtype: 'float64' })],
    ]);
    saveSafetensors(path, m, { epoch: '3' });
    const back = loadSafetensors(path);
    assert.deepEqual(back.metadata, { epoch: '3' });
    for (const [k, t] of m) {
      const u = back.tensors.get(k)!;
      assert.equal(u.dtype, t.dtype);
      assert.deepEqual(u.shape, t.shape);
      assert.deepEqual(Array.from(u.toFloat64Array()), Array.from(t.toFloat64Array()));
    }
  });
});

test('damaged safetensors files and mismatched state dicts fail with what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-st-'));
  const short = join(dir, 'short.safetensors');
  writeFileSync(short, Buffer.from([1, 2, 3]));
  assert.throws(() => loadSafetensors(short), /short\.safetensors: not a valid safetensors file \(shorter than/);
  const lying = join(dir, 'lying.safetensors');
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(1000n);
  writeFileSync(lying, Buffer.concat([head, Buffer.from('{}')]));
  assert.throws(() => loadSafetensors(lying), /header length 1000 runs past the end/);

  const m = new Linear(2, 3);
  torch.scope(() => {
    assert.throws(() => m.loadStateDict(new Map([['weight', torch.zeros([3, 2])]]), 'ckpt'), /ckpt does not match the model: missing bias/);
    assert.throws(
      () => m.loadStateDict(new Map([['weight', torch.zeros([2, 3])], ['bias', torch.zeros([3])]]), 'ckpt'),
      /'weight' has shape \[2,3\] but the model expects \[3,2\]/,
    );
  });
  m.dispose();
});

test('Module.to moves parameters in place (cpu here; cuda where the build has it)', () => {
  const m = new Linear(2, 2);
  const before = m.weight;
  m.to('cpu');
  assert.equal(m.weight, before);
  assert.equal(m.weight.device, 'cpu');
  if (torch.cudaDeviceCount() > 0) {
    m.to('cuda');
    assert.equal(m.weight.device, 'cuda:0');
    assert.equal(m.weight.requiresGrad, true);
  }
  m.dispose();
});

test('dropout: identity in eval, inverted scaling in training', () => {
  torch.scope(() => {
    const x = torch.ones([10000]);
    const kept = torch.dropout(x, 0.25, true).toFloat32Array();
    const nonzero = kept.filter((v) => v !== 0);
    assert.ok(nonzero.every((v) => Math.abs(v - 1 / 0.75) < 1e-6));
    assert.ok(Math.abs(nonzero.length / 10000 - 0.75) < 0.03);
    assert.deepEqual(Array.from(torch.dropout(x, 0.25, false).toFloat32Array().subarray(0, 3)), [1, 1, 1]);
  });
});
