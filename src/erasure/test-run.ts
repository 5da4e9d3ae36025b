// `attnlab test` as a library: the model pass and the battery over a split, in chunks of documents so a
// stopped run resumes where it stopped. Run folder layout:
//   erasure-run.json               the settings; a resumed run must match them
//   test.lock                      held while a run works in the folder (util/lock.ts)
//   states/head.json               the classifier head (W, b, classes)
//   states/<from>-<to>.bin         final-layer states of the model-pass block [from, to) (states-io.ts)
//   chunks/<from>-<to>.jsonl       their DocumentResults after a header line with the document count and
//                                  a checksum; a chunk whose file checks out is done and never redone
//   documents.jsonl, documents.csv, summary.json, tested-model.json, examples.jsonl   when every chunk is done
// Every file is written atomically, so a crash leaves whole files or none; a file damaged afterwards
// (cut short, edited) fails its check and is recomputed, never used.
//
// The model pass runs over fixed blocks of the run (passBlocks: at most BLOCK_DOCS documents and
// BLOCK_TOKENS tokens, in run order), not over chunks: batches are formed inside a block, so every
// document meets the same batch mates whatever --chunk is, and the results do not depend on it (they do
// depend on --batch and --batch-tokens, which are part of the run's settings).
// tested-model.json is not called model.json: that name is a trained model's description (attnlab eval
// finds trained models by it), and a run folder often sits inside the trained model's folder.
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir, removeStaleTemps, writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { checkedAs, parseJson, readJsonFile } from '../util/file-schema.ts';
import { fileLines } from '../util/lines.ts';
import { acquireLock } from '../util/lock.ts';
import { msg } from './messages.ts';
import { docLength, type AttentionClassifier, type TokenDoc } from '../models/index.ts';
import { releaseFreeMemory } from '../torch/index.ts';
import { DEFAULT_BATCH_TOKENS } from '../train/batching.ts';
import { truncateDoc, type LongDocPolicy } from '../train/long-docs.ts';
import { DOCUMENT_TESTS, type InputRequest, type TestName } from './tests/index.ts';
import { scoreDocumentVariants } from './input-variants.ts';
import { runDocument } from './battery.ts';
import { chooseExamples, DEFAULT_EXAMPLES_PER_OUTCOME, documentExample, type ChosenExample } from './examples.ts';
import { classifierHead, DEFAULT_BATCH_SIZE, documentItems, finalLayerStates, type TestDocument } from './final-layer.ts';
import { documentsJsonl, writeOutputsStreamed } from './outputs.ts';
import { derivedRng, STREAM } from '../util/seeding.ts';
import { encodeStates, headFromJson, headToJson, readStates } from './states-io.ts';
import { attnlabProvenance, lengthSummary } from './provenance.ts';
import { extraRankingsOf, heldDocuments, summarize } from './summary.ts';
import { writeEraserExports } from './eraser-export.ts';
import { TESTED_MODEL_FILE } from './types.ts';
import type { AnyRankingName, BatteryOptions, BatterySummary, ClassifierHead, DataProvenance, DocumentResult, FinalLayerState, TestedModel, TrainingProvenance } from './types.ts';

/** What the erasure run needs from a loaded checkpoint (the models/train side provides it). */
export interface TestSource {
  /** Written to tested-model.json for `attnlab report`. */
  info: {
    dataset: string;
    architecture: 'han' | 'flan';
    encoder: 'rnn' | 'conv' | 'noenc';
    /** The attention normaliser, when not softmax (tested-model.json's `attention`). */
    attention?: TestedModel['attention'];
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
  /** Most padded tokens per forward pass (documents x longest); a longer document goes alone. */
  batchTokens?: number;
  /** Documents longer than maxDocTokens: kept whole (alone, the default) or cut (truncate). */
  longDocs?: LongDocPolicy;
  maxDocTokens?: number;
  /** When another run holds the folder: wait this many seconds (default 0: refuse). */
  waitSeconds?: number;
  bootstrapResamples?: number;
  /** Rankings to run (BatteryOptions.rankings; default the paper's six for HAN/FLAN). */
  rankings?: readonly AnyRankingName[];
  /** Per-document tests besides the paper's (BatteryOptions.tests; erasure/tests/index.ts). */
  tests?: readonly TestName[];
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
export const RUN_MANIFEST = 'erasure-run.json';
export const TEST_LOCK = 'test.lock';
/** Model-pass blocks: at most this many documents ... */
export const BLOCK_DOCS = 512;
/** ... and this many tokens (a longer document is a block of its own): bounds the states held in memory. */
export const BLOCK_TOKENS = 250_000;
/** Tokens above which a document is long (see --long-docs; by default kept whole). */
export const DEFAULT_TEST_MAX_DOC_TOKENS = 5_000;

/** Indices (into the split) of the documents of the run, ascending: all, or a seeded sample of maxDocs. */
export function selectDocuments(total: number, seed: number, maxDocs?: number): number[] {
  if (maxDocs === undefined || maxDocs >= total) return Array.from({ length: total }, (_, i) => i);
  const perm = derivedRng(seed, STREAM.sample).permutation(total);
  return Array.from(perm.subarray(0, maxDocs)).sort((a, b) => a - b);
}

export function runTest(source: TestSource, opts: TestRunOptions): TestRunResult {
  ensureDir(opts.outDir, '--out');
  const lock = acquireLock(join(opts.outDir, TEST_LOCK), {
    what: `attnlab test ${String(opts.run.checkpoint ?? '')}`.trim(),
    waitSeconds: opts.waitSeconds,
    onWait: (h) => (opts.log ?? (() => {}))(`attnlab test: ${opts.outDir} is in use by pid ${h.pid}; waiting`),
  });
  try {
    for (const sub of ['', 'states', 'chunks']) removeStaleTemps(join(opts.outDir, sub));
    return runTestLocked(source, opts);
  } finally {
    lock.release();
  }
}

function runTestLocked(source: TestSource, opts: TestRunOptions): TestRunResult {
  const log = opts.log ?? (() => {});
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const batchTokens = opts.batchTokens ?? DEFAULT_BATCH_TOKENS;
  const longDocs = opts.longDocs ?? 'alone';
  const maxDocTokens = opts.maxDocTokens ?? DEFAULT_TEST_MAX_DOC_TOKENS;
  const selected = selectDocuments(source.documents.length, opts.seed, opts.maxDocs);
  const examples = opts.examples ?? DEFAULT_EXAMPLES_PER_OUTCOME;
  // The states files hold no words: examples are chosen once every result is in, and take their words
  // from the source then (cut like the document itself when --long-docs truncate cut it).
  let docs: TestDocument[] = selected.map((i) => ({ ...source.documents[i]!, words: undefined }));
  if (docs.length === 0) throw new UserError(msg.noDocuments(String(opts.run.checkpoint ?? 'the checkpoint')));
  const long = { policy: longDocs, maxDocTokens, long: 0, truncated: 0, longest: 0 };
  for (const d of docs) {
    const n = docLength(d.doc);
    long.longest = Math.max(long.longest, n);
    if (n > maxDocTokens) long.long++;
  }
  if (long.long > 0 && longDocs === 'truncate') {
    docs = docs.map((d) => (docLength(d.doc) > maxDocTokens ? truncateTestDoc(d, maxDocTokens) : d));
    long.truncated = long.long;
  }
  if (long.long > 0) log(msg.longDocuments(long.long, maxDocTokens, long.longest, longDocs));
  const pass = { batchSize: opts.batchSize ?? DEFAULT_BATCH_SIZE, batchTokens, blockDocs: BLOCK_DOCS, blockTokens: BLOCK_TOKENS, longDocs, maxDocTokens };
  checkManifest(opts, chunkSize, docs, pass);

  const headPath = join(opts.outDir, 'states', 'head.json');
  const head = classifierHead(source.model, source.classes);
  if (existsSync(headPath)) {
    // Stored states are only valid for the classifier that made them (a checkpoint retrained in place).
    const stored = headFromJson(readJsonFile(headPath, 'delete it to recompute the states'), headPath);
    if (JSON.stringify(headToJson(stored)) !== JSON.stringify(headToJson(head))) {
      throw new UserError(msg.otherModel(headPath, String(opts.run.checkpoint ?? 'this one')));
    }
  } else writeJsonAtomic(headPath, headToJson(head));

  const chunks: [number, number][] = [];
  for (let from = 0; from < docs.length; from += chunkSize) chunks.push([from, Math.min(docs.length, from + chunkSize)]);
  const [lo, hi] = opts.range ?? [0, docs.length];
  if (lo >= docs.length) throw new UserError(msg.rangePastEnd(lo, hi, docs.length));
  const blocks = new BlockStates(opts.outDir, passBlocks(docs), docs, (from, to) => finalLayerStates(source.model, docs.slice(from, to), pass.batchSize, batchTokens), head, log);
  let computed = 0;
  chunks.forEach(([from, to], c) => {
    const resultsPath = chunkPath(opts.outDir, 'chunks', from, to, 'jsonl');
    if (to <= lo || from >= hi || chunkDone(resultsPath, from, to, log)) return;
    const t0 = performance.now();
    const states = blocks.states(from, to);
    const t1 = performance.now();
    // Input-level tests (DocumentTest.input) hand over their variants; the chunk's are scored together below.
    const pending: { doc: TokenDoc; request: InputRequest }[] = [];
    const inputsOf = (index: number) => (needsModel(opts.tests) ? { deferInput: (request: InputRequest) => pending.push({ doc: docs[index]!.doc, request }) } : {});
    const results = states.map((s, i) => runDocument(s, head, from + i, { seed: opts.seed, ...(opts.rankings ? { rankings: opts.rankings } : {}), ...(opts.tests ? { tests: opts.tests } : {}), ...inputsOf(from + i) }));
    scoreDocumentVariants(source.model, pending, pass.batchSize, batchTokens);
    writeFileAtomic(resultsPath, chunkFile(from, to, results));
    releaseFreeMemory();
    const t2 = performance.now();
    computed++;
    log(msg.progress(c + 1, chunks.length, from, to, (t1 - t0) / 1000, (t2 - t1) / 1000));
  });
  blocks.clear();
  // The model pass's freed tensors and the chunks' freed buffers go back before the summary's work.
  releaseFreeMemory();

  const done = chunks.filter(([from, to]) => chunkDone(chunkPath(opts.outDir, 'chunks', from, to, 'jsonl'), from, to, () => {}));
  const result: TestRunResult = { documents: docs.length, chunks: chunks.length, chunksDone: done.length, chunksComputed: computed, outputs: null };
  if (done.length < chunks.length) {
    log(msg.partial(done.length, chunks.length, opts.range));
    return result;
  }
  const { documents, summary, outputs } = summarizeChunks(opts.outDir, chunks, head.classes, { seed: opts.seed, bootstrapResamples: opts.bootstrapResamples, run: opts.run });
  outputs.model = join(opts.outDir, TESTED_MODEL_FILE);
  writeJsonAtomic(outputs.model, { ...testedModel(source, opts, summary.accuracy, documents.length), ...(long.long > 0 ? { longDocuments: long } : {}) });
  outputs.examples = join(opts.outDir, 'examples.jsonl');
  const itemsOf = (index: number): string[][] | undefined => {
    const original = source.documents[selected[index]!]!;
    const doc = long.truncated > 0 && docLength(original.doc) > maxDocTokens ? truncateTestDoc(original, maxDocTokens) : original;
    return documentItems(source.model, doc);
  };
  writeFileAtomic(outputs.examples, examplesJsonl(opts, blocks, head, chooseExamples(documents, examples), itemsOf));
  result.outputs = outputs;
  return result;
}

/** Whether any selected test re-runs the model on edited inputs (DocumentTest.input). */
export function needsModel(tests: readonly TestName[] | undefined): boolean {
  return (tests ?? []).some((name) => (DOCUMENT_TESTS[name] as { input?: unknown }).input !== undefined);
}

/** A document cut to its first maxTokens tokens, its words (for the examples) cut alike. */
function truncateTestDoc(d: TestDocument, maxTokens: number): TestDocument {
  const doc = truncateDoc(d.doc, maxTokens);
  const words = d.words;
  return {
    ...d,
    doc,
    words: words === undefined ? undefined : () => words().slice(0, doc.sentences.length).map((w, j) => w.slice(0, doc.sentences[j]!.length)),
  };
}

/**
 * The model-pass blocks of a run: consecutive documents, at most BLOCK_DOCS of them and BLOCK_TOKENS
 * tokens (one longer document makes a block alone). They depend on the documents only.
 */
export function passBlocks(docs: readonly TestDocument[]): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  let tokens = 0;
  docs.forEach((d, i) => {
    const n = docLength(d.doc);
    if (i > from && (i - from >= BLOCK_DOCS || tokens + n > BLOCK_TOKENS)) {
      out.push([from, i]);
      from = i;
      tokens = 0;
    }
    tokens += n;
  });
  if (from < docs.length) out.push([from, docs.length]);
  return out;
}

/**
 * Final-layer states by block: read from states/<from>-<to>.bin when the file is there and holds exactly the
 * block's documents, else computed and stored. Keeps the blocks of the current chunk in memory only.
 */
class BlockStates {
  private cache = new Map<number, FinalLayerState[]>();
  constructor(
    private readonly dir: string,
    readonly blocks: [number, number][],
    private readonly docs: readonly TestDocument[],
    private readonly compute: (from: number, to: number) => FinalLayerState[],
    private readonly head: ClassifierHead,
    private readonly log: (line: string) => void,
  ) {}

  path(from: number, to: number): string {
    return chunkPath(this.dir, 'states', from, to, 'bin');
  }

  /** States of documents [from, to) of the run. */
  states(from: number, to: number): FinalLayerState[] {
    for (const k of [...this.cache.keys()]) if (this.blocks[k]![1] <= from) this.cache.delete(k);
    const out: FinalLayerState[] = [];
    this.blocks.forEach(([bf, bt], k) => {
      if (bt <= from || bf >= to) return;
      const block = this.block(k);
      for (let i = Math.max(from, bf); i < Math.min(to, bt); i++) out.push(block[i - bf]!);
    });
    return out;
  }

  /** Stored states of a block, or null (never computes). */
  stored(k: number): FinalLayerState[] | null {
    const [from, to] = this.blocks[k]!;
    const path = this.path(from, to);
    if (!existsSync(path)) return null;
    try {
      const { states, d, C } = readStates(path);
      const ids = this.docs.slice(from, to).map((x) => String(x.docId));
      if (d !== this.head.d || C !== this.head.C || states.length !== to - from || states.some((s, i) => String(s.docId) !== ids[i])) {
        throw new UserError(msg.badStatesFile(path, `holds ${states.length} documents of width ${d}, expected the ${to - from} documents ${from}-${to - 1} of the run`));
      }
      return states;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      this.log(`${err.message.replace(/; delete it to recompute it$/, '')}: recomputing it`);
      rmSync(path, { force: true });
      return null;
    }
  }

  private block(k: number): FinalLayerState[] {
    const hit = this.cache.get(k);
    if (hit) return hit;
    const [from, to] = this.blocks[k]!;
    let states = this.stored(k);
    if (!states) {
      states = this.compute(from, to);
      // z without h: a tenth of the disk (states-io.ts); the states in memory keep h for this chunk.
      writeFileAtomic(this.path(from, to), encodeStates(states, this.head.d, this.head.C, { dropH: true }));
    }
    this.cache.set(k, states);
    return states;
  }

  clear(): void {
    this.cache.clear();
  }
}

const ChunkHeader = z.object({
  attnlabChunk: z.literal(1),
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  documents: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** A chunk file: a header line (range, document count, SHA-256 of the lines below it), then one line per document. */
export function chunkFile(from: number, to: number, results: readonly DocumentResult[]): string {
  const body = documentsJsonl(results);
  const header = { attnlabChunk: 1, from, to, documents: results.length, sha256: sha256(body) };
  return JSON.stringify(header) + '\n' + body;
}

/**
 * One pass over a chunk file, 1 MiB at a time: its header checked, the SHA-256 of the lines below it, each
 * non-empty line handed to `line` (to parse it, or not). A 500-document chunk of a 10-class corpus is ~8 MB;
 * read whole and then split, its copies were the larger part of a 100 k-document run's read-back garbage
 * (docs/scale.md). Returns why the file cannot be used, or null. The lines are hashed with their '\n', as
 * chunkFile wrote them: a file that lost only its final newline still holds every line whole and passes.
 */
function scanChunk(path: string, from: number, to: number, line?: (text: string, lineNo: number) => void): string | null {
  let header: z.infer<typeof ChunkHeader> | undefined;
  const hash = createHash('sha256');
  let lines = 0;
  for (const [no, text] of fileLines(path)) {
    if (header === undefined) {
      try {
        header = checkedAs(ChunkHeader, parseJson(text, `${path}:1`), `${path}:1`);
      } catch (err) {
        if (err instanceof UserError) return err.message.replace(`${path}:1: `, 'header: ');
        throw err;
      }
      if (header.from !== from || header.to !== to || header.documents !== to - from)
        return `its header says documents ${header.from}-${header.to - 1} (${header.documents}), expected ${from}-${to - 1} (${to - from})`;
      continue;
    }
    hash.update(text);
    hash.update('\n');
    if (text === '') continue;
    lines++;
    line?.(text, no);
  }
  if (header === undefined) return 'no header line';
  if (lines !== header.documents) return `it holds ${lines} of its ${header.documents} documents (cut short)`;
  if (hash.digest('hex') !== header.sha256) return 'its checksum does not match (the file was changed after it was written)';
  return null;
}

/** true when the chunk's file exists and checks out; a damaged one is reported, deleted and redone. */
export function chunkDone(path: string, from: number, to: number, log: (line: string) => void): boolean {
  if (!existsSync(path)) return false;
  const problem = scanChunk(path, from, to);
  if (problem === null) return true;
  log(msg.badChunk(path, problem));
  rmSync(path, { force: true });
  return false;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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

/**
 * A finished run's summary and outputs from its chunk files, for HAN/FLAN and transformer runs alike. The
 * results are read back chunk by chunk: the summary and the examples work over held compact records
 * (summary.ts heldDocuments), and documents.jsonl / .csv and the ERASER export, which need whole records,
 * are written from the chunk files as they are read again, so a large run never holds its DocumentResult
 * objects (the same bytes as the in-memory writers: test/erasure/streamed-outputs.test.ts,
 * transformer-streamed-outputs.test.ts).
 */
export function summarizeChunks(
  outDir: string,
  chunks: readonly [number, number][],
  classes: string[],
  options: BatteryOptions & { run?: BatterySummary['run'] },
): { documents: DocumentResult[]; summary: BatterySummary; outputs: Record<string, string> } {
  const chunkResults = function* (): Generator<DocumentResult[]> {
    for (const [from, to] of chunks) yield readResults(chunkPath(outDir, 'chunks', from, to, 'jsonl'), from, to);
  };
  const documents = heldDocuments(chunkResults());
  const summary = summarize(documents, classes, options);
  releaseFreeMemory();
  const outputs: Record<string, string> = writeOutputsStreamed(outDir, chunkResults, extraRankingsOf(documents), summary);
  const eachResult = function* (): Generator<DocumentResult> {
    for (const rs of chunkResults()) yield* rs;
  };
  Object.assign(outputs, writeEraserExports(outDir, eachResult(), classes));
  return { documents, summary, outputs };
}

/** The DocumentResults of a chunk file, read and checked in one pass (scanChunk); a damaged file is an error here. */
export function readResults(path: string, from: number, to: number): DocumentResult[] {
  const results: DocumentResult[] = [];
  const problem = scanChunk(path, from, to, (text, lineNo) => {
    try {
      results.push(JSON.parse(text) as DocumentResult);
    } catch {
      throw new UserError(msg.badChunkLine(path, lineNo));
    }
  });
  if (problem !== null) throw new UserError(msg.badChunk(path, problem));
  return results;
}

function examplesJsonl(
  opts: TestRunOptions,
  blocks: BlockStates,
  head: ClassifierHead,
  chosen: readonly ChosenExample[],
  itemsOf: (index: number) => string[][] | undefined,
): string {
  const lines: string[] = [];
  for (let k = 0; k < blocks.blocks.length; k++) {
    const [from, to] = blocks.blocks[k]!;
    const here = chosen.filter((c) => c.index >= from && c.index < to);
    if (here.length === 0) continue;
    const states = blocks.stored(k);
    if (!states) continue;
    for (const c of here) {
      const state = states[c.index - from]!;
      const items = state.items ?? itemsOf(c.index);
      const ex = documentExample({ ...state, ...(items ? { items } : {}) }, head, c.index, { seed: opts.seed }, c.outcomes);
      if (ex) lines.push(JSON.stringify(ex));
    }
  }
  return lines.map((l) => l + '\n').join('');
}

const Manifest = z.looseObject({
  version: z.number().int(),
  run: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  seed: z.number().int(),
  maxDocs: z.number().int().nullable(),
  chunkSize: z.number().int().positive(),
  documents: z.number().int().nonnegative(),
  documentIds: z.string(),
});

/** A resumed run must use the same documents and settings; otherwise its chunks would not fit together. */
export function checkManifest(opts: TestRunOptions, chunkSize: number, docs: readonly { docId: string | number }[], pass: Record<string, string | number> | null = null): void {
  const digest = createHash('sha256');
  for (const d of docs) digest.update(`${String(d.docId)}\u0000`);
  const manifest = {
    version: 2,
    run: opts.run,
    seed: opts.seed,
    maxDocs: opts.maxDocs ?? null,
    chunkSize,
    documents: docs.length,
    documentIds: digest.digest('hex'),
    pass,
  };
  const path = join(opts.outDir, RUN_MANIFEST);
  if (existsSync(path)) {
    const wayOut = 'delete it (and the folder) to start this run over, or pass another --out';
    const old = checkedAs(Manifest, readJsonFile(path, wayOut), path, wayOut) as Record<string, unknown>;
    const differs = (Object.keys(manifest) as (keyof typeof manifest)[]).filter(
      (k) => JSON.stringify(old[k] ?? null) !== JSON.stringify(manifest[k]),
    );
    if (differs.length > 0) {
      throw new UserError(msg.otherSettings(path, differs));
    }
  } else writeJsonAtomic(path, manifest);
}
