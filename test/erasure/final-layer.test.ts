// The model pass on small random models of all six architectures: the stored states reproduce the
// model's logits through the classifier head (so they are the final layer), whatever the batching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContext, productWithHead } from '../../src/erasure/context.ts';
import { classifierHead, finalLayerStates, type TestDocument } from '../../src/erasure/final-layer.ts';
import { ARCHS, buildModel, itemCount } from '../../src/models/index.ts';
import { manualSeed } from '../../src/torch/index.ts';
import { Rng } from '../../src/util/rng.ts';

function randomDocs(rng: Rng, count: number): TestDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const sentences = Array.from({ length: 1 + rng.int(4) }, () =>
      Int32Array.from({ length: rng.int(6) }, () => 1 + rng.int(29)),
    );
    if (sentences.every((s) => s.length === 0)) sentences[0] = Int32Array.of(1 + rng.int(29));
    const words = sentences.map((s) => Array.from(s, (id) => `w${id}`));
    return { docId: `d${i}`, label: rng.int(3), doc: { sentences }, words: () => words };
  });
}

for (const arch of ARCHS) {
  test(`${arch}: states have one item per final-layer position and reproduce the logits`, () => {
    manualSeed(1);
    const model = buildModel({ arch, vocab: 30, classes: 3, emb: 8, encoderSize: 4, dropout: { word: 0.5, sentence: 0.5, encoder: 0.5, classifier: 0.5 } });
    model.train(true);
    const head = classifierHead(model, ['a', 'b', 'c']);
    const docs = randomDocs(new Rng(2), 12);
    const states = finalLayerStates(model, docs, 5);
    assert.equal(model.training, true, 'train/eval flag restored');
    assert.equal(states.length, docs.length);
    states.forEach((s, i) => {
      assert.equal(s.docId, docs[i]!.docId);
      assert.equal(s.label, docs[i]!.label);
      assert.equal(s.alpha.length, itemCount(model.family, docs[i]!.doc));
      assert.equal(s.items?.length, s.alpha.length);
      const total = s.alpha.reduce((x, y) => x + y, 0);
      assert.ok(Math.abs(total - 1) < 1e-5, `alpha sums to ${total}`);
      buildContext(s, head); // throws if W (sum alpha h) + b differs from the stored logits
      // z from the model pass's batched product = the battery's own W h_i.
      const z = productWithHead(s.h, s.alpha.length, head);
      assert.equal(s.z?.length, z.length);
      z.forEach((v, j) => assert.ok(Math.abs(v - s.z![j]!) < 1e-9 * Math.max(1, Math.abs(v))));
    });
    // Batching (and dropout, which eval mode turns off) does not change the states.
    const one = finalLayerStates(model, docs, 1);
    one.forEach((s, i) => {
      for (let k = 0; k < s.logits.length; k++) assert.ok(Math.abs(s.logits[k]! - states[i]!.logits[k]!) < 1e-5);
    });
  });
}
