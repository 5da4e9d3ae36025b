// sparsemax and entmax-1.5 attention (src/models/sparse-attention.ts): outputs and gradients against the
// committed PyTorch reference (fixtures/make_sparse_fixtures.py -> fixtures/sparse.json), finite differences,
// exact zeros at padding and outside the support, every architecture, and the settings' plumbing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as torch from '../../src/torch/index.ts';
import type { Tensor } from '../../src/torch/index.ts';
import { ARCHS, buildModel, makeBatch, maskedEntmax15, maskedSparsemax, splitArch, type TokenDoc } from '../../src/models/index.ts';
import { normalise } from '../../src/models/sparse-attention.ts';
import { checkPartial, mergeConfig, modelConfigOf, parseFlagValue, preset } from '../../src/train/index.ts';
import { gradcheck, randomData } from '../torch/gradcheck.ts';
import { Rng } from '../../src/util/rng.ts';

interface Ref {
  output: number[];
  grad: number[];
}
interface Case {
  name: string;
  shape: [number, number];
  lengths: number[];
  scores: number[];
  weights: number[];
  sparsemax: Ref;
  entmax15: Ref;
}
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/sparse.json', import.meta.url), 'utf8')) as { cases: Case[] };
const FNS = { sparsemax: maskedSparsemax, entmax15: maskedEntmax15 } as const;

function maskOf(lengths: number[], T: number): Tensor {
  const m = new Uint8Array(lengths.length * T);
  lengths.forEach((n, i) => m.fill(1, i * T, i * T + n));
  return torch.tensor(m, [lengths.length, T], { dtype: 'bool' });
}

for (const kind of ['sparsemax', 'entmax15'] as const) {
  for (const c of FIXTURE.cases) {
    test(`${kind} matches the PyTorch reference (${c.name}): outputs and gradients to 1e-9`, () => {
      torch.scope(() => {
        const [N, T] = c.shape;
        const z = torch.tensor(Float64Array.from(c.scores), [N, T], { dtype: 'float64', requiresGrad: true });
        const p = FNS[kind](z, maskOf(c.lengths, T)); // (N, T)
        p.mul(torch.tensor(Float64Array.from(c.weights), [N, T], { dtype: 'float64' })).sum().backward();
        const out = p.toFloat64Array();
        const grad = z.grad!.toFloat64Array();
        const ref = c[kind];
        for (let i = 0; i < N * T; i++) {
          assert.ok(Math.abs(out[i]! - ref.output[i]!) < 1e-9, `output ${i}: ${out[i]} vs ${ref.output[i]}`);
          assert.ok(Math.abs(grad[i]! - ref.grad[i]!) < 1e-9, `grad ${i}: ${grad[i]} vs ${ref.grad[i]}`);
          // Zeros are exact where the reference has them (padding and outside the support).
          if (ref.output[i] === 0) assert.equal(out[i], 0, `output ${i} must be exactly 0`);
        }
      });
    });
  }

  test(`${kind}: autograd agrees with finite differences (masked rows)`, () => {
    const rng = new Rng(5);
    const lengths = [6, 4, 1];
    const mask = maskOf(lengths, 6);
    const r = gradcheck((xs) => FNS[kind](xs[0]!, mask), [{ data: randomData(18, rng, 1.5), shape: [3, 6] }]);
    assert.ok(r.maxRelErr < 1e-6, `${kind}: max relative error ${r.maxRelErr} (${r.worst})`);
    mask.dispose();
  });
}

test('sparsemax gives exact zeros: padding and items below the threshold, rows sum to 1', () => {
  torch.scope(() => {
    const z = torch.tensor(Float64Array.from([3, 1, 2.5, -1, 7, 7, 9, 8.9, 0.2, 0, 0, 0]), [2, 6], { dtype: 'float64' });
    const p = maskedSparsemax(z, maskOf([4, 3], 6)).toFloat64Array();
    // Row 0: support {0, 2}, tau = (3 + 2.5 - 1) / 2 = 2.25 -> [0.75, 0, 0.25, 0]; padding (the 7s) 0.
    assert.deepEqual(Array.from(p.subarray(0, 6)), [0.75, 0, 0.25, 0, 0, 0]);
    // Row 1: support {0, 1}, tau = (9 + 8.9 - 1) / 2 = 8.45 -> [0.55, 0.45, 0].
    assert.ok(Math.abs(p[6]! - 0.55) < 1e-12 && Math.abs(p[7]! - 0.45) < 1e-12, `row 1: ${Array.from(p.subarray(6, 8))}`);
    assert.deepEqual(Array.from(p.subarray(8, 12)), [0, 0, 0, 0]);
  });
});

test("normalise('softmax') is torch.maskedSoftmax, bit for bit", () => {
  torch.scope(() => {
    const z = torch.tensor(randomData(12, new Rng(3)), [3, 4], { dtype: 'float32' });
    const mask = maskOf([4, 2, 3], 4);
    assert.deepEqual(normalise('softmax', z, mask).toFloat32Array(), torch.maskedSoftmax(z, mask, 1).toFloat32Array());
  });
});

const VOCAB = 30;
function docs(rng: Rng): TokenDoc[] {
  return [4, 1, 3].map((c) => ({
    sentences: Array.from({ length: c }, () => Int32Array.from({ length: 1 + rng.int(8) }, () => 1 + rng.int(VOCAB - 1))),
  }));
}

for (const arch of ARCHS) {
  for (const attentionKind of ['sparsemax', 'entmax15'] as const) {
    test(`${arch} with ${attentionKind}: final attention sums to 1, exactly 0 at padding, sparse when peaked`, () => {
      torch.manualSeed(3);
      torch.scope(() => {
        const model = buildModel({ arch, vocab: VOCAB, classes: 3, emb: 8, encoderSize: 5, dropout: { word: 0, sentence: 0, encoder: 0, classifier: 0 }, attentionKind });
        model.eval();
        // A large context vector makes the scores spread out, so the support is a strict subset.
        torch.noGrad(() => {
          for (const [name, p] of model.namedParameters()) if (name.endsWith('context')) p.copy_(p.mul(200));
        });
        torch.noGrad(() => {
          const out = model.forward(makeBatch(splitArch(arch).family, docs(new Rng(8))));
          const [B, n] = out.alpha.shape as [number, number];
          const a = out.alpha.toFloat64Array();
          const m = out.mask.toFloat64Array();
          let zerosAtReal = 0;
          for (let b = 0; b < B; b++) {
            let sum = 0;
            for (let i = 0; i < n; i++) {
              const v = a[b * n + i]!;
              if (m[b * n + i] === 0) assert.equal(v, 0, `padding ${b},${i} must be exactly 0`);
              else if (v === 0) zerosAtReal++;
              assert.ok(v >= 0);
              sum += v;
            }
            assert.ok(Math.abs(sum - 1) < 1e-5, `row ${b} sums to ${sum}`);
          }
          assert.ok(zerosAtReal > 0, 'a peaked sparse attention has exact zeros at real items');
        });
      });
    });
  }
}

test('attentionKind: default softmax leaves configurations unchanged; bad values are one clear line', () => {
  const base = preset('imdb', 'flan-rnn', 'demo');
  const soft = mergeConfig(base, { source: 'flags', values: checkPartial({ attentionKind: parseFlagValue('attentionKind', 'softmax') }, 'flags') });
  assert.deepEqual(soft, base, "an explicit 'softmax' is dropped: configs and checkpoints are what they were");
  assert.deepEqual(modelConfigOf(soft, 10, 2), modelConfigOf(base, 10, 2));
  assert.equal('attentionKind' in modelConfigOf(base, 10, 2), false);
  const sparse = mergeConfig(base, { source: 'flags', values: checkPartial({ attentionKind: 'sparsemax' }, 'flags') });
  assert.equal(modelConfigOf(sparse, 10, 2).attentionKind, 'sparsemax');
  assert.throws(() => checkPartial({ attentionKind: 'relu' }, 'flags'), /flags: 'attentionKind' must be one of softmax, sparsemax, entmax15, uniform, got "relu"/);
});
