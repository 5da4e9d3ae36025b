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
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { loadSafetensors, saveSafetensors } from '../nn/index.ts';
import { buildModel, type AttentionClassifier, type ModelConfig } from '../models/index.ts';
import { UserError } from '../util/errors.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { checkedAs, parseJson, readJsonFile } from '../util/file-schema.ts';
import { LATER_SETTINGS, type TrainConfig } from './config.ts';
import type { LongDocCount, LongDocPolicy } from './long-docs.ts';
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
  /** What was done to documents longer than maxDocTokens, per split (absent: none were long). */
  longDocuments?: { policy: LongDocPolicy; maxDocTokens: number; train: LongDocCount; dev: LongDocCount; test: LongDocCount };
  /** Training documents used: all of the train split, or the seeded sample of config.maxTrainDocs. */
  trainDocuments?: number;
  /** Epochs trained in all (epoch is the best one's), filled in when training ends. */
  epochsRun?: number;
}

// What a file read back must hold. Loose objects: fields other modules add (data set records,
// provenance) pass through unchecked; the ones read here are checked.
const Count = z.object({ long: z.number().int(), truncated: z.number().int(), longest: z.number().int() });
const MetaSchema = z.looseObject({
  format: z.literal('attnlab-model'),
  version: z.literal(1),
  arch: z.string(),
  model: z.looseObject({
    arch: z.string(),
    vocab: z.number().int().positive(),
    classes: z.number().int().positive(),
    emb: z.number().int().positive(),
    encoderSize: z.number().int().positive(),
    dropout: z.looseObject({ word: z.number(), sentence: z.number(), encoder: z.number(), classifier: z.number() }),
  }),
  config: z.looseObject({}),
  profile: z.string(),
  dataset: z.looseObject({ name: z.string(), hash: z.string() }),
  vocabulary: z.array(z.string()),
  labels: z.array(z.string()),
  epoch: z.number().int().nonnegative(),
  devAccuracy: z.number(),
  testAccuracy: z.number().nullable(),
  testMajority: z.number().nullable().optional(),
  longDocuments: z
    .object({ policy: z.enum(['truncate', 'alone']), maxDocTokens: z.number().int(), train: Count, dev: Count, test: Count })
    .optional(),
});
const StateSchema = z.object({
  epoch: z.number().int().nonnegative(),
  step: z.number().int().nonnegative(),
  lr: z.number().positive(),
  bestDev: z.number(),
  bestEpoch: z.number().int().nonnegative(),
  badEpochs: z.number().int().nonnegative(),
  stopped: z.enum(['patience', 'max-epochs']).nullable(),
  history: z.array(z.object({ epoch: z.number().int(), trainLoss: z.number(), devAccuracy: z.number(), lr: z.number(), seconds: z.number() })),
});

/** The way out printed with a damaged checkpoint. */
export const CHECKPOINT_WAY_OUT = 'the checkpoint is damaged: run attnlab train with --fresh to start this model over (or delete the file)';
/** The way out printed with a damaged model file. */
export const MODEL_WAY_OUT =
  'the model file is damaged: run the same attnlab train command again to rebuild it from the checkpoint, or with --fresh to retrain';

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

function readMetaJson(path: string, metadata: Record<string, string>, wayOut: string): unknown {
  const raw = metadata[META_KEY];
  if (!raw) throw new UserError(`${path}: not an attnlab file (its header has no '${META_KEY}' entry); ${wayOut}`);
  return parseJson(raw, `${path} (header entry '${META_KEY}')`, wayOut);
}

function checkedMeta(v: unknown, where: string, wayOut: string): ModelMeta {
  return checkedAs(MetaSchema, v, where, wayOut) as unknown as ModelMeta;
}

/** The ModelMeta + TrainState in a checkpoint's header, checked. */
function readCheckpointMeta(path: string, metadata: Record<string, string>): { meta: ModelMeta; state: TrainState } {
  const v = checkedAs(z.object({ meta: z.unknown(), state: z.unknown() }), readMetaJson(path, metadata, CHECKPOINT_WAY_OUT), path, CHECKPOINT_WAY_OUT);
  return {
    meta: checkedMeta(v.meta, `${path} (meta)`, CHECKPOINT_WAY_OUT),
    state: checkedAs(StateSchema, v.state, `${path} (state)`, CHECKPOINT_WAY_OUT),
  };
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
  const { tensors, metadata } = loadSafetensors(path, { wayOut: CHECKPOINT_WAY_OUT });
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
  const { meta, state } = readCheckpointMeta(path, metadata);
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
  const { tensors } = loadSafetensors(join(dir, MODEL_WEIGHTS), { wayOut: MODEL_WAY_OUT });
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
  return checkedMeta(readJsonFile(path, MODEL_WAY_OUT), path, MODEL_WAY_OUT);
}

/** The epoch recorded inside model.safetensors (throws a UserError when the file is damaged). */
export function modelWeightsEpoch(dir: string): number {
  const path = join(dir, MODEL_WEIGHTS);
  const { tensors, metadata } = loadSafetensors(path, { wayOut: MODEL_WAY_OUT });
  for (const t of tensors.values()) t.dispose();
  return checkedMeta(readMetaJson(path, metadata, MODEL_WAY_OUT), path, MODEL_WAY_OUT).epoch;
}

/**
 * The best-dev model of a training output folder, in eval mode, with its description. The caller disposes
 * the model. Fails clearly when the weights and model.json disagree (an interrupted write).
 */
export function loadModel(dir: string): { model: AttentionClassifier; meta: ModelMeta } {
  const meta = readModelMeta(dir);
  const path = join(dir, MODEL_WEIGHTS);
  if (!existsSync(path)) throw new UserError(`${dir}: ${MODEL_JSON} exists but ${MODEL_WEIGHTS} does not`);
  const { tensors, metadata } = loadSafetensors(path, { wayOut: MODEL_WAY_OUT });
  try {
    const inner = checkedMeta(readMetaJson(path, metadata, MODEL_WAY_OUT), path, MODEL_WAY_OUT);
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
    const had = saved.config[k] ?? LATER_SETTINGS[k];
    if (had !== want.config[k]) fail(`was trained with ${k}=${had}, this run asks for ${k}=${want.config[k]}`);
  }
}
