// `attnlab test` as a library: the model pass and the battery over a split, in chunks of documents so a
// stopped run resumes where it stopped. Run folder layout:
//   erasure-run.json               the settings; a resumed run must match them
//   states/head.json               the classifier head (W, b, classes)
//   states/<from>-<to>.bin         final-layer states of documents [from, to) of the run (states-io.ts)
//   chunks/<from>-<to>.jsonl       their DocumentResults; a chunk with this file is done and never redone
//   documents.jsonl, documents.csv, summary.json, tested-model.json, examples.jsonl   when every chunk is done
// tested-model.json is not called model.json: that name is a trained model's description (attnlab eval
// finds trained models by it), and a run folder often sits inside the trained model's folder.
// Every file is written atomically, so a crash leaves whole files or none.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { msg } from './messages.ts';
import type { AttentionClassifier } from '../models/index.ts';
import { runDocument } from './battery.ts';
import { chooseExamples, DEFAULT_EXAMPLES_PER_OUTCOME, documentExample, type ChosenExample } from './examples.ts';
import { classifierHead, documentItems, finalLayerStates, type TestDocument } from './final-layer.ts';
import { documentsJsonl, writeOutputs } from './outputs.ts';
import { derivedRng, STREAM } from '../util/seeding.ts';
import { encodeStates, headFromJson, headToJson, readStates } from './states-io.ts';
import { attnlabProvenance, lengthSummary } from './provenance.ts';
import { summarize } from './summary.ts';
import { TESTED_MODEL_FILE } from './types.ts';
import type { ClassifierHead, DataProvenance, DocumentResult, FinalLayerState, TestedModel, TrainingProvenance } from './types.ts';

/** What the erasure run needs from a loaded checkpoint (the models/train side provides it). */
export interface TestSource {
  /** Written to tested-model.json for `attnlab report`. */
  info: {
    dataset: string;
    architecture: 'han' | 'flan';
    encoder: 'rnn' | 'conv' | 'noenc';
    /** The trained model's recorded accuracy and majority share on the full test split (Table 3). */
    testAccuracy?: number | null;
    testMajority?: number | null;
    training?: TrainingProvenance | null;
    /** Table 1 of the data set; the length distribution of the tested split is added here. */
    data?: Omit<DataProvenance, 'lengths'> | null;
  };
  classes: string[];
  model: AttentionClassifier;
  /** Every document of the split, in file order. */
  documents: readonly TestDocument[];
}

export interface TestRunOptions {
  outDir: string;
  seed: number;
  /** Cap on documents: a seeded random sample (docs/method.md §9), never the first N. */
  maxDocs?: number;
  /** Documents per chunk (the unit of resumption). */
  chunkSize?: number;
  /** Only process chunks overlapping documents [from, to) of the run this time (to split work). */
  range?: [number, number];
  batchSize?: number;
  bootstrapResamples?: number;
  /** Documents per (predicted class, outcome) to write to examples.jsonl (default 1; examples.ts). */
  examples?: number;
  /** Shown in summary.json and erasure-run.json: checkpoint, split, ... */
  run: Record<string, string | number | boolean>;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface TestRunResult {
  /** Documents in the run (after --max-docs). */
  documents: number;
  chunks: number;
  chunksDone: number;
  /** Chunks computed by this call (the others were already done or outside --range). */
  chunksComputed: number;
  /** Paths of the final outputs, when every chunk is done. */
  outputs: Record<string, string> | null;
}

export const DEFAULT_CHUNK_SIZE = 500;
/**
 * Example documents of a run that picks its first documents (the transformer run, transformer-test-run.ts).
 * runTest (HAN/FLAN) chooses by outcome instead: `examples` is then per (predicted class, outcome).
 */
export const DEFAULT_EXAMPLES = 20;
export const RUN_MANIFEST = 'erasure-run.json';

/** Indices (into the split) of the documents of the run, ascending: all, or a seeded sample of maxDocs. */
export function selectDocuments(total: number, seed: number, maxDocs?: number): number[] {
  if (maxDocs === undefined || maxDocs >= total) return Array.from({ length: total }, (_, i) => i);
  const perm = derivedRng(seed, STREAM.sample).permutation(total);
  return Array.from(perm.subarray(0, maxDocs)).sort((a, b) => a - b);
}

export function runTest(source: TestSource, opts: TestRunOptions): TestRunResult {
  const log = opts.log ?? (() => {});
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const selected = selectDocuments(source.documents.length, opts.seed, opts.maxDocs);
  const examples = opts.examples ?? DEFAULT_EXAMPLES_PER_OUTCOME;
  // The states files hold no words: examples are chosen once every result is in, and take their words
  // from the source then.
  const docs = selected.map((i) => ({ ...source.documents[i]!, words: undefined }));
  if (docs.length === 0) throw new UserError(msg.noDocuments(String(opts.run.checkpoint ?? 'the checkpoint')));
  checkManifest(opts, chunkSize, docs);

  const headPath = join(opts.outDir, 'states', 'head.json');
  const head = classifierHead(source.model, source.classes);
  if (existsSync(headPath)) {
    // Stored states are only valid for the classifier that made them (a checkpoint retrained in place).
    const stored = headFromJson(JSON.parse(readFileSync(headPath, 'utf8')), headPath);
    if (JSON.stringify(headToJson(stored)) !== JSON.stringify(headToJson(head))) {
      throw new UserError(msg.otherModel(headPath, String(opts.run.checkpoint ?? 'this one')));
    }
  } else writeJsonAtomic(headPath, headToJson(head));

  const chunks: [number, number][] = [];
  for (let from = 0; from < docs.length; from += chunkSize) chunks.push([from, Math.min(docs.length, from + chunkSize)]);
  const [lo, hi] = opts.range ?? [0, docs.length];
  let computed = 0;
  chunks.forEach(([from, to], c) => {
    const resultsPath = chunkPath(opts.outDir, 'chunks', from, to, 'jsonl');
    if (existsSync(resultsPath) || to <= lo || from >= hi) return;
    const t0 = performance.now();
    const statesPath = chunkPath(opts.outDir, 'states', from, to, 'bin');
    let states: FinalLayerState[];
    if (existsSync(statesPath)) states = readStates(statesPath).states;
    else {
      states = finalLayerStates(source.model, docs.slice(from, to), opts.batchSize);
      writeFileAtomic(statesPath, encodeStates(states, head.d, head.C));
    }
    const t1 = performance.now();
    const results = states.map((s, i) => runDocument(s, head, from + i, { seed: opts.seed }));
    writeFileAtomic(resultsPath, documentsJsonl(results));
    const t2 = performance.now();
    computed++;
    log(msg.progress(c + 1, chunks.length, from, to, (t1 - t0) / 1000, (t2 - t1) / 1000));
  });

  const done = chunks.filter(([from, to]) => existsSync(chunkPath(opts.outDir, 'chunks', from, to, 'jsonl')));
  const result: TestRunResult = { documents: docs.length, chunks: chunks.length, chunksDone: done.length, chunksComputed: computed, outputs: null };
  if (done.length < chunks.length) {
    log(msg.partial(done.length, chunks.length));
    return result;
  }
  const documents: DocumentResult[] = chunks.flatMap(([from, to]) => readResults(chunkPath(opts.outDir, 'chunks', from, to, 'jsonl')));
  const options = { seed: opts.seed, bootstrapResamples: opts.bootstrapResamples, run: opts.run };
  const summary = summarize(documents, head.classes, options);
  const outputs: Record<string, string> = writeOutputs(opts.outDir, documents, summary);
  outputs.model = join(opts.outDir, TESTED_MODEL_FILE);
  writeJsonAtomic(outputs.model, testedModel(source, opts, summary.accuracy, documents.length));
  outputs.examples = join(opts.outDir, 'examples.jsonl');
  const itemsOf = (index: number): string[][] | undefined => documentItems(source.model, source.documents[selected[index]!]!);
  writeFileAtomic(outputs.examples, examplesJsonl(opts, chunks, head, chooseExamples(documents, examples), itemsOf));
  result.outputs = outputs;
  return result;
}

function testedModel(source: TestSource, opts: TestRunOptions, sampleAccuracy: number | null, documents: number): TestedModel {
  const { data, ...info } = source.info;
  const sentences = source.documents.map((d) => d.doc.sentences.length);
  const words = source.documents.map((d) => d.doc.sentences.reduce((s, x) => s + x.length, 0));
  const [s, w] = [lengthSummary(sentences), lengthSummary(words)];
  const split = typeof opts.run.split === 'string' ? opts.run.split : 'test';
  return {
    ...opts.run,
    ...info,
    testAccuracy: info.testAccuracy ?? null,
    testMajority: info.testMajority ?? null,
    sampleAccuracy,
    documents,
    seed: opts.seed,
    training: info.training ?? null,
    data: data ? { ...data, lengths: s && w ? { split, documents: source.documents.length, sentences: s, words: w } : null } : null,
    attnlab: attnlabProvenance(),
    date: new Date().toISOString(),
  };
}

/** The file of chunk [from, to) in a run folder's sub-folder ('chunks' results, 'states'). */
export function chunkPath(dir: string, sub: string, from: number, to: number, ext: string): string {
  const pad = (v: number): string => String(v).padStart(7, '0');
  return join(dir, sub, `${pad(from)}-${pad(to)}.${ext}`);
}

export function readResults(path: string): DocumentResult[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as DocumentResult;
      } catch {
        throw new UserError(msg.badChunkLine(path, i + 1));
      }
    });
}

function examplesJsonl(
  opts: TestRunOptions,
  chunks: [number, number][],
  head: ClassifierHead,
  chosen: readonly ChosenExample[],
  itemsOf: (index: number) => string[][] | undefined,
): string {
  const lines: string[] = [];
  for (const [from, to] of chunks) {
    const here = chosen.filter((c) => c.index >= from && c.index < to);
    const path = chunkPath(opts.outDir, 'states', from, to, 'bin');
    if (here.length === 0 || !existsSync(path)) continue;
    const { states } = readStates(path);
    for (const c of here) {
      const state = states[c.index - from]!;
      const items = state.items ?? itemsOf(c.index);
      const ex = documentExample({ ...state, ...(items ? { items } : {}) }, head, c.index, { seed: opts.seed }, c.outcomes);
      if (ex) lines.push(JSON.stringify(ex));
    }
  }
  return lines.map((l) => l + '\n').join('');
}

/** A resumed run must use the same documents and settings; otherwise its chunks would not fit together. */
export function checkManifest(opts: TestRunOptions, chunkSize: number, docs: readonly { docId: string | number }[]): void {
  const digest = createHash('sha256');
  for (const d of docs) digest.update(`${String(d.docId)}\u0000`);
  const manifest = {
    version: 1,
    run: opts.run,
    seed: opts.seed,
    maxDocs: opts.maxDocs ?? null,
    chunkSize,
    documents: docs.length,
    documentIds: digest.digest('hex'),
  };
  const path = join(opts.outDir, RUN_MANIFEST);
  if (existsSync(path)) {
    const old = JSON.parse(readFileSync(path, 'utf8')) as typeof manifest;
    const differs = (Object.keys(manifest) as (keyof typeof manifest)[]).filter(
      (k) => JSON.stringify(old[k]) !== JSON.stringify(manifest[k]),
    );
    if (differs.length > 0) {
      throw new UserError(msg.otherSettings(path, differs));
    }
  } else writeJsonAtomic(path, manifest);
}
