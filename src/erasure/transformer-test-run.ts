// `attnlab test` on a Hugging Face folder: the same run folder as runTest (test-run.ts) — erasure-run.json,
// chunks/<from>-<to>.jsonl (a chunk with this file is done and never redone), then documents.jsonl,
// documents.csv, summary.json, model.json, examples.jsonl — with the transformer row backend. Unlike HAN/FLAN
// runs, no states/ files are kept: a transformer's row state (H × T weights and values per document) is
// cheap to recompute and large to store, so a resumed run re-runs the model pass of the chunks it still has.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import type { SplitName } from '../data/readers.ts';
import { describeEncodeStats, loadHfTokenizer, maxTokensForConfig } from '../models/hf-tokenizer.ts';
import { loadTransformer, type TransformerClassifier, type TransformerFamily, type TransformerInput } from '../models/index.ts';
import { scoreTransformerVariants, transformerItemPositions } from './input-variants.ts';
import type { InputRequest } from './tests/index.ts';
import { readTransformerRun } from '../train/transformer-train.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { chooseExamples, DEFAULT_EXAMPLES_PER_OUTCOME, exampleOf } from './examples.ts';
import { msg } from './messages.ts';
import {
  checkManifest,
  chunkDone,
  chunkFile,
  chunkPath,
  DEFAULT_CHUNK_SIZE,
  needsModel,
  selectDocuments,
  summarizeChunks,
  type TestRunOptions,
  type TestRunResult,
} from './test-run.ts';
import {
  testTransformerDocument,
  transformerItems,
  transformerRowStates,
  withTransformerContext,
  type TransformerDocument,
  type TransformerErasureOptions,
} from './transformer-row.ts';
import { attnlabProvenance } from './provenance.ts';
import { TESTED_MODEL_FILE, type DocumentResult, type TestedModel } from './types.ts';

export interface TransformerTestSource {
  /** Written to tested-model.json. */
  info: { dataset: string; architecture: TransformerFamily; encoder: 'transformer'; folder: string };
  classes: string[];
  model: TransformerClassifier;
  /** Every document of the split, tokenized, in file order. */
  documents: readonly TransformerDocument[];
  /** One line on truncation and unknown tokens (also in summary.json's run). */
  tokenization: string;
}

/**
 * A Hugging Face folder and a prepared data set's split: the model, and each document's words (the
 * data set's own tokens, joined by spaces) encoded by the folder's tokenizer, truncated to the model's
 * maximum length (counted in `tokenization`). The data set's classes must be the model's (by name, or
 * by position when config.json names them LABEL_0, LABEL_1, …).
 */
export function transformerTestSource(folder: string, ds: Dataset, split: SplitName): TransformerTestSource {
  const model = loadTransformer(folder);
  try {
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    const tokenizer = loadHfTokenizer(folder, { maxTokens: maxTokensForConfig(config) });
    const labelOf = labelMap(model.config.labels, ds.labels, folder, ds.name);
    const sp = ds.split(split);
    const texts = Array.from({ length: sp.size }, (_, i) => ds.docText(sp, i).flat().join(' '));
    const { encoded, stats } = tokenizer.encodeAll(texts);
    const documents = encoded.map((e, i): TransformerDocument => ({
      docId: i,
      label: labelOf(sp.labels[i]!),
      input: { ids: Int32Array.from(e.ids), typeIds: Int32Array.from(e.typeIds) },
      special: Uint8Array.from(e.ids, (id) => (tokenizer.specialIds.has(id) ? 1 : 0)),
      tokens: () => e.tokens,
    }));
    return {
      info: { dataset: ds.name, architecture: model.config.family, encoder: 'transformer', folder },
      classes: model.config.labels,
      model,
      documents,
      tokenization: describeEncodeStats(stats, 'documents'),
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function labelMap(modelLabels: string[], dataLabels: string[], folder: string, data: string): (dataLabel: number) => number {
  const generic = modelLabels.every((l, i) => l === `LABEL_${i}`);
  if (generic && modelLabels.length === dataLabels.length) return (k) => k;
  const index = dataLabels.map((name) => modelLabels.indexOf(name));
  if (modelLabels.length !== dataLabels.length || index.some((k) => k < 0)) {
    throw new UserError(
      `${join(folder, 'config.json')}: id2label names the classes ${JSON.stringify(modelLabels)}, but data '${data}' has ` +
        `${JSON.stringify(dataLabels)}; test the model on the data it was trained for (--data), or fix id2label`,
    );
  }
  return (k) => index[k]!;
}

export function runTransformerTest(source: TransformerTestSource, opts: TestRunOptions & TransformerErasureOptions): TestRunResult {
  const log = opts.log ?? (() => {});
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const selected = selectDocuments(source.documents.length, opts.seed, opts.maxDocs);
  // The battery's pass needs no token strings; the examples' pass (below) takes them from source.documents.
  const docs = selected.map((i) => ({ ...source.documents[i]!, tokens: undefined }));
  if (docs.length === 0) throw new UserError(msg.noDocuments(String(opts.run.checkpoint ?? 'the model')));
  const erasure = { heads: opts.heads ?? 'all', specials: opts.specials ?? 'in' } as const;
  const run = { ...opts.run, erasureBackend: 'transformer-row', heads: erasure.heads, specials: erasure.specials, tokenization: source.tokenization };
  checkManifest({ ...opts, run }, chunkSize, docs);
  log(`attnlab test: ${source.tokenization}`);

  const chunks: [number, number][] = [];
  for (let from = 0; from < docs.length; from += chunkSize) chunks.push([from, Math.min(docs.length, from + chunkSize)]);
  const [lo, hi] = opts.range ?? [0, docs.length];
  let computed = 0;
  chunks.forEach(([from, to], c) => {
    const resultsPath = chunkPath(opts.outDir, 'chunks', from, to, 'jsonl');
    if (to <= lo || from >= hi || chunkDone(resultsPath, from, to, log)) return;
    const t0 = performance.now();
    const states = transformerRowStates(source.model, docs.slice(from, to), opts.batchSize);
    const t1 = performance.now();
    const base = { seed: opts.seed, ...erasure, ...(opts.tests ? { tests: opts.tests } : {}) };
    // Input-level tests (DocumentTest.input) hand over their variants; the chunk's are scored together below.
    const pending: { input: TransformerInput; positions: readonly number[]; request: InputRequest }[] = [];
    const results = states.map((s, i) => {
      const d = docs[from + i]!;
      const positions = transformerItemPositions(d.special, erasure);
      const options = needsModel(opts.tests) && positions ? { ...base, deferInput: (request: InputRequest) => pending.push({ input: d.input, positions, request }) } : base;
      return testTransformerDocument(source.model, s, from + i, options);
    });
    scoreTransformerVariants(source.model, pending, opts.batchSize ?? 32, opts.batchTokens);
    writeFileAtomic(resultsPath, chunkFile(from, to, results));
    computed++;
    log(msg.progress(c + 1, chunks.length, from, to, (t1 - t0) / 1000, (performance.now() - t1) / 1000));
  });

  const done = chunks.filter(([from, to]) => chunkDone(chunkPath(opts.outDir, 'chunks', from, to, 'jsonl'), from, to, () => {}));
  const result: TestRunResult = { documents: docs.length, chunks: chunks.length, chunksDone: done.length, chunksComputed: computed, outputs: null };
  if (done.length < chunks.length) {
    log(msg.partial(done.length, chunks.length));
    return result;
  }
  const { documents, summary, outputs } = summarizeChunks(opts.outDir, chunks, source.classes, { seed: opts.seed, bootstrapResamples: opts.bootstrapResamples, run });
  outputs.model = join(opts.outDir, TESTED_MODEL_FILE);
  writeJsonAtomic(outputs.model, testedTransformer(source, opts, run, summary.accuracy, documents.length));
  outputs.examples = join(opts.outDir, 'examples.jsonl');
  writeFileAtomic(outputs.examples, examplesJsonl(source, opts, selected, documents));
  result.outputs = outputs;
  return result;
}

/**
 * examples.jsonl, chosen by outcome as for HAN/FLAN (examples.ts: per predicted class and outcome, the
 * clearest documents): the chosen documents' model pass is run again, with their tokens, and each example
 * takes the battery's own flips from the transformer backend.
 */
function examplesJsonl(source: TransformerTestSource, opts: TestRunOptions & TransformerErasureOptions, selected: readonly number[], documents: readonly DocumentResult[]): string {
  const erasure = { heads: opts.heads ?? 'all', specials: opts.specials ?? 'in' } as const;
  const chosen = chooseExamples(documents, opts.examples ?? DEFAULT_EXAMPLES_PER_OUTCOME);
  if (chosen.length === 0) return '';
  const states = transformerRowStates(source.model, chosen.map((c) => source.documents[selected[c.index]!]!), opts.batchSize);
  return chosen
    .map((c, j) => {
      const state = states[j]!;
      const items = transformerItems(state, erasure)!;
      const ex = withTransformerContext(source.model, state, erasure, (doc) => exampleOf(doc, state.docId, items, source.classes, c.index, { seed: opts.seed, ...erasure }, c.outcomes));
      return JSON.stringify(ex) + '\n';
    })
    .join('');
}

/** The training documents a folder's train.jsonl 'start' event records (for attnlab.json files that predate trainDocuments). */
function trainDocsLogged(folder: string): number | null {
  try {
    const first = JSON.parse(readFileSync(join(folder, 'train.jsonl'), 'utf8').split('\n', 1)[0]!) as { event?: string; trainDocs?: unknown };
    return first.event === 'start' && Number.isInteger(first.trainDocs) ? (first.trainDocs as number) : null;
  } catch {
    return null; // no log, or not ours: "not recorded"
  }
}

/**
 * tested-model.json of a transformer run. Table 3's accuracy is the FULL test split's, which only a folder
 * attnlab trained records (attnlab.json, src/train/transformer-train.ts); the erasure sample's accuracy is
 * sampleAccuracy. A foreign Hugging Face folder has no record: testAccuracy null ("not recorded").
 */
function testedTransformer(
  source: TransformerTestSource,
  opts: TestRunOptions,
  run: Record<string, string | number | boolean>,
  sampleAccuracy: number | null,
  documents: number,
): TestedModel {
  const trained = readTransformerRun(source.info.folder);
  const same = trained !== null && trained.finished && trained.dataset.name === source.info.dataset;
  return {
    ...run,
    ...source.info,
    ...(same ? { model: trained.arch } : {}),
    minimalMethod: 'greedy_upper_bound',
    testAccuracy: same ? trained.testAccuracy : null,
    testMajority: same ? trained.testMajority : null,
    sampleAccuracy,
    documents,
    seed: opts.seed,
    training: same
      ? {
          profile: trained.profile,
          bestEpoch: trained.epoch,
          epochsRun: trained.history.length,
          maxEpochs: trained.config.maxEpochs,
          trainDocuments: trained.trainDocuments ?? trainDocsLogged(source.info.folder),
          maxTrainDocs: trained.config.maxTrainDocs,
          seed: trained.config.seed,
          devAccuracy: trained.devAccuracy,
        }
      : null,
    data: null,
    attnlab: attnlabProvenance(),
    date: new Date().toISOString(),
  };
}
