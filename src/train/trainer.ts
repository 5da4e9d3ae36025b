// The training loop of docs/method.md §1 / Appendix A.1: batches of similar-length documents, Adam, gradient-norm
// clipping, dev accuracy after every epoch, the learning rate multiplied by lrFactor after an epoch without
// a new best, early stopping after `patience` such epochs, the best-dev model kept.
//
// Repeatable and resumable: every epoch draws its batch order and dropout masks from generators seeded by
// (seed, epoch), and a checkpoint is written after every epoch; so a run killed at any moment and started
// again continues from its last completed epoch and ends with exactly the weights an uninterrupted run has.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import * as torch from '../torch/index.ts';
import { buildModel, makeBatch, splitArch, type AttentionClassifier, type Batch } from '../models/index.ts';
import { Rng } from '../util/rng.ts';
import { epochSeed, STREAM } from '../util/seeding.ts';
import { UserError } from '../util/errors.ts';
import { ensureDir, removeStaleTemps } from '../util/atomic.ts';
import { acquireLock } from '../util/lock.ts';
import { bucketBatches, type BatchBudget } from './batching.ts';
import { applyLongDocPolicy } from './long-docs.ts';
import {
  CHECKPOINT,
  MODEL_JSON,
  MODEL_WEIGHTS,
  TRAIN_LOG,
  loadCheckpoint,
  saveBestModel,
  saveCheckpoint,
  updateBestMeta,
  loadModel,
  modelWeightsEpoch,
  readModelMeta,
  type ModelMeta,
  type TrainState,
} from './checkpoint.ts';
import { modelConfigOf, type TrainConfig } from './config.ts';
import { checkTrainingData, type LabeledDoc, type TrainingData } from './data.ts';
import { accuracy } from './evaluate.ts';
import { makeProgress, type Progress } from './progress.ts';
import { batchOn, tensorOn } from './on-device.ts';

export interface TrainOptions {
  data: TrainingData;
  config: TrainConfig;
  /** Output folder: model.safetensors, model.json, checkpoint.safetensors, train.jsonl. */
  outDir: string;
  /** Recorded in model.json ('paper', 'quick', 'custom'). */
  profile?: string;
  /** Discard an existing checkpoint and start from scratch. */
  fresh?: boolean;
  progress?: Progress;
  /** 'cpu' (default), 'cuda', 'cuda:N': parameters, optimizer state and batches live there. */
  device?: string;
  /** When another run holds outDir: wait this many seconds for it (default 0: refuse at once). */
  waitSeconds?: number;
}

/** The lock file of a training output folder (one run at a time). */
export const TRAIN_LOCK = 'train.lock';

/** The batch budget a training configuration sets. */
export function budgetOf(cfg: TrainConfig): BatchBudget {
  return { batchTokens: cfg.batchTokens, aloneOver: cfg.longDocs === 'alone' ? cfg.maxDocTokens : undefined };
}

export interface TrainResult {
  outDir: string;
  /** Epochs completed (in this run and before it). */
  epochs: number;
  bestEpoch: number;
  devAccuracy: number;
  /** Test accuracy of the best-dev model (null when the data has no test split). */
  testAccuracy: number | null;
  stopped: 'patience' | 'max-epochs';
  /** The completed epoch this run resumed after (0 for a fresh start). */
  resumedFrom: number;
  /** Steps this run took (0 when the folder already held a finished run). */
  stepsThisRun: number;
}

export { epochSeed } from '../util/seeding.ts';

/** The training documents actually used: all, or a seeded sample of maxTrainDocs (in original order). */
export function trainingSample(docs: readonly LabeledDoc[], cfg: TrainConfig): readonly LabeledDoc[] {
  if (cfg.maxTrainDocs === 0 || docs.length <= cfg.maxTrainDocs) return docs;
  const perm = new Rng(epochSeed(cfg.sampleSeed ?? cfg.seed, 0, STREAM.sample)).permutation(docs.length);
  const keep = Array.from(perm.subarray(0, cfg.maxTrainDocs)).sort((a, b) => a - b);
  return keep.map((i) => docs[i]!);
}

export function labelTensor(docs: readonly LabeledDoc[]): torch.Tensor {
  return torch.tensor(Int32Array.from(docs, (d) => d.label));
}

/**
 * One optimizer step on one batch: cross-entropy, backward, gradient-norm clipping, Adam. Returns the
 * batch's mean loss. Call inside torch.scope (the trainer and bench:train do).
 */
export function trainStep(model: AttentionClassifier, opt: torch.Adam, batch: Batch, labels: torch.Tensor, clip: number): number {
  opt.zeroGrad();
  const logits = model.forward(batch).logits; // (B, C)
  const loss = torch.crossEntropy(logits, labels);
  loss.backward();
  torch.clipGradNorm(opt.params, clip);
  opt.step();
  return loss.item();
}

export function train(opts: TrainOptions): TrainResult {
  const { data, config: cfg, outDir } = opts;
  checkTrainingData(data, cfg.emb);
  ensureDir(outDir, '--out');
  // One run per folder: a second one would train into the same checkpoint and model files.
  const lock = acquireLock(join(outDir, TRAIN_LOCK), {
    what: `attnlab train ${cfg.arch}`,
    waitSeconds: opts.waitSeconds,
    onWait: (h) => console.error(`${outDir}: waiting for pid ${h.pid} (${h.what}) to finish`),
  });
  try {
    removeStaleTemps(outDir);
    return trainLocked(opts);
  } finally {
    lock.release();
  }
}

function trainLocked(opts: TrainOptions): TrainResult {
  const { config: cfg, outDir } = opts;
  const progress = opts.progress ?? makeProgress({ logPath: join(outDir, TRAIN_LOG) });
  // Documents too long to train on whole are cut (or batched alone), in every split alike.
  const long = {
    train: applyLongDocPolicy(opts.data.train, cfg.longDocs, cfg.maxDocTokens),
    dev: applyLongDocPolicy(opts.data.dev, cfg.longDocs, cfg.maxDocTokens),
    test: applyLongDocPolicy(opts.data.test, cfg.longDocs, cfg.maxDocTokens),
  };
  const data = { ...opts.data, train: long.train.docs, dev: long.dev.docs, test: long.test.docs };
  const anyLong = long.train.count.long + long.dev.count.long + long.test.count.long > 0;
  const budget = budgetOf(cfg);
  const { family } = splitArch(cfg.arch);
  const modelConfig = modelConfigOf(cfg, data.vocab.length, data.classes.length);
  const baseMeta: ModelMeta = {
    format: 'attnlab-model',
    version: 1,
    arch: cfg.arch,
    model: modelConfig,
    config: cfg,
    profile: opts.profile ?? 'custom',
    dataset: data.record ?? { name: data.name, hash: data.hash },
    vocabulary: [...data.vocab],
    labels: [...data.classes],
    epoch: 0,
    devAccuracy: 0,
    testAccuracy: null,
    testMajority: majorityShare(data.test, data.classes.length),
    trainDocuments: trainingSample(data.train, cfg).length,
    ...(anyLong
      ? { longDocuments: { policy: cfg.longDocs, maxDocTokens: cfg.maxDocTokens, train: long.train.count, dev: long.dev.count, test: long.test.count } }
      : {}),
  };

  torch.manualSeed(epochSeed(cfg.seed, 0, STREAM.init));
  const model = buildModel(modelConfig);
  if (data.vectors) model.embedding.setWeights(data.vectors);
  const device = opts.device ?? 'cpu';
  // Before the optimizer: Adam makes its state beside each parameter.
  if (device !== 'cpu') model.to(device);
  const params = model.parameters();
  const opt = new torch.Adam(params, { lr: cfg.lr });
  let state: TrainState = { epoch: 0, step: 0, lr: cfg.lr, bestDev: -1, bestEpoch: 0, badEpochs: 0, stopped: null, history: [] };

  try {
    if (!opts.fresh) {
      const ck = loadCheckpoint(outDir, [...model.namedParameters().keys()], baseMeta);
      if (ck) {
        try {
          model.loadStateDict(ck.weights, join(outDir, CHECKPOINT));
          opt.loadState(ck.optimizer);
        } finally {
          for (const t of [...ck.weights.values(), ...ck.optimizer.values()]) t.dispose();
        }
        // maxEpochs / patience may have been raised since: a stopped run can go on.
        state = { ...ck.state, stopped: null };
        opt.lr = state.lr;
        if (state.epoch >= cfg.maxEpochs || state.badEpochs >= cfg.patience) {
          state.stopped = state.badEpochs >= cfg.patience ? 'patience' : 'max-epochs';
        }
        repairBestModel(outDir, model, baseMeta, state, progress);
      }
    }
    const resumedFrom = state.epoch;
    const train = trainingSample(data.train, cfg);
    const label = `${data.name} ${cfg.arch}`;
    progress.log({ event: resumedFrom ? 'resume' : 'start', arch: cfg.arch, data: data.name, dataHash: data.hash, fromEpoch: resumedFrom, trainDocs: train.length, config: cfg });
    if (resumedFrom > 0) progress.line(`${label}: resuming after epoch ${resumedFrom} (best dev ${(100 * state.bestDev).toFixed(1)}% at epoch ${state.bestEpoch})`);
    if (anyLong) {
      const c = long.train.count;
      progress.log({ event: 'long-docs', policy: cfg.longDocs, maxDocTokens: cfg.maxDocTokens, train: c, dev: long.dev.count, test: long.test.count });
      const n = c.long + long.dev.count.long + long.test.count.long;
      progress.line(
        `${label}: ${n} document${n === 1 ? '' : 's'} longer than ${cfg.maxDocTokens} tokens (train ${c.long}, dev ${long.dev.count.long}, test ${long.test.count.long}; longest ${Math.max(c.longest, long.dev.count.longest, long.test.count.longest)}): ` +
          (cfg.longDocs === 'truncate' ? `truncated to ${cfg.maxDocTokens} tokens (--long-docs alone keeps them whole)` : 'kept whole, each in a batch of its own'),
      );
    }

    let stepsThisRun = 0;
    while (state.stopped === null) {
      const epoch = state.epoch + 1;
      const started = Date.now();
      torch.manualSeed(epochSeed(cfg.seed, epoch, STREAM.dropout));
      const planned = bucketBatches(train, family, cfg.batchSize, new Rng(epochSeed(cfg.seed, epoch, STREAM.batches)), budget);
      const batches = cfg.maxStepsPerEpoch ? planned.slice(0, cfg.maxStepsPerEpoch) : planned;
      model.train();
      let lossSum = 0;
      let docsSeen = 0;
      batches.forEach((idx, b) => {
        const docs = idx.map((i) => train[i]!);
        const loss = torch.scope(() => trainStep(model, opt, batchOn(makeBatch(family, docs), device), tensorOn(labelTensor(docs), device), cfg.clip));
        if (!Number.isFinite(loss)) {
          throw new UserError(
            `${label}: the training loss became ${loss} at epoch ${epoch}, step ${b + 1}; ` +
              (epoch > 1 ? `${join(outDir, CHECKPOINT)} still holds epoch ${epoch - 1}. ` : '') +
              'Lower --lr (or --clip) and start over with --fresh',
          );
        }
        state.step++;
        stepsThisRun++;
        lossSum += loss * docs.length;
        docsSeen += docs.length;
        const secs = (Date.now() - started) / 1000;
        const rate = docsSeen / Math.max(secs, 1e-3);
        progress.step({
          label,
          epoch,
          maxEpochs: cfg.maxEpochs,
          step: b + 1,
          steps: batches.length,
          loss: lossSum / docsSeen,
          dev: state.history.length ? state.history[state.history.length - 1]!.devAccuracy : null,
          docsPerSecond: rate,
          etaSeconds: batches === planned ? (train.length - docsSeen) / rate : (batches.length - b - 1) * (secs / (b + 1)),
        });
        if ((b + 1) % cfg.logEvery === 0) progress.log({ event: 'step', epoch, step: b + 1, steps: batches.length, loss, lr: opt.lr });
      });

      const dev = accuracy(model, data.dev, cfg.batchSize, budget);
      const seconds = (Date.now() - started) / 1000;
      const record = { epoch, trainLoss: lossSum / docsSeen, devAccuracy: dev, lr: opt.lr, seconds };
      const improved = dev > state.bestDev;
      state = {
        ...state,
        epoch,
        history: [...state.history, record],
        bestDev: improved ? dev : state.bestDev,
        bestEpoch: improved ? epoch : state.bestEpoch,
        badEpochs: improved ? 0 : state.badEpochs + 1,
      };
      if (!improved) opt.lr *= cfg.lrFactor;
      state.lr = opt.lr;
      if (state.badEpochs >= cfg.patience) state.stopped = 'patience';
      else if (epoch >= cfg.maxEpochs) state.stopped = 'max-epochs';
      // Best model first, then the checkpoint that records it: a kill in between re-runs this epoch,
      // which reproduces the same best model.
      if (improved) saveBestModel(outDir, model, { ...baseMeta, epoch, devAccuracy: dev });
      saveCheckpoint(outDir, model, opt, { ...baseMeta, epoch, devAccuracy: dev }, state);
      progress.log({ event: 'epoch', ...record, docsPerSecond: docsSeen / Math.max(seconds, 1e-3), best: improved, bestDev: state.bestDev, bestEpoch: state.bestEpoch });
      progress.line(
        `${label} epoch ${epoch}: loss ${record.trainLoss.toFixed(4)}, dev ${(100 * dev).toFixed(1)}%` +
          (improved ? ' (best)' : `, lr -> ${opt.lr.toExponential(2)}`) +
          `, ${formatRate(docsSeen, seconds)}`,
      );
    }

    // The best-dev model's test accuracy goes into model.json, where attnlab eval's table reads it.
    const best = loadModel(outDir);
    let testAccuracy: number | null = best.meta.testAccuracy;
    try {
      if (testAccuracy === null && data.test.length > 0) {
        if (device !== 'cpu') best.model.to(device);
        testAccuracy = accuracy(best.model, data.test, cfg.batchSize, budget);
      }
      // The report's provenance header shows epochs run against the cap.
      if (testAccuracy !== best.meta.testAccuracy || best.meta.epochsRun !== state.epoch) {
        updateBestMeta(outDir, { ...best.meta, testAccuracy, epochsRun: state.epoch });
      }
    } finally {
      best.model.dispose();
    }
    progress.log({ event: 'end', stopped: state.stopped, epochs: state.epoch, bestEpoch: state.bestEpoch, devAccuracy: state.bestDev, testAccuracy });
    progress.line(
      `${label}: stopped (${state.stopped}) after epoch ${state.epoch}; best dev ${(100 * state.bestDev).toFixed(1)}% at epoch ${state.bestEpoch}` +
        (testAccuracy === null ? '' : `, test ${(100 * testAccuracy).toFixed(1)}%`),
    );
    return {
      outDir,
      epochs: state.epoch,
      bestEpoch: state.bestEpoch,
      devAccuracy: state.bestDev,
      testAccuracy,
      stopped: state.stopped,
      resumedFrom,
      stepsThisRun,
    };
  } finally {
    progress.close();
    opt.dispose();
    model.dispose();
  }
}

/**
 * On resume: the best-dev model files must hold the epoch the checkpoint calls best. When they are
 * missing or damaged and the checkpoint's own weights are that epoch, they are rebuilt from it; when
 * the best epoch is an earlier one, its weights are gone and only --fresh helps.
 */
function repairBestModel(outDir: string, model: AttentionClassifier, baseMeta: ModelMeta, state: TrainState, progress: Progress): void {
  if (state.epoch === 0) return;
  // A kill while saving the next epoch's best model leaves files newer than the checkpoint: that epoch
  // is run again and rewrites them.
  const newer = (epochOf: () => number): boolean => {
    try {
      return epochOf() > state.epoch;
    } catch {
      return false;
    }
  };
  if (newer(() => readModelMeta(outDir).epoch) || newer(() => modelWeightsEpoch(outDir))) return;
  let problem: string;
  try {
    const best = loadModel(outDir);
    best.model.dispose();
    if (best.meta.epoch === state.bestEpoch) return;
    problem = `${MODEL_WEIGHTS} holds epoch ${best.meta.epoch}, the checkpoint's best is epoch ${state.bestEpoch}`;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    problem = err.message;
  }
  if (state.bestEpoch !== state.epoch) {
    throw new UserError(
      `${outDir}: the best model (epoch ${state.bestEpoch}) cannot be read (${problem}), and the checkpoint holds epoch ${state.epoch}; ` +
        'run with --fresh to retrain this model',
    );
  }
  const last = state.history[state.history.length - 1];
  saveBestModel(outDir, model, { ...baseMeta, epoch: state.epoch, devAccuracy: last?.devAccuracy ?? state.bestDev });
  progress.line(`${outDir}: rebuilt ${MODEL_WEIGHTS} and ${MODEL_JSON} (epoch ${state.epoch}) from ${CHECKPOINT} (${problem})`);
}

/** Share of the most frequent label (null for no documents). */
export function majorityShare(docs: readonly LabeledDoc[], classes: number): number | null {
  if (docs.length === 0) return null;
  const counts = new Array<number>(classes).fill(0);
  for (const d of docs) counts[d.label]!++;
  return Math.max(...counts) / docs.length;
}

function formatRate(docs: number, seconds: number): string {
  return `${Math.round(docs / Math.max(seconds, 1e-3))} docs/s, ${seconds.toFixed(1)} s`;
}

/** true if outDir holds a checkpoint (a run that was started there, finished or not). */
export function hasCheckpoint(outDir: string): boolean {
  return existsSync(join(outDir, CHECKPOINT));
}
