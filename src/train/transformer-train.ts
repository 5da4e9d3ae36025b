// A small BERT-style classifier trained from scratch on attnlab's prepared data, saved as a Hugging Face
// folder, so that the Hugging Face path (load, tokenize, erase) runs end to end on a real trained model.
//
// What it shares with the HAN/FLAN trainer (trainer.ts): the TrainingData a data set prepares to, the
// length-bucketed batches (batching.ts), the per-(seed, epoch) random streams that make a run repeatable,
// gradient-norm clipping, dev accuracy after every epoch with the best-dev model kept, early stopping, and
// the progress lines and train.jsonl log. What differs: the model (hf-core's BertForSequenceClassification),
// the inputs ([CLS] words [SEP], at most maxTokens), a constant learning rate (transformers are not
// trained with the HAN/FLAN halving), Hugging Face's N(0, 0.02) initialisation, and the output layout:
//
//   <out>/config.json        Hugging Face BertForSequenceClassification config (id2label = the data's labels)
//   <out>/model.safetensors  every parameter under its Hugging Face name
//   <out>/tokenizer.json     WordPiece over the data's vocabulary (hf-tokenizer.ts writer): word ids are
//                            the data set's ids, [CLS] = V, [SEP] = V + 1
//   <out>/attnlab.json       what attnlab knows about the run: data set name and hash, settings, accuracy
//                            (dev, test, majority), epochs, truncation counts. Written last: its presence
//                            with `finished: true` means the run is complete and is not repeated.
//   <out>/train.jsonl        the training log
//
// Word embeddings start from the data's word vectors (word2vec, 200-d) projected onto their top `hidden`
// principal components (centred; rows rescaled to Hugging Face's 0.02 scale), so the encoder starts from
// the same distributional knowledge as HAN/FLAN; [CLS], [SEP] and words without a vector get N(0, 0.02).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { inEvalMode, saveSafetensors } from '../nn/index.ts';
import { attnlabSpecialIds, writeWordPieceTokenizer } from '../models/hf-tokenizer.ts';
import type { TransformerArch } from '../models/registry.ts';
import { buildTransformer } from '../models/transformer-load.ts';
import { transformerBatch, type TransformerClassifier, type TransformerInput } from '../models/transformer-model.ts';
import type { TransformerConfig } from '../models/transformer-config.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { readJsonFile } from '../util/file-schema.ts';
import { Rng } from '../util/rng.ts';
import { STREAM } from '../util/seeding.ts';
import { bucketBatches, sortedBatches } from './batching.ts';
import type { LabeledDoc, TrainingData } from './data.ts';
import { makeProgress, type Progress } from './progress.ts';
import { epochSeed, majorityShare } from './trainer.ts';

export { TRANSFORMER_ARCHS, isTransformerArch, type TransformerArch } from '../models/registry.ts';

export const ATTNLAB_JSON = 'attnlab.json';

export interface TransformerTrainConfig {
  arch: TransformerArch;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  /** Most tokens per document, [CLS] and [SEP] included (= max_position_embeddings). */
  maxTokens: number;
  lr: number;
  batchSize: number;
  maxEpochs: number;
  patience: number;
  clip: number;
  dropout: number;
  seed: number;
  /** Seeds the training-document sample instead of `seed` (absent: `seed`; attnlab reproduce --seeds). */
  sampleSeed?: number;
  /** Train on a seeded sample of at most this many training documents (0: all). */
  maxTrainDocs: number;
}

/**
 * bert-small: 2 layers, 128-d, 4 heads, 256 tokens, Adam 5e-4, batch 32 (the PyTorch measurement:
 * 0.63 test accuracy on brown-genre5 after 8 epochs). Profiles cap epochs and documents as for HAN/FLAN.
 * Learning rate constant, no weight decay (torch.Adam's decay is L2, not AdamW's decoupled decay).
 */
export function transformerPreset(arch: TransformerArch, profile: string): TransformerTrainConfig {
  const base: TransformerTrainConfig = {
    arch,
    hidden: 128,
    layers: 2,
    heads: 4,
    intermediate: 512,
    maxTokens: 256,
    lr: 5e-4,
    batchSize: 32,
    maxEpochs: 20,
    patience: 4,
    clip: 1,
    dropout: 0.1,
    seed: 1,
    maxTrainDocs: 0,
  };
  // demo (npm start): 4 epochs on 2000 documents; brown-genre5's best dev epoch was the 3rd (measured).
  if (profile === 'demo') return { ...base, maxEpochs: 4, patience: 2, maxTrainDocs: 2000 };
  if (profile === 'quick') return { ...base, maxEpochs: 10, patience: 3, maxTrainDocs: 3000 };
  return base;
}

export interface TransformerRunInfo {
  format: 'attnlab-transformer-run';
  version: 1;
  arch: TransformerArch;
  profile: string;
  config: TransformerTrainConfig;
  dataset: { name: string; hash: string };
  labels: string[];
  epoch: number;
  devAccuracy: number;
  testAccuracy: number | null;
  testMajority: number | null;
  /** Training documents used (the sample of at most config.maxTrainDocs); absent in records before it was kept. */
  trainDocuments?: number;
  history: { epoch: number; trainLoss: number; devAccuracy: number; seconds: number }[];
  /** Documents longer than maxTokens (cut at the end), per split. */
  truncated: { train: number; dev: number; test: number };
  embeddings: string;
  finished: boolean;
}

/** A document as bert-small reads it: [CLS] its words [SEP], cut to maxTokens. */
export function documentInput(doc: LabeledDoc | { sentences: readonly Int32Array[] }, vocabSize: number, maxTokens: number): { input: TransformerInput; truncated: boolean } {
  const { cls, sep } = attnlabSpecialIds(vocabSize);
  let n = 0;
  for (const s of doc.sentences) n += s.length;
  const keep = Math.min(n, maxTokens - 2);
  const ids = new Int32Array(keep + 2);
  ids[0] = cls;
  let t = 1;
  outer: for (const s of doc.sentences) {
    for (const id of s) {
      if (t > keep) break outer;
      ids[t++] = id;
    }
  }
  ids[keep + 1] = sep;
  return { input: { ids }, truncated: n > keep };
}

/** The Hugging Face config.json keys of a BertForSequenceClassification of these sizes. */
export function bertConfigJson(cfg: TransformerTrainConfig, vocabSize: number, labels: readonly string[]): Record<string, unknown> {
  const ids = attnlabSpecialIds(vocabSize);
  return {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    attention_probs_dropout_prob: cfg.dropout,
    classifier_dropout: null,
    hidden_act: 'gelu',
    hidden_dropout_prob: cfg.dropout,
    hidden_size: cfg.hidden,
    initializer_range: 0.02,
    intermediate_size: cfg.intermediate,
    layer_norm_eps: 1e-12,
    max_position_embeddings: cfg.maxTokens,
    num_attention_heads: cfg.heads,
    num_hidden_layers: cfg.layers,
    pad_token_id: ids.pad,
    position_embedding_type: 'absolute',
    type_vocab_size: 2,
    vocab_size: ids.size,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    torch_dtype: 'float32',
  };
}

function modelConfig(cfg: TransformerTrainConfig, vocabSize: number, labels: readonly string[]): TransformerConfig {
  return {
    family: 'bert',
    architecture: 'BertForSequenceClassification',
    vocabSize: attnlabSpecialIds(vocabSize).size,
    hidden: cfg.hidden,
    layers: cfg.layers,
    heads: cfg.heads,
    intermediate: cfg.intermediate,
    maxPositions: cfg.maxTokens,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    padTokenId: 0,
    activation: 'gelu',
    labels: [...labels],
    dropout: { hidden: cfg.dropout, attention: cfg.dropout, classifier: cfg.dropout },
  };
}

/**
 * Rows of `vectors` (V x dim, row-major) projected on their top k principal components (centred), then
 * scaled so the entries have standard deviation `std`. Jacobi eigendecomposition of the dim x dim
 * covariance (dim is 200: milliseconds). Rows that are all zero (padding) stay zero.
 */
export function pcaProject(vectors: Float32Array, dim: number, k: number, std: number): Float32Array {
  if (k > dim) throw new UserError(`word vectors are ${dim}-d, fewer than the ${k} dimensions the model needs`);
  const V = vectors.length / dim;
  const mean = new Float64Array(dim);
  let rows = 0;
  const live = new Uint8Array(V);
  for (let r = 0; r < V; r++) {
    let any = false;
    for (let j = 0; j < dim; j++) if (vectors[r * dim + j] !== 0) any = true;
    if (!any) continue;
    live[r] = 1;
    rows++;
    for (let j = 0; j < dim; j++) mean[j]! += vectors[r * dim + j]!;
  }
  for (let j = 0; j < dim; j++) mean[j]! /= Math.max(rows, 1);
  const cov = new Float64Array(dim * dim);
  const x = new Float64Array(dim);
  for (let r = 0; r < V; r++) {
    if (!live[r]) continue;
    for (let j = 0; j < dim; j++) x[j] = vectors[r * dim + j]! - mean[j]!;
    for (let a = 0; a < dim; a++) {
      const xa = x[a]!;
      for (let b = a; b < dim; b++) cov[a * dim + b]! += xa * x[b]!;
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a]!;
  const { values, vectors: eig } = jacobiEigen(cov, dim);
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]!).slice(0, k);
  const out = new Float32Array(V * k);
  let sumSq = 0;
  for (let r = 0; r < V; r++) {
    if (!live[r]) continue;
    for (let c = 0; c < k; c++) {
      const e = order[c]!;
      let s = 0;
      for (let j = 0; j < dim; j++) s += (vectors[r * dim + j]! - mean[j]!) * eig[j * dim + e]!;
      out[r * k + c] = s;
      sumSq += s * s;
    }
  }
  const scale = std / Math.sqrt(sumSq / Math.max(rows * k, 1) || 1);
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return out;
}

/** Eigenvalues and eigenvectors (columns of `vectors`, n x n row-major) of a symmetric matrix, cyclic Jacobi. */
export function jacobiEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

// Hugging Face's BertPreTrainedModel._init_weights: weights N(0, initializer_range), biases 0,
// LayerNorm 1 and 0, the padding row of the word embeddings 0.
function initWeights(model: TransformerClassifier): void {
  torch.noGrad(() => {
    for (const [name, p] of model.namedParameters()) {
      torch.scope(() => {
        if (/LayerNorm\.weight$/.test(name)) p.fill_(1);
        else if (/\.bias$/.test(name) || /LayerNorm\.bias$/.test(name)) p.fill_(0);
        else p.copy_(torch.randn(p.shape).mul(0.02));
      });
    }
  });
}

function setWordEmbeddings(model: TransformerClassifier, data: TrainingData, hidden: number): string {
  const weight = model.namedParameters().get('bert.embeddings.word_embeddings.weight');
  if (!weight) throw new Error('bert-small: no bert.embeddings.word_embeddings.weight');
  if (!data.vectors) {
    torch.noGrad(() => weight.select(0, 0).fill_(0));
    return 'random N(0, 0.02)';
  }
  const V = data.vocab.length;
  const projected = pcaProject(data.vectors, data.vectorDim, hidden, 0.02); // (V, hidden)
  torch.noGrad(() =>
    torch.scope(() => {
      weight.narrow(0, 0, V).copy_(torch.tensor(projected, [V, hidden]));
      weight.select(0, 0).fill_(0);
    }),
  );
  return `${data.vectorDim}-d word vectors, top ${hidden} principal components`;
}

export interface TransformerTrainOptions {
  data: TrainingData;
  config: TransformerTrainConfig;
  outDir: string;
  profile: string;
  progress?: Progress;
  device?: string;
}

export interface TransformerTrainResult {
  outDir: string;
  devAccuracy: number;
  testAccuracy: number | null;
  epochs: number;
  bestEpoch: number;
  /** true when the folder already held a finished run with these settings. */
  reused: boolean;
}

/** Reads <dir>/attnlab.json (a bert-small run's record), or null when there is none. */
export function readTransformerRun(dir: string): TransformerRunInfo | null {
  const path = join(dir, ATTNLAB_JSON);
  if (!existsSync(path)) return null;
  return readJsonFile(path, 'delete it to train again') as TransformerRunInfo;
}

export function accuracyOf(model: TransformerClassifier, inputs: readonly TransformerInput[], labels: readonly number[], batchSize: number, device = 'cpu'): number {
  if (inputs.length === 0) return NaN;
  let correct = 0;
  inEvalMode(model, () => {
    torch.noGrad(() => {
      const asDocs = inputs.map((x) => ({ sentences: [x.ids] }));
      for (const idx of sortedBatches(asDocs, 'flan', batchSize)) {
        const pred = torch.scope(() =>
          model
            .forward(transformerBatch(idx.map((i) => inputs[i]!), 0, device))
            .logits.argmax(1)
            .toInt32Array(),
        );
        idx.forEach((i, j) => (correct += pred[j] === labels[i] ? 1 : 0));
      }
    });
  });
  return correct / inputs.length;
}

function sample(docs: readonly LabeledDoc[], max: number, seed: number): readonly LabeledDoc[] {
  if (max === 0 || docs.length <= max) return docs;
  const perm = new Rng(epochSeed(seed, 0, STREAM.sample)).permutation(docs.length);
  return Array.from(perm.subarray(0, max))
    .sort((a, b) => a - b)
    .map((i) => docs[i]!);
}

function sameConfig(a: TransformerTrainConfig, b: TransformerTrainConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Trains bert-small on `data` into outDir (the Hugging Face layout above). A finished run is reused. */
export function trainTransformer(opts: TransformerTrainOptions): TransformerTrainResult {
  const { data, config: cfg, outDir } = opts;
  const device = opts.device ?? 'cpu';
  const done = readTransformerRun(outDir);
  if (done?.finished) {
    if (done.dataset.hash !== data.hash || !sameConfig(done.config, cfg)) {
      throw new UserError(`${outDir} holds a finished ${done.arch} run with other data or settings; use a new output folder or delete ${join(outDir, ATTNLAB_JSON)}`);
    }
    return { outDir, devAccuracy: done.devAccuracy, testAccuracy: done.testAccuracy, epochs: done.epoch, bestEpoch: done.epoch, reused: true };
  }
  if (cfg.hidden % cfg.heads !== 0) throw new UserError(`${cfg.arch}: hidden ${cfg.hidden} is not a multiple of ${cfg.heads} heads`);
  mkdirSync(outDir, { recursive: true });
  const progress = opts.progress ?? makeProgress({ logPath: join(outDir, 'train.jsonl') });
  const V = data.vocab.length;
  const encode = (docs: readonly LabeledDoc[]): { inputs: TransformerInput[]; labels: number[]; truncated: number } => {
    let truncated = 0;
    const inputs = docs.map((d) => {
      const r = documentInput(d, V, cfg.maxTokens);
      if (r.truncated) truncated++;
      return r.input;
    });
    return { inputs, labels: docs.map((d) => d.label), truncated };
  };
  const trainDocs = sample(data.train, cfg.maxTrainDocs, cfg.sampleSeed ?? cfg.seed);
  const train = encode(trainDocs);
  const dev = encode(data.dev);
  const test = encode(data.test);
  const label = `${data.name} ${cfg.arch}`;

  torch.manualSeed(epochSeed(cfg.seed, 0, STREAM.init));
  const model = buildTransformer(modelConfig(cfg, V, data.classes));
  initWeights(model);
  const embeddings = setWordEmbeddings(model, data, cfg.hidden);
  if (device !== 'cpu') model.to(device);
  const opt = new torch.Adam(model.parameters(), { lr: cfg.lr });
  const info: TransformerRunInfo = {
    format: 'attnlab-transformer-run',
    version: 1,
    arch: cfg.arch,
    profile: opts.profile,
    config: cfg,
    dataset: { name: data.name, hash: data.hash },
    labels: [...data.classes],
    epoch: 0,
    devAccuracy: -1,
    testAccuracy: null,
    testMajority: majorityShare(data.test, data.classes.length),
    trainDocuments: trainDocs.length,
    history: [],
    truncated: { train: train.truncated, dev: dev.truncated, test: test.truncated },
    embeddings,
    finished: false,
  };
  progress.log({ event: 'start', arch: cfg.arch, data: data.name, dataHash: data.hash, trainDocs: trainDocs.length, config: cfg, truncated: info.truncated });
  progress.line(
    `${label}: ${trainDocs.length} training documents (${train.truncated} longer than ${cfg.maxTokens} tokens, cut); embeddings: ${embeddings}`,
  );
  let best: Map<string, Tensor> | null = null;
  let badEpochs = 0;
  try {
    const asDocs = train.inputs.map((x) => ({ sentences: [x.ids] }));
    for (let epoch = 1; epoch <= cfg.maxEpochs && badEpochs < cfg.patience; epoch++) {
      const started = Date.now();
      torch.manualSeed(epochSeed(cfg.seed, epoch, STREAM.dropout));
      const batches = bucketBatches(asDocs, 'flan', cfg.batchSize, new Rng(epochSeed(cfg.seed, epoch, STREAM.batches)));
      model.train();
      let lossSum = 0;
      let seen = 0;
      batches.forEach((idx, b) => {
        const loss = torch.scope(() => {
          opt.zeroGrad();
          const batch = transformerBatch(idx.map((i) => train.inputs[i]!), 0, device);
          const target = torch.tensor(Int32Array.from(idx, (i) => train.labels[i]!), [idx.length], { device });
          const l = torch.crossEntropy(model.forward(batch).logits, target); // (B, C) -> ()
          l.backward();
          torch.clipGradNorm(opt.params, cfg.clip);
          opt.step();
          return l.item();
        });
        if (!Number.isFinite(loss)) throw new Error(`${label}: the training loss became ${loss} at epoch ${epoch}, step ${b + 1}`);
        lossSum += loss * idx.length;
        seen += idx.length;
        const secs = (Date.now() - started) / 1000;
        const rate = seen / Math.max(secs, 1e-3);
        progress.step({ label, epoch, maxEpochs: cfg.maxEpochs, step: b + 1, steps: batches.length, loss: lossSum / seen, dev: info.history.at(-1)?.devAccuracy ?? null, docsPerSecond: rate, etaSeconds: (trainDocs.length - seen) / rate });
      });
      const devAcc = accuracyOf(model, dev.inputs, dev.labels, 64, device);
      const seconds = (Date.now() - started) / 1000;
      const improved = devAcc > info.devAccuracy;
      info.history.push({ epoch, trainLoss: lossSum / seen, devAccuracy: devAcc, seconds });
      if (improved) {
        info.devAccuracy = devAcc;
        info.epoch = epoch;
        badEpochs = 0;
        if (best) for (const t of best.values()) t.dispose();
        best = torch.scope(() => new Map([...model.namedParameters()].map(([k, p]) => [k, torch.keep(p.detach().clone())])));
      } else badEpochs++;
      progress.log({ event: 'epoch', epoch, trainLoss: lossSum / seen, devAccuracy: devAcc, seconds, best: improved });
      progress.line(`${label} epoch ${epoch}: loss ${(lossSum / seen).toFixed(4)}, dev ${(100 * devAcc).toFixed(1)}%${improved ? ' (best)' : ''}, ${seconds.toFixed(1)} s`);
    }
    // The best-dev weights, their test accuracy, then the folder.
    torch.noGrad(() => {
      for (const [k, p] of model.namedParameters()) p.copy_(best!.get(k)!);
    });
    info.testAccuracy = test.inputs.length ? accuracyOf(model, test.inputs, test.labels, 64, device) : null;
    torch.scope(() => {
      const cpu = new Map([...model.namedParameters()].map(([k, p]) => [k, p.device === 'cpu' ? p : p.to('cpu')]));
      saveSafetensors(join(outDir, 'model.safetensors'), cpu, { format: 'pt' });
    });
    writeFileAtomic(join(outDir, 'config.json'), JSON.stringify(bertConfigJson(cfg, V, data.classes), null, 2) + '\n');
    writeWordPieceTokenizer(join(outDir, 'tokenizer.json'), data.vocab);
    info.finished = true;
    writeJsonAtomic(join(outDir, ATTNLAB_JSON), info);
    progress.log({ event: 'end', epochs: info.history.length, bestEpoch: info.epoch, devAccuracy: info.devAccuracy, testAccuracy: info.testAccuracy });
    const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);
    progress.line(`${label}: best dev ${pct(info.devAccuracy)} at epoch ${info.epoch}, test ${pct(info.testAccuracy)} (majority ${pct(info.testMajority)})`);
    return { outDir, devAccuracy: info.devAccuracy, testAccuracy: info.testAccuracy, epochs: info.history.length, bestEpoch: info.epoch, reused: false };
  } finally {
    if (best) for (const t of best.values()) t.dispose();
    progress.close();
    opt.dispose();
    model.dispose();
  }
}

/**
 * One grid stage: bert-small on a data source with a profile's settings (what attnlab reproduce calls for a
 * transformer name). Returns the result line the grid prints.
 */
export async function trainTransformerStage(opts: {
  source: string;
  arch: TransformerArch;
  profile: string;
  outDir: string;
  vectors: 'word2vec' | 'glove' | 'none';
  device?: string;
  log?: (line: string) => void;
}): Promise<string> {
  const { loadTrainingData } = await import('./dataset.ts');
  const data = await loadTrainingData(opts.source, { vectors: opts.vectors, log: opts.log });
  const r = trainTransformer({ data, config: transformerPreset(opts.arch, opts.profile), outDir: opts.outDir, profile: opts.profile, device: opts.device });
  const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);
  return `${opts.arch}\tbest dev ${pct(r.devAccuracy)} (epoch ${r.bestEpoch})\ttest ${pct(r.testAccuracy)}\t${r.outDir}${r.reused ? ' (finished before)' : ''}`;
}
