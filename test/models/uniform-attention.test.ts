// Uniform attention (Wiegreffe & Pinter 2019's baseline; src/models/sparse-attention.ts maskedUniform):
// alpha is exactly 1/n over the real items and 0 at padding in every architecture, and training gets no
// gradient into the attention scorer (its weights stay where initialisation put them) while the rest learns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { ARCHS, buildModel, makeBatch, splitArch, type TokenDoc } from '../../src/models/index.ts';
import { trainStep } from '../../src/train/trainer.ts';
import { Rng } from '../../src/util/rng.ts';

const VOCAB = 30;

function docs(rng: Rng): TokenDoc[] {
  return [4, 1, 3].map((c) => ({
    sentences: Array.from({ length: c }, () => Int32Array.from({ length: 1 + rng.int(8) }, () => 1 + rng.int(VOCAB - 1))),
  }));
}

for (const arch of ARCHS) {
  test(`${arch} with uniform attention: alpha is exactly 1/n at the real items, 0 at padding; no gradient reaches the scorer`, () => {
    torch.manualSeed(4);
    torch.scope(() => {
      const model = buildModel({ arch, vocab: VOCAB, classes: 3, emb: 8, encoderSize: 5, dropout: { word: 0, sentence: 0, encoder: 0, classifier: 0 }, attentionKind: 'uniform' });
      const family = splitArch(arch).family;
      const batch = makeBatch(family, docs(new Rng(9)));
      torch.noGrad(() => {
        model.eval();
        const out = model.forward(batch);
        const [B, n] = out.alpha.shape as [number, number];
        const a = out.alpha.toFloat32Array();
        const m = out.mask.toFloat64Array();
        for (let b = 0; b < B; b++) {
          let real = 0;
          for (let i = 0; i < n; i++) real += m[b * n + i]!;
          assert.ok(real >= 1);
          for (let i = 0; i < n; i++) {
            // float32's correctly rounded 1/n, bit for bit.
            const want = m[b * n + i] === 1 ? Math.fround(1 / real) : 0;
            assert.equal(a[b * n + i], want, `row ${b} item ${i} of ${real}`);
          }
        }
      });
      model.train();
      const params = model.namedParameters();
      const scorer = [...params.keys()].filter((k) => /attention\.(proj\.(weight|bias)|context)$/.test(k));
      assert.equal(scorer.length, family === 'han' ? 6 : 3, `scorer parameters: ${scorer.join(', ')}`);
      const before = new Map([...params].map(([k, p]) => [k, p.toFloat64Array()]));
      const opt = new torch.Adam([...params.values()], { lr: 0.05 });
      try {
        for (let step = 0; step < 3; step++) torch.scope(() => trainStep(model, opt, batch, torch.tensor(Int32Array.from([0, 1, 2])), 10));
        for (const k of scorer) {
          const g = params.get(k)!.grad;
          assert.ok(g === null || g.toFloat64Array().every((v) => v === 0), `${k} got a gradient`);
          assert.deepEqual(params.get(k)!.toFloat64Array(), before.get(k), `${k} changed`);
        }
        const classifier = params.get('classifier.weight')!.toFloat64Array();
        assert.ok(classifier.some((v, i) => v !== before.get('classifier.weight')![i]), 'the classifier learns');
      } finally {
        opt.dispose();
      }
    });
  });
}
