// Adversarial training with λ (Wiegreffe & Pinter 2019, §5), defined in docs/faithfulness.md: a model of the
// base's architecture is trained so that its predictions stay close to the base's while its final-layer
// attention moves away from the base's,
//   L = mean_b [ TVD(ŷ_adv,b, ŷ_base,b) − λ · KL(α_adv,b ‖ α_base,b) ],
// with the base's outputs and attention computed once (eval mode) and held fixed. Then, on the test
// documents, how far its attention went (JS, KL) against how far its outputs went (TVD), per λ.
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { inEvalMode } from '../nn/index.ts';
import { buildModel, itemCount, makeBatch, type AttentionClassifier, type TokenDoc } from '../models/index.ts';
import { jsDivergence, totalVariation } from '../util/divergence.ts';
import { Rng } from '../util/rng.ts';
import { epochSeed, STREAM } from '../util/seeding.ts';
import { bucketBatches, sortedBatches, type BatchBudget } from './batching.ts';
import type { LabeledDoc } from './data.ts';
import type { TrainedSplits } from './trained-splits.ts';

/** Inside the logarithms of the KL (W&P's `kld`): finite where a sparse base gives an item weight 0. */
export const KL_EPS = 1e-10;

/**
 * Where an adversary starts (docs/faithfulness.md §8): `scratch` = a fresh initialisation from the seed with the
 * base's embedding table copied in (W&P's protocol); `base` = every parameter copied from the base, so training
 * starts at TVD = 0 and KL = 0 and only has to move the attention away.
 */
export const ADVERSARY_INITS = ['base', 'scratch'] as const;
export type AdversaryInit = (typeof ADVERSARY_INITS)[number];

export interface AdversarySettings {
  epochs: number;
  lr: number;
  clip: number;
  seed: number;
  init: AdversaryInit;
}
/**
 * A copy of the base fine-tuned for 3 epochs (docs/faithfulness.md §8, "What it costs"): on a demo FLAN-rnn the
 * KL term at λ = 0.1 needs the third epoch to move (0.03, 0.16, 1.38 per epoch). W&P's own protocol is
 * `{ init: 'scratch', epochs: 8 }` (`attnlab adversary --init scratch --epochs 8`), ~8/3 times the cost per λ.
 */
export const ADVERSARY_DEFAULTS: AdversarySettings = { epochs: 3, lr: 1e-3, clip: 10, seed: 1, init: 'base' };

/**
 * The adversarial loss of a batch. logitsAdv (B, C); alphaAdv, alphaBase (B, n), 0 at padding; pBase (B, C)
 * the base's class probabilities. Returns the mean loss and the per-document TVD and KL.
 */
export function adversarialLoss(logitsAdv: Tensor, alphaAdv: Tensor, pBase: Tensor, alphaBase: Tensor, lambda: number): { loss: Tensor; tvd: Tensor; kl: Tensor } {
  const tvd = logitsAdv.softmax(1).sub(pBase).abs().sum(1).mul(0.5); // (B)
  const kl = alphaAdv.mul(alphaAdv.add(KL_EPS).log().sub(alphaBase.add(KL_EPS).log())).sum(1); // (B)
  return { loss: tvd.sub(kl.mul(lambda)).mean(), tvd, kl };
}

/** What a model says about each document: class probabilities and its final-layer attention over the n items. */
export interface FinalOutputs {
  probs: Float64Array[];
  alpha: Float64Array[];
}

/** Eval mode, no gradients, batches in length order. */
export function finalOutputs(model: AttentionClassifier, docs: readonly TokenDoc[], batchSize = 64, budget: BatchBudget = {}): FinalOutputs {
  const probs = new Array<Float64Array>(docs.length);
  const alpha = new Array<Float64Array>(docs.length);
  inEvalMode(model, () => {
    torch.noGrad(() => {
      for (const idx of sortedBatches(docs, model.family, batchSize, budget)) {
        torch.scope(() => {
          const out = model.forward(makeBatch(model.family, idx.map((i) => docs[i]!)));
          const C = out.logits.shape[1]!;
          const n = out.alpha.shape[1]!;
          const p = out.logits.softmax(1).toFloat64Array();
          const a = out.alpha.toFloat64Array();
          idx.forEach((i, b) => {
            probs[i] = p.slice(b * C, (b + 1) * C);
            alpha[i] = a.slice(b * n, b * n + itemCount(model.family, docs[i]!));
          });
        });
      }
    });
  });
  return { probs, alpha };
}

/** Rows padded with 0 to width n: (B, n) float32. */
function padRows(rows: readonly Float64Array[], n: number): Tensor {
  const out = new Float32Array(rows.length * n);
  rows.forEach((r, b) => out.set(r, b * n));
  return torch.tensor(out, [rows.length, n]);
}

/** KL(p ‖ q) with KL_EPS as in adversarialLoss (natural log). */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i]! * (Math.log(p[i]! + KL_EPS) - Math.log(q[i]! + KL_EPS));
  return s;
}

export { jsDivergence, totalVariation }; // defined once in src/util/divergence.ts (the erasure tests use them too)

/** The adversary against the base on a set of documents. */
export interface AdversaryComparison {
  documents: number;
  /** Documents with at least 2 items (the attention statistics are over these). */
  attentionDocuments: number;
  meanJs: number;
  medianJs: number;
  meanKl: number;
  meanTvd: number;
  medianTvd: number;
  correct: number;
  accuracy: number;
  /** Per document (the attention documents only, in order), for the report's intervals. */
  js: number[];
  tvd: number[];
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function compareToBase(adv: FinalOutputs, base: FinalOutputs, docs: readonly LabeledDoc[]): AdversaryComparison {
  const js: number[] = [];
  const kl: number[] = [];
  const tvd: number[] = [];
  let correct = 0;
  docs.forEach((d, i) => {
    const p = adv.probs[i]!;
    let am = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[am]!) am = c;
    if (am === d.label) correct++;
    if (adv.alpha[i]!.length < 2) return;
    js.push(jsDivergence(adv.alpha[i]!, base.alpha[i]!));
    kl.push(klDivergence(adv.alpha[i]!, base.alpha[i]!));
    tvd.push(totalVariation(p, base.probs[i]!));
  });
  return {
    documents: docs.length,
    attentionDocuments: js.length,
    meanJs: mean(js),
    medianJs: median(js),
    meanKl: mean(kl),
    meanTvd: mean(tvd),
    medianTvd: median(tvd),
    correct,
    accuracy: docs.length ? correct / docs.length : NaN,
    js,
    tvd,
  };
}

export interface AdversaryEpoch {
  epoch: number;
  trainLoss: number;
  trainTvd: number;
  trainKl: number;
  devLoss: number;
}

export interface AdversaryResult {
  lambda: number;
  bestEpoch: number;
  history: AdversaryEpoch[];
  test: AdversaryComparison;
  seconds: number;
}

/** The base's outputs for some documents (by index). */
function rowsOf(o: FinalOutputs, idx: readonly number[]): FinalOutputs {
  return { probs: idx.map((i) => o.probs[i]!), alpha: idx.map((i) => o.alpha[i]!) };
}

/** The adversarial loss of a model (in its current train/eval mode) on one batch of documents against the base's outputs for them. */
export function adversaryBatchLoss(model: AttentionClassifier, docs: readonly TokenDoc[], base: FinalOutputs, lambda: number): { loss: Tensor; tvd: Tensor; kl: Tensor } {
  const out = model.forward(makeBatch(model.family, docs));
  const pBase = padRows(base.probs, out.logits.shape[1]!); // (B, C)
  const aBase = padRows(base.alpha, out.alpha.shape[1]!); // (B, n)
  return adversarialLoss(out.logits, out.alpha, pBase, aBase, lambda);
}

/** The loss terms of a model on documents against the base's fixed outputs (eval mode): means over documents. */
function meanLoss(model: AttentionClassifier, docs: readonly TokenDoc[], base: FinalOutputs, lambda: number, batchSize: number): number {
  const o = finalOutputs(model, docs, batchSize);
  let s = 0;
  docs.forEach((_, i) => (s += totalVariation(o.probs[i]!, base.probs[i]!) - lambda * klDivergence(o.alpha[i]!, base.alpha[i]!)));
  return s / docs.length;
}

/** The base's outputs on every split: computed once, shared by the adversaries of every λ. */
export interface BaseTargets {
  train: FinalOutputs;
  dev: FinalOutputs;
  test: FinalOutputs;
}

export function baseTargets(base: AttentionClassifier, splits: TrainedSplits): BaseTargets {
  return { train: finalOutputs(base, splits.train), dev: finalOutputs(base, splits.dev), test: finalOutputs(base, splits.test) };
}

export interface AdversaryOptions {
  batchSize?: number;
  budget?: BatchBudget;
  log?: (line: string) => void;
  target?: BaseTargets;
  /** Called with the trained adversary (best epoch's weights, train mode) before it is freed. */
  inspect?: (adversary: AttentionClassifier) => void;
}

/**
 * Trains one adversary for λ: initialised as settings.init says (fresh from settings.seed with the base's
 * embedding table, or a copy of the base), the trainer's bucketed batches, dropout and Adam; keeps the epoch
 * with the lowest dev loss.
 */
export function trainAdversary(base: AttentionClassifier, splits: TrainedSplits, lambda: number, settings: AdversarySettings = ADVERSARY_DEFAULTS, opts: AdversaryOptions = {}): AdversaryResult {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const batchSize = opts.batchSize ?? 32;
  const family = base.family;
  const target = opts.target ?? baseTargets(base, splits);
  torch.manualSeed(epochSeed(settings.seed, 0, STREAM.init));
  const adv = buildModel(base.config);
  torch.scope(() => {
    if (settings.init === 'base') adv.loadStateDict(base.namedParameters(), 'the base model');
    else adv.embedding.weight.copy_(base.embedding.weight);
  });
  const opt = new torch.Adam(adv.parameters(), { lr: settings.lr });
  const best = adv.parameters().map((p) => torch.keep(p.detach().clone()));
  const history: AdversaryEpoch[] = [];
  let bestLoss = Infinity;
  let bestEpoch = 0;
  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      torch.manualSeed(epochSeed(settings.seed, epoch, STREAM.dropout));
      const batches = bucketBatches(splits.train, family, batchSize, new Rng(epochSeed(settings.seed, epoch, STREAM.batches)), opts.budget);
      adv.train();
      let lossSum = 0;
      let tvdSum = 0;
      let klSum = 0;
      for (const idx of batches) {
        const [l, t, k] = torch.scope(() => {
          opt.zeroGrad();
          const { loss, tvd, kl } = adversaryBatchLoss(adv, idx.map((i) => splits.train[i]!), rowsOf(target.train, idx), lambda);
          loss.backward();
          torch.clipGradNorm(opt.params, settings.clip);
          opt.step();
          return [loss.item() * idx.length, tvd.sum().item(), kl.sum().item()];
        });
        if (!Number.isFinite(l)) throw new Error(`adversary λ=${lambda}: the loss became ${l} at epoch ${epoch}; lower the learning rate`);
        lossSum += l;
        tvdSum += t;
        klSum += k;
      }
      const N = splits.train.length;
      const devLoss = meanLoss(adv, splits.dev, target.dev, lambda, 64);
      history.push({ epoch, trainLoss: lossSum / N, trainTvd: tvdSum / N, trainKl: klSum / N, devLoss });
      if (devLoss < bestLoss) {
        bestLoss = devLoss;
        bestEpoch = epoch;
        torch.scope(() => adv.parameters().forEach((p, i) => best[i]!.copy_(p)));
      }
      log(`adversary λ=${lambda} epoch ${epoch}: loss ${(lossSum / N).toFixed(4)} (TVD ${(tvdSum / N).toFixed(4)}, KL ${(klSum / N).toFixed(4)}), dev loss ${devLoss.toFixed(4)}`);
    }
    torch.scope(() => adv.parameters().forEach((p, i) => p.copy_(best[i]!)));
    const test = compareToBase(finalOutputs(adv, splits.test), target.test, splits.test);
    opts.inspect?.(adv);
    return { lambda, bestEpoch, history, test, seconds: (Date.now() - started) / 1000 };
  } finally {
    for (const t of best) t.dispose();
    opt.dispose();
    adv.dispose();
  }
}
