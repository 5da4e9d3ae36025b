// Padding never influences a result: each document gives the same logits, final attention and attended
// vectors alone as inside a padded batch with longer and shorter documents; attention at padding is exactly 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { ARCHS, buildModel, itemCount, makeBatch, splitArch, type TokenDoc } from '../../src/models/index.ts';
import { Rng } from '../../src/util/rng.ts';

const VOCAB = 40;

function randomDocs(rng: Rng): TokenDoc[] {
  // Sentence counts 1..5 and lengths 1..9, so both levels are padded in a batch.
  const counts = [3, 1, 5, 2, 4];
  return counts.map((c) => ({
    sentences: Array.from({ length: c }, () => Int32Array.from({ length: 1 + rng.int(9) }, () => 1 + rng.int(VOCAB - 1))),
  }));
}

for (const arch of ARCHS) {
  test(`${arch}: a document alone and in a padded batch give the same result`, () => {
    torch.manualSeed(7);
    const { family } = splitArch(arch);
    const docs = randomDocs(new Rng(11));
    torch.scope(() => {
      const model = buildModel({ arch, vocab: VOCAB, classes: 4, emb: 10, encoderSize: 7, dropout: { word: 0.3, sentence: 0.3, encoder: 0.3, classifier: 0.3 } });
      model.eval();
      try {
        torch.noGrad(() => {
          const all = model.forward(makeBatch(family, docs));
          const n = all.alpha.size(1);
          const D = all.h.size(2);
          const alphaAll = all.alpha.toFloat64Array();
          const hAll = all.h.toFloat64Array();
          const logitsAll = all.logits.toFloat64Array();
          docs.forEach((doc, b) => {
            const one = model.forward(makeBatch(family, [doc]));
            const k = itemCount(family, doc);
            assert.equal(one.alpha.size(1), k, 'a lone document has no padding');
            const close = (what: string, got: ArrayLike<number>, want: Float64Array, off: number) => {
              for (let i = 0; i < want.length; i++) {
                assert.ok(Math.abs(got[off + i]! - want[i]!) <= 1e-5, `${what}[${i}] of document ${b}: ${got[off + i]} vs ${want[i]}`);
              }
            };
            close('logits', logitsAll, one.logits.toFloat64Array(), b * 4);
            close('alpha', alphaAll, one.alpha.toFloat64Array(), b * n);
            close('h', hAll, one.h.toFloat64Array(), b * n * D);
            for (let i = k; i < n; i++) assert.equal(alphaAll[b * n + i], 0, `alpha at padding position ${i} of document ${b}`);
          });
        });
      } finally {
        model.dispose();
      }
    });
  });
}

test('empty documents are refused when batching, with the document index', () => {
  assert.throws(() => makeBatch('flan', [{ sentences: [Int32Array.of(3)] }, { sentences: [] }]), /document 1 has no tokens/);
  assert.throws(() => makeBatch('han', [{ sentences: [new Int32Array(0)] }]), /document 0 has no tokens/);
});
