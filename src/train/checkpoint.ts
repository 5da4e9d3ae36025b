// Files of a training output folder:
//   model.safetensors + model.json   the best-dev model: weights, and architecture, hyperparameters,
//                                    vocabulary, label map, data hash, epoch (the JSON is also inside the
//                                    safetensors header, so the pair can be checked against each other)
//   checkpoint.safetensors           written atomically at the end of every epoch: current weights,
//                                    the optimizer state ("optimizer.*") and, in the header, everything a
//                                    resumed run needs (ModelMeta + TrainState). One file, one rename: a
//                                    run killed at any moment finds either the previous epoch's or this one's.
//   train.jsonl                      the training log (progress.ts)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { loadSafetensors, saveSafetensors } from '../nn/index.ts';
import { buildModel, type AttentionClassifier, type ModelConfig } from '../models/index.ts';
import { UserError } from '../util/errors.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import type { TrainConfig } from './config.ts';
import type { DatasetRecord } from './dataset-record.ts';

export const MODEL_WEIGHTS = 'model.safetensors';
export const MODEL_JSON = 'model.json';
export const CHECKPOINT = 'checkpoint.safetensors';
export const TRAIN_LOG = 'train.jsonl';
const META_KEY = 'attnlab';

/** Everything about a trained model except its weights. */
export interface ModelMeta {
  format: 'attnlab-model';
  version: 1;
  arch: ModelConfig['arch'];
  model: ModelConfig;
  config: TrainConfig;
  profile: string;
  /** The data it was trained on, and where to find it again (dataset-record.ts). */
  dataset: DatasetRecord;
  /** id -> word (0 is padding). */
  vocabulary: string[];
  /** class index -> label. */
  labels: string[];
  /** The epoch these weights come from (1-based). */
  epoch: number;
  devAccuracy: number;
  /** Filled in when training ends (accuracy of the best-dev model on the test split), else null. */
  testAccuracy: number | null;
  /** Share of the test split's most frequent class (the majority-class baseline), or null. */
  testMajority?: number | null;
  /** Training documents used: all of the train split, or the seeded sample of config.maxTrainDocs. */
  trainDocuments?: number;
  /** Epochs trained in all (epoch is the best one's), filled in when training ends. */
  epochsRun?: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  devAccuracy: number;
  lr: number;
  seconds: number;
}

/** Where training stands after the last completed epoch. */
export interface TrainState {
  /** Completed epochs. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  /** Learning rate for the next epoch. */
  lr: number;
  bestDev: number;
  bestEpoch: number;
  /** Epochs since the last improvement. */
  badEpochs: number;
  /** Why training ended, or null while it has epochs left. */
  stopped: null | 'patience' | 'max-epochs';
  history: EpochRecord[];
}

export function vocabHash(vocab: readonly string[]): string {
  return createHash('sha256').update(vocab.join('\n')).digest('hex').slice(0, 16);
}

function readMeta(path: string, metadata: Record<string, string>): Record<string, unknown> {
  const raw = metadata[META_KEY];
  if (!raw) throw new UserError(`${path}: not an attnlab file (its header has no '${META_KEY}' entry)`);
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new UserError(`${path}: the '${META_KEY}' header entry is not JSON`);
  }
}

export function saveCheckpoint(dir: string, model: AttentionClassifier, opt: torch.Adam, meta: ModelMeta, state: TrainState): void {
  const tensors = new Map<string, Tensor>(model.namedParameters());
  const names = [...model.namedParameters().keys()];
  for (const [k, t] of opt.state()) tensors.set(`optimizer.${renameOptimKey(k, names)}`, t);
  saveSafetensors(join(dir, CHECKPOINT), tensors, { [META_KEY]: JSON.stringify({ meta, state }) });
}

// Adam numbers its state by parameter position; the checkpoint names it by parameter name.
function renameOptimKey(k: string, names: string[]): string {
  const m = /^(exp_avg|exp_avg_sq)\.(\d+)$/.exec(k);
  return m ? `${m[1]}.${names[Number(m[2])]}` : k;
}

export interface LoadedCheckpoint {
  meta: ModelMeta;
  state: TrainState;
  weights: Map<string, Tensor>;
  optimizer: Map<string, Tensor>;
}

/**
 * The checkpoint in dir, or null if there is none; refused (checkResumable) unless it was made for `want`.
 * Tensors are the caller's to dispose.
 */
export function loadCheckpoint(dir: string, paramNames: string[], want: ModelMeta): LoadedCheckpoint | null {
  const path = join(dir, CHECKPOINT);
  if (!existsSync(path)) return null;
  const { tensors, metadata } = loadSafetensors(path);
  try {
    return splitCheckpoint(path, tensors, metadata, paramNames, want);
  } catch (err) {
    for (const t of tensors.values()) t.dispose();
    throw err;
  }
}

function splitCheckpoint(
  path: string,
  tensors: Map<string, Tensor>,
  metadata: Record<string, string>,
  paramNames: string[],
  want: ModelMeta,
): LoadedCheckpoint {
  const { meta, state } = readMeta(path, metadata) as { meta: ModelMeta; state: TrainState };
  checkResumable(path, meta, want);
  const weights = new Map<string, Tensor>();
  const optimizer = new Map<string, Tensor>();
  const index = new Map(paramNames.map((n, i) => [n, i]));
  for (const [k, t] of tensors) {
    if (!k.startsWith('optimizer.')) {
      weights.set(k, t);
      continue;
    }
    const m = /^optimizer\.(exp_avg|exp_avg_sq)\.(.+)$/.exec(k);
    if (m) {
      const i = index.get(m[2]!);
      if (i === undefined) throw new UserError(`${path}: optimizer state for '${m[2]}', which the model does not have`);
      optimizer.set(`${m[1]}.${i}`, t);
    } else optimizer.set(k.slice('optimizer.'.length), t);
  }
  return { meta, state, weights, optimizer };
}

export function saveBestModel(dir: string, model: AttentionClassifier, meta: ModelMeta): void {
  // Weights first, JSON second: loadModel checks that both name the same epoch.
  saveSafetensors(join(dir, MODEL_WEIGHTS), model.namedParameters(), { [META_KEY]: JSON.stringify(meta) });
  writeJsonAtomic(join(dir, MODEL_JSON), meta);
}

/** Rewrites model.json and the header of model.safetensors with new meta (e.g. the test accuracy). */
export function updateBestMeta(dir: string, meta: ModelMeta): void {
  const { tensors } = loadSafetensors(join(dir, MODEL_WEIGHTS));
  try {
    saveSafetensors(join(dir, MODEL_WEIGHTS), tensors, { [META_KEY]: JSON.stringify(meta) });
    writeJsonAtomic(join(dir, MODEL_JSON), meta);
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

/** Reads model.json of a training output folder (no weights). */
export function readModelMeta(dir: string): ModelMeta {
  const path = join(dir, MODEL_JSON);
  if (!existsSync(path)) throw new UserError(`${dir}: no ${MODEL_JSON} (is this an attnlab train output folder?)`);
  let meta: ModelMeta;
  try {
    meta = JSON.parse(readFileSync(path, 'utf8')) as ModelMeta;
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (meta.format !== 'attnlab-model' || meta.version !== 1) throw new UserError(`${path}: not an attnlab model description (format ${JSON.stringify(meta.format)}, version ${meta.version})`);
  return meta;
}

/**
 * The best-dev model of a training output folder, in eval mode, with its description. The caller disposes
 * the model. Fails clearly when the weights and model.json disagree (an interrupted write).
 */
export function loadModel(dir: string): { model: AttentionClassifier; meta: ModelMeta } {
  const meta = readModelMeta(dir);
  const path = join(dir, MODEL_WEIGHTS);
  if (!existsSync(path)) throw new UserError(`${dir}: ${MODEL_JSON} exists but ${MODEL_WEIGHTS} does not`);
  const { tensors, metadata } = loadSafetensors(path);
  try {
    const inner = readMeta(path, metadata) as unknown as ModelMeta;
    if (inner.epoch !== meta.epoch || inner.arch !== meta.arch) {
      throw new UserError(
        `${dir}: ${MODEL_WEIGHTS} (${inner.arch}, epoch ${inner.epoch}) and ${MODEL_JSON} (${meta.arch}, epoch ${meta.epoch}) disagree; ` +
          'training was interrupted while saving: run attnlab train on this folder again to finish it',
      );
    }
    const model = buildModel(meta.model);
    try {
      model.loadStateDict(tensors, path);
    } catch (err) {
      model.dispose();
      throw new UserError((err as Error).message);
    }
    model.eval();
    return { model, meta };
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

/**
 * Refuses to resume from a checkpoint made for another architecture, vocabulary, label set or training
 * configuration. maxEpochs, patience and logEvery may change between runs (to train longer, say).
 */
export function checkResumable(path: string, saved: ModelMeta, want: ModelMeta): void {
  const fail = (what: string): never => {
    throw new UserError(`${path} ${what}; use a new output folder, or --fresh to discard it and start over`);
  };
  if (saved.arch !== want.arch) fail(`holds a ${saved.arch} model, not ${want.arch}`);
  if (vocabHash(saved.vocabulary) !== vocabHash(want.vocabulary)) {
    const i = saved.vocabulary.findIndex((w, k) => w !== want.vocabulary[k]);
    const where = i < 0 ? `${saved.vocabulary.length} words, the data has ${want.vocabulary.length}` : `word ${i} is '${saved.vocabulary[i]}' there but '${want.vocabulary[i]}' in the data`;
    fail(`was trained with a different vocabulary (${where})`);
  }
  if (saved.labels.join('\n') !== want.labels.join('\n')) fail(`has labels [${saved.labels.join(', ')}], the data has [${want.labels.join(', ')}]`);
  if (saved.dataset.hash !== want.dataset.hash) fail(`was trained on different data (hash ${saved.dataset.hash}, now ${want.dataset.hash})`);
  const mutable = new Set(['maxEpochs', 'patience', 'logEvery']);
  // Both sides' keys: an optional setting (attentionKind) set on one side only is a difference too.
  for (const k of [...new Set([...Object.keys(saved.config), ...Object.keys(want.config)])] as (keyof TrainConfig)[]) {
    if (mutable.has(k)) continue;
    if (saved.config[k] !== want.config[k]) fail(`was trained with ${k}=${saved.config[k]}, this run asks for ${k}=${want.config[k]}`);
  }
}
