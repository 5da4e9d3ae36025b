// What `attnlab report` reads from one run folder (one trained model tested on one data set).
//
//   tested-model.json  ModelInfo: data set, architecture, encoder, Table 3 accuracy, provenance, Table 1
//   documents.jsonl    one erasure DocumentResult per line (src/erasure/types.ts)
//   examples.jsonl     optional: DocumentExample per line, for the per-document view of a few documents
//
// The erasure battery's own summary.json may sit beside them; the report computes the same numbers
// by calling the same functions (src/erasure/summary.ts) on documents.jsonl.
import { TEST_NAMES } from '../erasure/tests/index.ts';
import { showBidiControlsPlain } from './bidi.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RANKING_NAMES, TESTED_MODEL_FILE, TOP_ITEM_RANKINGS } from '../erasure/types.ts';
import type { DocumentExample, DocumentResult, TestedModel } from '../erasure/types.ts';

export type { DocumentExample };
import { UserError } from '../util/errors.ts';
import { fileLines } from '../util/lines.ts';
import { CompactStore, compactResult } from '../erasure/compact-results.ts';
import { heldForSummary } from '../erasure/summary.ts';
import { ENCODERS as HAN_FLAN_ENCODERS, FAMILIES, TRANSFORMER_FAMILIES } from '../models/index.ts';
import { msg } from './messages.ts';

export const RUN_FILES = {
  model: TESTED_MODEL_FILE,
  documents: 'documents.jsonl',
  examples: 'examples.jsonl',
  /** Optional: the erasure run's own summary; the report reads only its class names. */
  summary: 'summary.json',
} as const;

// src/models' own lists; importing them does not load libtorch (the addon loads on first use), so a
// report is still drawable on a machine that only has the result files (test/torch/native-api.test.ts).
// A transformer family's encoder is 'transformer' (src/erasure/transformer-test-run.ts); HAN/FLAN's are theirs.
export const ARCHITECTURES = [...FAMILIES, ...TRANSFORMER_FAMILIES] as const;
export const ENCODERS = [...HAN_FLAN_ENCODERS, 'transformer'] as const;
export type Architecture = TestedModel['architecture'];
export type Encoder = TestedModel['encoder'];

/** A transformer run: items are tokens, the minimal set a greedy upper bound, findings F3 treats it as an encoder model. */
export function isTransformer(m: Pick<ModelInfo, 'encoder'>): boolean {
  return m.encoder === 'transformer';
}

/** tested-model.json: who the model is (src/erasure/types.ts TestedModel). Extra keys are allowed and ignored. */
export type ModelInfo = TestedModel;

export interface RunInput {
  /** The folder it came from. */
  folder: string;
  model: ModelInfo;
  documents: DocumentResult[];
  examples: DocumentExample[];
  /** Examples in examples.jsonl beyond MAX_EXAMPLES_PER_RUN, not shown (absent: none). */
  examplesLeftOut?: number;
  /** The class names, from the run's summary.json (absent: no summary.json or none recorded there). */
  classes?: string[];
}

/**
 * "HAN-rnn", "FLAN-noenc": the architecture names the paper uses; a transformer by its grid name ("bert-small") or
 * family ("BERT"); a model trained with another attention normaliser than softmax says which ("FLAN-rnn sparsemax").
 */
export function modelName(m: Pick<ModelInfo, 'architecture' | 'encoder' | 'model' | 'attention'>): string {
  if (isTransformer(m)) return m.model ?? m.architecture.toUpperCase();
  return `${m.architecture.toUpperCase()}-${m.encoder}${m.attention !== undefined && m.attention !== 'softmax' ? ` ${m.attention}` : ''}`;
}

export function readRun(folder: string): RunInput {
  if (!existsSync(folder)) throw new UserError(msg.runFolderMissing(folder));
  if (!statSync(folder).isDirectory()) throw new UserError(msg.runFolderNotFolder(folder));
  const modelPath = join(folder, RUN_FILES.model);
  const documentsPath = join(folder, RUN_FILES.documents);
  if (!existsSync(modelPath) && existsSync(join(folder, 'model.json')) && existsSync(join(folder, 'erasure', RUN_FILES.model)))
    throw new UserError(msg.trainedModelFolder(folder, join(folder, 'erasure')));
  for (const p of [modelPath, documentsPath]) if (!existsSync(p)) throw new UserError(msg.runFileMissing(folder, p));
  const model = parseModelInfo(readJson(modelPath), modelPath);
  // Line by line, each line checked and kept as a compact record (src/erasure/compact-results.ts) of what
  // the summaries read (heldForSummary: an ERASER record keeps its decided class only): a documents.jsonl of
  // 100 k documents (~1.6 GB with 10 classes) is never one string nor 100 k DocumentResult objects.
  const store = new CompactStore();
  const documents: DocumentResult[] = [];
  for (const [i, v] of jsonlValues(documentsPath)) documents.push(compactResult(heldForSummary(checkDocument(v, `${documentsPath}:${i}`)), store));
  if (documents.length === 0) throw new UserError(msg.runHasNoDocuments(documentsPath));
  // Class names: an example carries them, but a run may have none (HAN runs wrote 0 examples before 0217451);
  // summary.json, written by the same run, always has them.
  const classes = summaryClasses(join(folder, RUN_FILES.summary));
  const named = classes ? { classes } : {};
  const examplesPath = join(folder, RUN_FILES.examples);
  if (!existsSync(examplesPath)) return { folder, model, documents, examples: [], ...named };
  // Every example is checked; at most MAX_EXAMPLES_PER_RUN of them, spread evenly over the file, are kept.
  let total = 0;
  for (const [, line] of fileLines(examplesPath)) if (line.trim() !== '') total++;
  const keep = evenSample(total, MAX_EXAMPLES_PER_RUN);
  const examples: DocumentExample[] = [];
  let k = 0;
  for (const [i, v] of jsonlValues(examplesPath)) {
    const e = checkExample(v, `${examplesPath}:${i}`);
    if (keep.has(k++)) examples.push(e);
  }
  return { folder, model, documents, examples, ...(total > examples.length ? { examplesLeftOut: total - examples.length } : {}), ...named };
}

/** summary.json's class names, when the file is there and holds an array of strings; else undefined (they are only labels). */
function summaryClasses(path: string): string[] | undefined {
  if (!existsSync(path)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const classes = isObject(v) ? (v as { classes?: unknown }).classes : undefined;
  return Array.isArray(classes) && classes.length > 0 && classes.every((c) => typeof c === 'string') ? classes : undefined;
}

/** Most example documents of one run the report and its explorer show (examples.jsonl holds one per class and outcome by default). */
export const MAX_EXAMPLES_PER_RUN = 500;

/** `count` positions out of 0..total-1, spread evenly (all of them when total <= count). */
export function evenSample(total: number, count: number): Set<number> {
  if (total <= count) return new Set(Array.from({ length: total }, (_, i) => i));
  return new Set(Array.from({ length: count }, (_, j) => Math.floor((j * total) / count)));
}

export function parseModelInfo(v: unknown, where: string): ModelInfo {
  if (!isObject(v)) throw new UserError(msg.badField(where, 'the file', 'a JSON object'));
  const { dataset, architecture, encoder, testAccuracy } = v as Record<string, unknown>;
  if (typeof dataset !== 'string' || dataset === '') throw new UserError(msg.badField(where, 'dataset', 'a non-empty string'));
  if (!ARCHITECTURES.includes(architecture as Architecture))
    throw new UserError(msg.badField(where, 'architecture', ARCHITECTURES.join(' or ')));
  if (!ENCODERS.includes(encoder as Encoder)) throw new UserError(msg.badField(where, 'encoder', ENCODERS.join(', ')));
  const transformer = (TRANSFORMER_FAMILIES as readonly string[]).includes(architecture as string);
  if (transformer !== (encoder === 'transformer'))
    throw new UserError(msg.badField(where, 'encoder', transformer ? "'transformer' for a transformer architecture" : `${HAN_FLAN_ENCODERS.join(', ')} for ${architecture as string}`));
  const name = (v as Record<string, unknown>).model;
  if (!(name === undefined || (typeof name === 'string' && name !== ''))) throw new UserError(msg.badField(where, 'model', 'a non-empty string'));
  const share = (name: string, x: unknown): void => {
    if (!(x === undefined || x === null || (typeof x === 'number' && x >= 0 && x <= 1)))
      throw new UserError(msg.badField(where, name, 'a number in [0, 1] or null'));
  };
  if (testAccuracy === undefined) throw new UserError(msg.badField(where, 'testAccuracy', 'a number in [0, 1] or null'));
  const rec = v as Record<string, unknown>;
  for (const k of ['testAccuracy', 'testMajority', 'sampleAccuracy']) share(k, rec[k]);
  for (const k of ['training', 'data', 'attnlab'])
    if (!(rec[k] === undefined || rec[k] === null || isObject(rec[k]))) throw new UserError(msg.badField(where, k, 'an object or null'));
  // The optional blocks are shown as they are; their absence (an older or hand-made run) shows as "not recorded".
  // A data set name is shown in SVG headers and captions, where a bidi control in it would reorder the
  // text around it: every control becomes a visible marker ([RLO]) once, here, for every figure and table.
  return { ...(v as TestedModel), dataset: showBidiControlsPlain(dataset), architecture: architecture as Architecture, encoder: encoder as Encoder, testAccuracy: testAccuracy as number | null };
}

function checkDocument(v: unknown, where: string): DocumentResult {
  if (!isObject(v)) throw new UserError(msg.badField(where, 'the line', 'a JSON object'));
  const d = v as Record<string, unknown>;
  if (typeof d.n !== 'number') throw new UserError(msg.badField(where, 'n', 'a number'));
  if (!isObject(d.single) || !TOP_ITEM_RANKINGS.every((r) => r in (d.single as object)))
    throw new UserError(msg.badField(where, 'single', `an object with ${TOP_ITEM_RANKINGS.join(', ')}`));
  if (!isObject(d.multi)) throw new UserError(msg.badField(where, 'multi', 'an object keyed by ranking'));
  for (const r of Object.keys(d.multi))
    if (!(ALL_RANKING_NAMES as readonly string[]).includes(r)) throw new UserError(msg.badField(where, `multi.${r}`, `one of ${ALL_RANKING_NAMES.join(', ')}`));
  if (!isObject(d.minimal)) throw new UserError(msg.badField(where, 'minimal', 'an object'));
  if (d.tests !== undefined) {
    if (!isObject(d.tests)) throw new UserError(msg.badField(where, 'tests', 'an object keyed by test name'));
    for (const t of Object.keys(d.tests))
      if (!(TEST_NAMES as readonly string[]).includes(t)) throw new UserError(msg.badField(where, `tests.${t}`, `one of ${TEST_NAMES.join(', ')}`));
  }
  return v as DocumentResult;
}

function checkExample(v: unknown, where: string): DocumentExample {
  if (!isObject(v)) throw new UserError(msg.badField(where, 'the line', 'a JSON object'));
  const e = v as Record<string, unknown>;
  if (!Array.isArray(e.items) || !e.items.every((it) => Array.isArray(it) && it.every((w) => typeof w === 'string')))
    throw new UserError(msg.badField(where, 'items', 'an array of word arrays'));
  if (!Array.isArray(e.alpha) || e.alpha.length !== e.items.length)
    throw new UserError(msg.badField(where, 'alpha', `an array of ${e.items.length} numbers (one per item)`));
  if (!isObject(e.orders)) throw new UserError(msg.badField(where, 'orders', 'an object keyed by ranking'));
  if (!Array.isArray(e.minimalSet)) throw new UserError(msg.badField(where, 'minimalSet', 'an array of item indices'));
  return v as DocumentExample;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(msg.badJson(path, (err as Error).message));
  }
}

/** The values of a JSONL file's non-empty lines with their line numbers, read one line at a time. */
function* jsonlValues(path: string): Generator<[number, unknown]> {
  for (const [i, raw] of fileLines(path)) {
    const line = raw.trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new UserError(msg.badJson(`${path}:${i}`, (err as Error).message));
    }
    yield [i, v];
  }
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
