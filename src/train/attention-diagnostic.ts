// The frozen-attention diagnostic of Wiegreffe & Pinter (2019, §4), defined in docs/faithfulness.md: a
// non-contextual MLP over the trained model's (frozen) embedding table pools the words of a document with
//   trained  the trained model's own word weights, computed once and held fixed (FLAN: its attention;
//            HAN: sentence weight x word weight within the sentence),
//   uniform  1/n,
//   learned  its own additive attention,
// and each is trained on the model's training documents; test accuracy side by side says whether the
// trained model's weights tell a simple model where the useful words are (trained > uniform).
//
// Because the embeddings are frozen and the MLP is per word, tanh(W e + b) and the attention score are
// functions of the word alone, so a document is its bag of words: Σ_i a_i h(w_i) = Σ_v A_v h(v) with
// A_v = Σ_{i: w_i = v} a_i, and the learned attention softmax_i u(w_i) pools as softmax_v (u(v) + log c_v)
// over the words v present (c_v = how often). Training (forwardBag) computes h only for the batch's distinct
// words, (U, H), and pools with a (B, U) matrix: the per-position result (forward, kept as the reference
// and checked against it in the tests) without its (B, L, H) tensors.
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { Linear, Module } from '../nn/index.ts';
import { Attention, Han, docLength, makeBatch, type AttentionClassifier, type TokenDoc } from '../models/index.ts';
import { Rng } from '../util/rng.ts';
import { epochSeed, STREAM } from '../util/seeding.ts';
import { inEvalMode } from '../nn/index.ts';
import { bucketBatches, sortedBatches } from './batching.ts';
import type { LabeledDoc } from './data.ts';
import { labelTensor } from './trainer.ts';
import type { TrainedSplits } from './trained-splits.ts';

export const DIAGNOSTIC_VARIANTS = ['trained', 'uniform', 'learned'] as const;
export type DiagnosticVariant = (typeof DIAGNOSTIC_VARIANTS)[number];
/**
 * What an MLP can pool with: the three of `attnlab diagnose`, and `adversary` — an adversarial model's word
 * weights (W&P's Table 4 row), computed exactly as `trained`'s but from the adversary (adversary-model.ts).
 */
export type PoolingVariant = DiagnosticVariant | 'adversary';
export const POOLING_VARIANTS = [...DIAGNOSTIC_VARIANTS, 'adversary'] as const;

/** W&P's defaults (hidden_size 128, n_iters 8, Adam lr 1e-3, weight decay 1e-5). */
export const DIAGNOSTIC_DEFAULTS = { hidden: 128, epochs: 8, lr: 1e-3, weightDecay: 1e-5, batchSize: 32, clip: 10, seed: 1 };
export type DiagnosticSettings = typeof DIAGNOSTIC_DEFAULTS;

/**
 * The trained model's weight for every word of each document (flat, in the document's word order, summing
 * to 1): eval mode, no gradients. FLAN: its attention over the words; HAN: β_s · α_{i|s}.
 */
export function trainedWordWeights(model: AttentionClassifier, docs: readonly TokenDoc[], batchSize = 64): Float32Array[] {
  const out = new Array<Float32Array>(docs.length);
  inEvalMode(model, () => {
    torch.noGrad(() => {
      for (const idx of sortedBatches(docs, model.family, batchSize)) {
        torch.scope(() => {
          const batch = makeBatch(model.family, idx.map((i) => docs[i]!));
          const alpha = model.forward(batch).alpha; // FLAN (B, L); HAN (B, S)
          if (!(model instanceof Han)) {
            const L = alpha.shape[1]!;
            const a = alpha.toFloat32Array();
            idx.forEach((i, b) => (out[i] = a.slice(b * L, b * L + docLength(docs[i]!))));
            return;
          }
          const words = model.wordWeights(batch); // (B, S, T)
          const [, S, T] = words.shape as [number, number, number];
          const w = words.mul(alpha.unsqueeze(-1)).toFloat32Array(); // (B, S, T): β_s α_{i|s}
          idx.forEach((i, b) => {
            const row = new Float32Array(docLength(docs[i]!));
            let k = 0;
            let j = 0; // the batch's sentence index: real (non-empty) sentences only, as hanBatch packs them
            for (const s of docs[i]!.sentences) {
              if (s.length === 0) continue;
              for (let t = 0; t < s.length; t++) row[k++] = w[(b * S + j) * T + t]!;
              j++;
            }
            out[i] = row;
          });
        });
      }
    });
  });
  return out;
}

/**
 * The diagnostic classifier: h_i = tanh(W e_i + b), s = Σ a_i h_i, logits = V s + c, over a frozen
 * embedding table; `learned` adds its own additive attention (the models' Attention layer over h).
 */
export class DiagnosticMlp extends Module {
  readonly hidden: Linear;
  readonly attention: Attention | null;
  readonly output: Linear;

  constructor(readonly table: Tensor, hidden: number, classes: number, learned: boolean) {
    super();
    if (table.requiresGrad) throw new Error('DiagnosticMlp: the embedding table must be frozen (no requires_grad)');
    const emb = table.shape[1]!;
    this.hidden = this.child('hidden', new Linear(emb, hidden));
    this.output = this.child('output', new Linear(hidden, classes));
    this.attention = learned ? this.child('attention', new Attention(hidden)) : null;
  }

  /** tokens (B, L) int64 (0 = padding), weights (B, L) or null for the learned attention -> logits (B, C), a (B, L). */
  forward(tokens: Tensor, weights: Tensor | null): { logits: Tensor; a: Tensor } {
    const hTable = this.hidden.forward(this.table).tanh(); // (V, H): h of every word
    const h = torch.embedding(hTable, tokens); // (B, L, H)
    let a: Tensor;
    if (weights !== null) a = weights; // (B, L)
    else {
      if (this.attention === null) throw new Error('DiagnosticMlp: weights are needed unless the attention is learned');
      const uTable = this.attention.proj.forward(hTable).tanh().matmul(this.attention.context); // (V): the score of every word
      const scores = torch.embedding(uTable.unsqueeze(1), tokens).squeeze(-1); // (B, L)
      a = torch.maskedSoftmax(scores, tokens.ne(0), 1); // (B, L), 0 at padding
    }
    const s = a.unsqueeze(1).matmul(h).squeeze(1); // (B, 1, L) @ (B, L, H) -> (B, H)
    return { logits: this.output.forward(s), a };
  }

  /** The same function on bags of words (wordBags): logits (B, C), a (B, U) the weight of each distinct word. */
  forwardBag(bags: WordBags): { logits: Tensor; a: Tensor } {
    const hU = this.hidden.forward(this.table.indexSelect(0, bags.ids)).tanh(); // (U, H): h of the batch's words
    let a: Tensor;
    if (bags.pooled !== null) a = bags.pooled; // (B, U)
    else {
      if (this.attention === null || bags.logCounts === null) throw new Error('DiagnosticMlp: bags need pooled weights unless the attention is learned');
      const u = this.attention.proj.forward(hU).tanh().matmul(this.attention.context); // (U): the score of every word
      a = u.unsqueeze(0).add(bags.logCounts).softmax(1); // (B, U): softmax over positions, grouped by word; 0 where absent
    }
    return { logits: this.output.forward(a.matmul(hU)), a }; // (B, U) @ (U, H) -> (B, H) -> (B, C)
  }
}

/**
 * A batch as bags of words: `ids` (U) the distinct words of the batch, `pooled` (B, U) the weight each word
 * gets in each document (the given weights summed over its positions, or uniform c_v/n), `logCounts` (B, U)
 * log c_v for the learned attention (−∞ where the word is absent).
 */
export interface WordBags {
  ids: Tensor;
  pooled: Tensor | null;
  logCounts: Tensor | null;
}

/** given: per-document weights (FLAN word order) or null for uniform; learned: the bags for the MLP's own attention. */
export function wordBags(docs: readonly TokenDoc[], given: readonly Float32Array[] | null, learned: boolean): WordBags {
  const local = new Map<number, number>();
  for (const d of docs) for (const s of d.sentences) for (const id of s) if (!local.has(id)) local.set(id, local.size);
  const U = local.size;
  const B = docs.length;
  const w = learned ? null : new Float32Array(B * U);
  const c = learned ? new Float32Array(B * U) : null;
  docs.forEach((d, b) => {
    const n = docLength(d);
    const g = given?.[b];
    let i = 0;
    for (const s of d.sentences)
      for (const id of s) {
        const k = b * U + local.get(id)!;
        if (c) c[k]! += 1;
        else w![k]! += g ? g[i]! : 1 / n;
        i++;
      }
  });
  if (c) for (let k = 0; k < c.length; k++) c[k] = c[k]! > 0 ? Math.log(c[k]!) : -Infinity;
  return {
    ids: torch.tensor(Int32Array.from(local.keys()), [U]), // (U) int64
    pooled: w && torch.tensor(w, [B, U]), // (B, U)
    logCounts: c && torch.tensor(c, [B, U]), // (B, U)
  };
}

/** The weights of a batch of documents: the given per-document weights, padded with 0, or uniform 1/n. */
export function batchWeights(docs: readonly TokenDoc[], given: readonly Float32Array[] | null, L: number): Tensor {
  const w = new Float32Array(docs.length * L);
  docs.forEach((d, b) => {
    const n = docLength(d);
    if (given === null) w.fill(1 / n, b * L, b * L + n);
    else w.set(given[b]!, b * L);
  });
  return torch.tensor(w, [docs.length, L]); // (B, L)
}

export interface VariantResult {
  variant: PoolingVariant;
  bestEpoch: number;
  devAccuracy: number;
  testAccuracy: number;
  testCorrect: number;
  testDocuments: number;
  history: { epoch: number; trainLoss: number; devAccuracy: number }[];
  seconds: number;
}

/** Per split, the given model's word weights (needed by the `trained` and `adversary` variants). */
export interface SplitWeights {
  train: readonly Float32Array[];
  dev: readonly Float32Array[];
  test: readonly Float32Array[];
}

function predictMlp(mlp: DiagnosticMlp, docs: readonly LabeledDoc[], weights: readonly Float32Array[] | null, learned: boolean, batchSize: number): number {
  let correct = 0;
  torch.noGrad(() => {
    for (const idx of sortedBatches(docs, 'flan', batchSize)) {
      correct += torch.scope(() => {
        const sub = idx.map((i) => docs[i]!);
        const pred = mlp.forwardBag(wordBags(sub, weights && idx.map((i) => weights[i]!), learned)).logits.argmax(1).toInt32Array();
        let c = 0;
        sub.forEach((d, j) => (c += pred[j] === d.label ? 1 : 0));
        return c;
      });
    }
  });
  return correct;
}

/**
 * Trains one diagnostic MLP on splits.train and returns its test accuracy at the best dev epoch. table: the
 * trained model's embedding table (V, E), frozen; weights: the word weights to pool with (variants `trained`:
 * the trained model's, `adversary`: an adversary's; ignored by the others).
 */
export function trainDiagnostic(
  variant: PoolingVariant,
  table: Tensor,
  classes: number,
  splits: TrainedSplits,
  weights: SplitWeights | null,
  settings: DiagnosticSettings = DIAGNOSTIC_DEFAULTS,
  log: (line: string) => void = () => {},
): VariantResult {
  const pooled = variant === 'trained' || variant === 'adversary';
  if (pooled && weights === null) throw new Error(`trainDiagnostic: the ${variant} variant needs that model's word weights`);
  const started = Date.now();
  const learned = variant === 'learned';
  const given = pooled ? weights : null;
  torch.manualSeed(epochSeed(settings.seed, 0, STREAM.init));
  const mlp = new DiagnosticMlp(table, settings.hidden, classes, learned);
  const opt = new torch.Adam(mlp.parameters(), { lr: settings.lr, weightDecay: settings.weightDecay });
  const best = mlp.parameters().map((p) => torch.keep(p.detach().clone()));
  const history: VariantResult['history'] = [];
  let bestDev = -1;
  let bestEpoch = 0;
  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const batches = bucketBatches(splits.train, 'flan', settings.batchSize, new Rng(epochSeed(settings.seed, epoch, STREAM.batches)));
      let lossSum = 0;
      for (const idx of batches) {
        lossSum += torch.scope(() => {
          const sub = idx.map((i) => splits.train[i]!);
          const bags = wordBags(sub, given && idx.map((i) => given.train[i]!), learned);
          opt.zeroGrad();
          const loss = torch.crossEntropy(mlp.forwardBag(bags).logits, labelTensor(sub));
          loss.backward();
          torch.clipGradNorm(opt.params, settings.clip);
          opt.step();
          return loss.item() * sub.length;
        });
      }
      const dev = predictMlp(mlp, splits.dev, given?.dev ?? null, learned, 64) / splits.dev.length;
      history.push({ epoch, trainLoss: lossSum / splits.train.length, devAccuracy: dev });
      if (dev > bestDev) {
        bestDev = dev;
        bestEpoch = epoch;
        torch.scope(() => mlp.parameters().forEach((p, i) => best[i]!.copy_(p)));
      }
      log(`diagnose ${variant} epoch ${epoch}: loss ${(lossSum / splits.train.length).toFixed(4)}, dev ${(100 * dev).toFixed(1)}%`);
    }
    torch.scope(() => mlp.parameters().forEach((p, i) => p.copy_(best[i]!)));
    const testCorrect = splits.test.length ? predictMlp(mlp, splits.test, given?.test ?? null, learned, 64) : 0;
    return {
      variant,
      bestEpoch,
      devAccuracy: bestDev,
      testAccuracy: splits.test.length ? testCorrect / splits.test.length : NaN,
      testCorrect,
      testDocuments: splits.test.length,
      history,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const t of best) t.dispose();
    opt.dispose();
    mlp.dispose();
  }
}
