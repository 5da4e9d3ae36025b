// A trained model together with the data it was trained on, as `attnlab test` and `attnlab eval` need
// them: the data is found from model.json's dataset record (a built-in name, or the recorded absolute
// path, from any folder) or from --data, prepared with the recorded options under the ones given, and
// refused unless it prepares to the recorded hash — with a message that says which file moved or
// changed and that --data takes the data from elsewhere.
import { existsSync } from 'node:fs';
import { loadDataset, type Dataset } from '../data/dataset.ts';
import type { PrepareOptions } from '../data/prepare.ts';
import type { AttentionClassifier } from '../models/index.ts';
import { UserError } from '../util/errors.ts';
import { loadModel, readModelMeta, type ModelMeta } from './checkpoint.ts';
import { recordedPrepareOptions } from './dataset-record.ts';
import { splitDocs } from './dataset.ts';
import { accuracy } from './evaluate.ts';
import { LATER_SETTINGS } from './config.ts';
import { applyLongDocPolicy } from './long-docs.ts';
import { budgetOf, majorityShare } from './trainer.ts';

export interface DataChoice {
  /** A data source instead of the recorded one (a moved file, a copy elsewhere). */
  data?: string;
  /** Data options given on the command line; they override the recorded ones. */
  options?: PrepareOptions;
  log?: (line: string) => void;
}

const short = (sha: string): string => `${sha.slice(0, 12)}…`;

/** The prepared data set a model was trained on, found and checked as described above. */
export async function trainingDatasetOf(meta: ModelMeta, where: string, choice: DataChoice = {}): Promise<Dataset> {
  const rec = meta.dataset;
  const opts: PrepareOptions = { ...recordedPrepareOptions(rec.options), ...choice.options, log: choice.log };
  let source = choice.data;
  if (source === undefined) {
    if (rec.source !== undefined && !rec.builtin) {
      for (const f of rec.files ?? []) {
        if (!existsSync(f.path)) {
          throw new UserError(
            `${where}: was trained on ${f.path} (${f.role} data), which is no longer there; pass the data with --data PATH${rec.test ? ' (and --test FILE)' : ''}`,
          );
        }
      }
      if (rec.test !== undefined && opts.test === undefined) opts.test = rec.test;
      if (rec.dev !== undefined && opts.dev === undefined) opts.dev = rec.dev;
    }
    source = rec.source ?? rec.name;
  }
  let ds: Dataset;
  try {
    ds = await loadDataset(source, opts);
  } catch (err) {
    // A model.json from before the record held only the name: a file's name is no path.
    if (err instanceof UserError && choice.data === undefined && rec.source === undefined && /no such file, folder or built-in/.test(err.message)) {
      throw new UserError(`${where}: records only the data set's name '${rec.name}', which is no built-in corpus and no path here; pass the data it was trained on with --data PATH`);
    }
    throw err;
  }
  if (ds.meta.key !== rec.hash) throw new UserError(`${where}: ${mismatch(meta, source, ds)}; pass the data the model was trained on with --data`);
  return ds;
}

function mismatch(meta: ModelMeta, source: string, ds: Dataset): string {
  const rec = meta.dataset;
  const base = `was trained on data '${rec.name}' (${rec.hash}), but ${source} prepares to ${ds.meta.key}`;
  for (const f of rec.files ?? []) {
    const now = ds.origin?.files.find((g) => g.role === f.role);
    if (!now || now.sha256 === f.sha256) continue;
    if (now.path === f.path) return `${base}: ${f.path} has changed since training (sha256 was ${short(f.sha256)}, now ${short(now.sha256)})`;
    return `${base}: its ${f.role} file ${now.path} (sha256 ${short(now.sha256)}) is not the one trained on (${f.path}, sha256 ${short(f.sha256)})`;
  }
  if (rec.files?.length && ds.origin?.files.length) return `${base} (same files, other data options)`;
  return base;
}

export interface TrainedModel {
  model: AttentionClassifier;
  meta: ModelMeta;
  dataset: Dataset;
}

/**
 * The best-dev model of a training output folder (eval mode; the caller disposes it) and its data. The
 * data is checked first, so a wrong data set costs no weight loading.
 */
export async function loadTrainedModel(dir: string, choice: DataChoice = {}): Promise<TrainedModel> {
  const meta = readModelMeta(dir);
  const dataset = await trainingDatasetOf(meta, dir, choice);
  const { model } = loadModel(dir);
  return { model, meta, dataset };
}

export interface Evaluation {
  meta: ModelMeta;
  /** Test accuracy (null when --stored and training did not finish). */
  accuracy: number | null;
  /** Share of the test split's most frequent class. */
  majority: number | null;
}

/**
 * Test accuracy of a trained model, recomputed on the full test split of its data, with the majority-class
 * share; `stored` takes the numbers recorded at the end of training instead. `cache` (by data hash)
 * shares prepared data between models of one data set.
 */
export async function evaluateTrainedModel(dir: string, choice: DataChoice & { stored?: boolean; cache?: Map<string, Dataset> } = {}): Promise<Evaluation> {
  const meta = readModelMeta(dir);
  if (choice.stored) return { meta, accuracy: meta.testAccuracy, majority: meta.testMajority ?? null };
  let ds = choice.cache?.get(meta.dataset.hash);
  if (!ds) {
    ds = await trainingDatasetOf(meta, dir, choice);
    choice.cache?.set(meta.dataset.hash, ds);
  }
  // As training measured it: long documents cut or kept alone, and batches bounded in padded tokens, so
  // that a corpus with a 200k-token document is evaluated in the memory it was trained in.
  const cfg = { ...LATER_SETTINGS, ...meta.config };
  const docs = splitDocs(ds, ds.test);
  const { docs: bounded } = applyLongDocPolicy(docs, cfg.longDocs, cfg.maxDocTokens);
  const { model } = loadModel(dir);
  try {
    return { meta, accuracy: accuracy(model, bounded, cfg.batchSize, budgetOf(cfg)), majority: majorityShare(docs, ds.labels.length) };
  } finally {
    model.dispose();
  }
}
