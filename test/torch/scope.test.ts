// Deterministic memory: scopes free what they made, keep what is returned or kept, and a training loop's
// live-tensor count stays flat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { Embedding, GRU, Linear } from '../../src/nn/index.ts';

test('a scope disposes what it made and returns what fn returns (into the parent scope)', () => {
  const before = torch.liveTensors();
  let inner: torch.Tensor | undefined;
  const out = torch.scope(() => {
    const a = torch.ones([3]);
    const r = torch.scope(() => {
      inner = a.mul(2);
      return { doubled: inner, list: [a.add(1)] };
    });
    assert.equal(inner!.disposed, false);
    return r.doubled.sum();
  });
  assert.equal(out.item(), 6);
  assert.equal(inner!.disposed, true, 'the outer scope disposed what the inner one returned');
  assert.equal(torch.liveTensors(), before + 1);
  out.dispose();
  assert.equal(torch.liveTensors(), before);
});

test('keep() exempts a tensor from every scope; a throw still frees the scope', () => {
  const before = torch.liveTensors();
  let kept: torch.Tensor | undefined;
  assert.throws(() =>
    torch.scope(() => {
      kept = torch.keep(torch.ones([2]));
      torch.zeros([5]);
      throw new Error('boom');
    }),
  );
  assert.equal(torch.scopeDepth(), 0);
  assert.equal(kept!.disposed, false);
  assert.equal(torch.liveTensors(), before + 1);
  kept!.dispose();
  assert.equal(torch.liveTensors(), before);
});

test('noGrad restores the grad mode, also when fn throws', () => {
  assert.equal(torch.isGradEnabled(), true);
  assert.throws(() =>
    torch.noGrad(() => {
      assert.equal(torch.isGradEnabled(), false);
      throw new Error('x');
    }),
  );
  assert.equal(torch.isGradEnabled(), true);
});

test('2,000 training steps of a small GRU classifier inside scopes leave the live-tensor count unchanged', () => {
  torch.manualSeed(1);
  const emb = new Embedding(30, 8);
  const gru = new GRU(8, 6, true);
  const out = new Linear(12, 3);
  const params = [...emb.parameters(), ...gru.parameters(), ...out.parameters()];
  const opt = new torch.Adam(params, { lr: 0.01 });
  const ids = torch.keep(torch.tensor(new Int32Array([1, 5, 7, 2, 9, 0, 3, 3, 4, 0, 0, 0]), [3, 4]));
  const lengths = torch.keep(torch.tensor(new Int32Array([4, 3, 1])));
  const target = torch.keep(torch.tensor(new Int32Array([0, 2, 1])));
  const step = (): number =>
    torch.scope(() => {
      opt.zeroGrad();
      const h = gru.forward(emb.forward(ids), lengths); // (3, 4, 12)
      const loss = torch.crossEntropy(out.forward(h.sum(1)), target);
      loss.backward();
      torch.clipGradNorm(params, 10);
      opt.step();
      return loss.item();
    });
  const first = step();
  const live = torch.liveTensors();
  let last = first;
  for (let i = 1; i < 2000; i++) last = step();
  assert.equal(torch.liveTensors(), live);
  assert.ok(last < first / 10, `the loss should fall (first ${first}, last ${last})`);
  for (const t of [ids, lengths, target]) t.dispose();
  opt.dispose();
  for (const m of [emb, gru, out]) m.dispose();
});
