// Adversarial training with λ (Wiegreffe & Pinter 2019, §5; docs/faithfulness.md): the loss against hand
// values and central differences (float64 on its inputs; float32 on a tiny model's parameters), λ = 0 learns
// the base's outputs, and a larger λ moves the attention further from the base's; an adversary started from
// the base (init 'base') starts exactly at the base and moves its attention away under λ > 0; `inspect` sees
// the adversary whose test numbers are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { buildModel, type AttentionClassifier, type Flan, type ModelConfig } from '../../src/models/index.ts';
import {
  ADVERSARY_DEFAULTS,
  adversarialLoss,
  adversaryBatchLoss,
  baseTargets,
  compareToBase,
  finalOutputs,
  jsDivergence,
  klDivergence,
  totalVariation,
  trainAdversary,
} from '../../src/train/adversarial-train.ts';
import { Rng } from '../../src/util/rng.ts';
import { gradcheck, randomData } from '../torch/gradcheck.ts';
import { syntheticData } from './synthetic.ts';

const tinyConfig = (vocab: number): ModelConfig => ({
  arch: 'flan-noenc',
  vocab,
  classes: 3,
  emb: 8,
  encoderSize: 4,
  dropout: { word: 0, sentence: 0, encoder: 0, classifier: 0 },
});

/** A random base with confident, varied outputs: the classifier weights scaled up. */
function confidentBase(vocab: number, seed: number): AttentionClassifier {
  torch.manualSeed(seed);
  const m = buildModel(tinyConfig(vocab)) as Flan;
  torch.scope(() => {
    m.classifier.weight.copy_(m.classifier.weight.mul(4));
    m.attention.context.copy_(m.attention.context.mul(4));
  });
  return m;
}

test('adversarial loss: hand-worked TVD, KL and loss', () => {
  torch.scope(() => {
    const logits = torch.tensor(Float64Array.from([0, Math.log(3)]), [1, 2], { dtype: 'float64' }); // p = (0.25, 0.75)
    const pBase = torch.tensor(Float64Array.from([0.5, 0.5]), [1, 2], { dtype: 'float64' });
    const a = torch.tensor(Float64Array.from([0.5, 0.5, 0]), [1, 3], { dtype: 'float64' });
    const b = torch.tensor(Float64Array.from([0.25, 0.75, 0]), [1, 3], { dtype: 'float64' });
    const { loss, tvd, kl } = adversarialLoss(logits, a, pBase, b, 2);
    assert.ok(Math.abs(tvd.item() - 0.25) < 1e-12);
    const klHand = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    assert.ok(Math.abs(kl.item() - klHand) < 1e-9, `${kl.item()} vs ${klHand}`);
    assert.ok(Math.abs(loss.item() - (0.25 - 2 * klHand)) < 1e-9);
    assert.ok(Math.abs(klDivergence([0.5, 0.5, 0], [0.25, 0.75, 0]) - klHand) < 1e-9);
    assert.equal(totalVariation([0.25, 0.75], [0.5, 0.5]), 0.25);
    assert.equal(jsDivergence([1, 0], [1, 0]), 0);
    assert.ok(Math.abs(jsDivergence([1, 0], [0, 1]) - Math.log(2)) < 1e-12);
  });
});

test('adversarial loss: gradient against central differences (float64, masked items, λ = 0.7)', () => {
  const rng = new Rng(11);
  const B = 3;
  const C = 4;
  const n = 5;
  const mask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0];
  const softmaxMasked = (s: torch.Tensor) => torch.maskedSoftmax(s, torch.tensor(Float64Array.from(mask), [B, n], { dtype: 'float64' }).gt(0.5), 1);
  const pBaseData = Float64Array.from({ length: B * C }, () => 0.1 + rng.next());
  const aBaseData = Float64Array.from(mask, (m) => m * (0.05 + rng.next()));
  const r = gradcheck(
    ([logits, scores]) => {
      const pb = torch.tensor(pBaseData, [B, C], { dtype: 'float64' });
      const pBase = pb.div(pb.sum(1, true));
      const ab = torch.tensor(aBaseData, [B, n], { dtype: 'float64' });
      const aBase = ab.div(ab.sum(1, true));
      const { loss, tvd, kl } = adversarialLoss(logits!, softmaxMasked(scores!), pBase, aBase, 0.7);
      return torch.cat([loss.reshape([1]), tvd, kl], 0);
    },
    [
      { data: randomData(B * C, rng), shape: [B, C] },
      { data: randomData(B * n, rng), shape: [B, n] },
    ],
  );
  assert.ok(r.maxRelErr < 1e-6, `max relative error ${r.maxRelErr} (${r.worst})`);
});

test('adversarial loss on a tiny model: parameter gradient against central differences (float32, directional)', () => {
  const data = syntheticData({ train: 12 });
  const base = confidentBase(data.vocab.length, 1);
  torch.manualSeed(2);
  const adv = buildModel(tinyConfig(data.vocab.length));
  try {
    const docs = data.train;
    const target = finalOutputs(base, docs);
    adv.eval();
    const params = adv.parameters();
    const rng = new Rng(3);
    const dirs = params.map((p) => Float32Array.from({ length: p.numel }, () => rng.normal()));
    const lossAt = (step: number): number =>
      torch.noGrad(() =>
        torch.scope(() => {
          const saved = params.map((p) => p.clone());
          params.forEach((p, i) => p.copy_(p.add(torch.tensor(dirs[i]!, p.shape).mul(step))));
          const l = adversaryBatchLoss(adv, docs, target, 0.5).loss.item();
          params.forEach((p, i) => p.copy_(saved[i]!));
          return l;
        }),
      );
    const analytic = torch.scope(() => {
      torch.zeroGrad(params);
      adversaryBatchLoss(adv, docs, target, 0.5).loss.backward();
      let s = 0;
      params.forEach((p, i) => {
        const g = p.grad?.toFloat32Array() ?? new Float32Array(p.numel);
        g.forEach((x, k) => (s += x * dirs[i]![k]!));
      });
      return s;
    });
    const eps = 1e-3;
    const numeric = (lossAt(eps) - lossAt(-eps)) / (2 * eps);
    const rel = Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(analytic));
    assert.ok(Math.abs(analytic) > 1e-3, `a direction with some slope (${analytic})`);
    assert.ok(rel < 2e-2, `directional derivative: autograd ${analytic}, central differences ${numeric} (relative error ${rel})`);
  } finally {
    adv.dispose();
    base.dispose();
  }
});

test('λ = 0 learns the base outputs closely; λ = 1 moves the attention much further from the base than λ = 0', () => {
  const data = syntheticData({ train: 160, dev: 40, test: 40, seed: 7 });
  const base = confidentBase(data.vocab.length, 5);
  try {
    const splits = { train: data.train, dev: data.dev, test: data.test };
    const target = baseTargets(base, splits);
    // An adversary before any training: how far a fresh model of the same architecture starts.
    torch.manualSeed(99);
    const fresh = buildModel(tinyConfig(data.vocab.length));
    const start = compareToBase(finalOutputs(fresh, data.test), target.test, data.test);
    fresh.dispose();
    const settings = { ...ADVERSARY_DEFAULTS, epochs: 12, lr: 0.02, init: 'scratch' as const };
    const r0 = trainAdversary(base, splits, 0, settings, { batchSize: 16, target });
    const r1 = trainAdversary(base, splits, 1, settings, { batchSize: 16, target });
    assert.equal(r0.history.length, 12);
    assert.ok(r0.test.meanTvd < 0.1 && r0.test.meanTvd < start.meanTvd / 4, `λ=0: mean TVD ${r0.test.meanTvd} (untrained ${start.meanTvd})`);
    assert.ok(r1.test.meanJs > 3 * r0.test.meanJs && r1.test.meanJs > 0.1, `mean JS: λ=1 ${r1.test.meanJs}, λ=0 ${r0.test.meanJs}`);
    assert.ok(r1.test.meanKl > r0.test.meanKl);
    assert.equal(r1.test.js.length, r1.test.attentionDocuments);
  } finally {
    base.dispose();
  }
});

test("init 'base': the adversary starts as an exact copy of the base; 'scratch' does not; λ = 1 from the base moves its attention", () => {
  const data = syntheticData({ train: 160, dev: 40, test: 40, seed: 7 });
  const base = confidentBase(data.vocab.length, 5);
  try {
    const splits = { train: data.train, dev: data.dev, test: data.test };
    const target = baseTargets(base, splits);
    // lr 0: Adam takes no step, so the result is the starting point itself.
    const still = { ...ADVERSARY_DEFAULTS, epochs: 1, lr: 0 };
    const copy = trainAdversary(base, splits, 1, { ...still, init: 'base' }, { batchSize: 16, target });
    assert.ok(copy.test.meanTvd < 1e-6 && copy.test.meanJs < 1e-6, `a copy of the base: TVD ${copy.test.meanTvd}, JS ${copy.test.meanJs}`);
    const fresh = trainAdversary(base, splits, 1, { ...still, init: 'scratch' }, { batchSize: 16, target });
    assert.ok(fresh.test.meanTvd > 0.05 && fresh.test.meanJs > 0.01, `a fresh model is not the base: TVD ${fresh.test.meanTvd}, JS ${fresh.test.meanJs}`);
    const settings = { ...ADVERSARY_DEFAULTS, epochs: 6, lr: 0.02, init: 'base' as const };
    const r0 = trainAdversary(base, splits, 0, settings, { batchSize: 16, target });
    let seen: ReturnType<typeof compareToBase> | null = null;
    const r1 = trainAdversary(base, splits, 1, settings, { batchSize: 16, target, inspect: (adv) => (seen = compareToBase(finalOutputs(adv, data.test), target.test, data.test)) });
    assert.ok(r0.test.meanTvd < 0.05, `λ=0 from the base keeps its outputs: TVD ${r0.test.meanTvd}`);
    assert.ok(r1.test.meanJs > 3 * r0.test.meanJs && r1.test.meanJs > 0.1, `mean JS from the base: λ=1 ${r1.test.meanJs}, λ=0 ${r0.test.meanJs}`);
    assert.ok(seen, 'inspect was called');
    assert.deepEqual(seen, r1.test, 'inspect saw the adversary whose test numbers are reported (the best epoch)');
  } finally {
    base.dispose();
  }
});
