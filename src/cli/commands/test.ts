// attnlab test <checkpoint> [--split test] [--data SOURCE] [data options] [--max-docs N] [--seed N] [--out DIR] [--chunk N] [--range A:B]
// Runs the erasure battery (docs/method.md §3–9) on a trained model: one model pass stores the final-layer states,
// then every test reads them. Progress on stderr; results in the run folder; resumable by chunk.
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { integerOption, parseCommandArgs, requiredInteger } from '../args.ts';
import { DATA_OPTIONS, DATA_OPTIONS_HELP, dataOptionsFrom } from '../data-options.ts';
import type { PrepareOptions } from '../../data/prepare.ts';
import { DEVICE_HELP, resolveDevice } from '../../train/device.ts';
import { DEFAULT_CHUNK_SIZE, DEFAULT_TEST_MAX_DOC_TOKENS, runTest, type TestRunOptions, type TestRunResult, type TestSource } from '../../erasure/test-run.ts';
import { DEFAULT_BATCH_TOKENS } from '../../train/batching.ts';
import type { TransformerErasureOptions } from '../../erasure/transformer-row.ts';
import { isHfFolder } from '../../models/transformer-load.ts';
import { LINEAR_RANKING_NAMES } from '../../erasure/types.ts';
import { DEFAULT_TEST_NAMES, TEST_NAMES, type TestName } from '../../erasure/tests/index.ts';

const HELP = `usage: attnlab test <checkpoint> [options]

<checkpoint> is an attnlab train output folder (model.json + model.safetensors), or a Hugging Face
folder (config.json + model.safetensors + tokenizer.json or vocab.txt) of a BERT, DistilBERT or RoBERTa
sequence classifier: then --data is required, and the erasure is at the last layer's attention row of
[CLS] / <s> (docs/transformers.md); its minimal flip set is a greedy upper bound, not exact.

Erasure tests of Serrano & Smith (2019) on a trained model: single-weight and multi-weight tests for
every ranking, and the exact minimal flip set. Writes into --out: documents.jsonl, documents.csv,
summary.json, tested-model.json, examples.jsonl (see README "Erasure outputs").

options:
  --split NAME      data split to test on: train, dev or test (default: test)
  --data SOURCE     the data set the model was trained on (default: the one recorded in model.json — a
                    built-in name, or the file's absolute path, checked against its sha256)
  --max-docs N      a seeded random sample of N documents (default: all)
  --seed N          seed of every random choice (default: 1)
  --out DIR         run folder (default: runs/test-<checkpoint name>)
  --chunk N         documents per chunk, the unit of resumption (default: ${DEFAULT_CHUNK_SIZE})
  --range A:B       only process the chunks covering documents A..B-1 of the run this time
  --batch N         documents per forward pass (default: 64)
  --batch-tokens N  most padded tokens per forward pass, documents x longest (default: ${DEFAULT_BATCH_TOKENS});
                    a longer document is a batch of its own
  --long-docs P     documents longer than --max-doc-tokens: alone (default: kept whole) | truncate (cut
                    to --max-doc-tokens tokens); the count is printed and written to model.json
  --max-doc-tokens N  (default: ${DEFAULT_TEST_MAX_DOC_TOKENS})
  --resamples N     bootstrap resamples for the intervals (default: 1000)
  --wait            when another run works in the same --out, wait for it (default: refuse)
  --threads N       torch threads (default: all cores; more than the cores are capped, with a warning)
  --rankings SET    HAN/FLAN: paper (the paper's six, default) or all (adds signed leave-one-out,
                    attention norm and integrated gradients, docs/faithfulness.md)
  --tests SET       per-document tests besides the paper's: default (the cheap ones: ${DEFAULT_TEST_NAMES.join(', ')}),
                    all, none, or a comma-separated list of: ${TEST_NAMES.join(', ')}
  --device D        where the model pass runs: ${DEVICE_HELP}
  --heads all|each  Hugging Face folders: erase a position in every head (all, default) or each head alone
  --specials in|out Hugging Face folders: special tokens in the item set (in, default) or never erased

A stopped run resumes: run the same command again; finished chunks are not redone. Results do not depend
on --chunk (the model pass runs over fixed blocks of the run); --batch and --batch-tokens change the
model's float32 rounding, so they are part of the run's settings.

${DATA_OPTIONS_HELP}
(by default the options the model's data was prepared with, from model.json)`;

export type LoadTestSource = (checkpoint: string, split: string, data: string | undefined, options: PrepareOptions) => Promise<TestSource>;

const SPLITS = ['train', 'dev', 'test'] as const;

/** A training output folder and its data (src/train/trained-model.ts), as the erasure run reads them. */
export async function loadTrainOutput(checkpoint: string, split: string, data: string | undefined, options: PrepareOptions = {}): Promise<TestSource> {
  if (!(SPLITS as readonly string[]).includes(split)) throw new UserError(`attnlab test: --split must be one of ${SPLITS.join(', ')}, got '${split}'`);
  const { loadTrainedModel } = await import('../../train/trained-model.ts');
  const { model, meta, dataset: ds } = await loadTrainedModel(checkpoint, { data, options, log: (line) => console.error(line) });
  const sp = ds.split(split as (typeof SPLITS)[number]);
  const [architecture, encoder] = meta.arch.split('-') as [TestSource['info']['architecture'], TestSource['info']['encoder']];
  const { datasetStats } = await import('../../data/stats.ts');
  const table1 = datasetStats(ds);
  return {
    info: {
      dataset: meta.dataset.name,
      architecture,
      encoder,
      ...(meta.model.attentionKind !== undefined && meta.model.attentionKind !== 'softmax' ? { attention: meta.model.attentionKind } : {}),
      // What the report needs about the trained model: Table 3 (full test split) and its provenance.
      testAccuracy: meta.testAccuracy,
      testMajority: meta.testMajority ?? null,
      training: {
        profile: meta.profile,
        bestEpoch: meta.epoch,
        epochsRun: meta.epochsRun ?? null,
        maxEpochs: meta.config.maxEpochs,
        trainDocuments: meta.trainDocuments ?? null,
        maxTrainDocs: meta.config.maxTrainDocs,
        seed: meta.config.seed,
        devAccuracy: meta.devAccuracy,
      },
      data: {
        name: meta.dataset.name,
        hash: meta.dataset.hash,
        words: table1.words,
        sentences: table1.sentences,
        trainDev: table1.trainDev,
        test: table1.test,
        classes: table1.classes,
      },
    },
    classes: meta.labels,
    model,
    documents: Array.from({ length: sp.size }, (_, i) => ({
      docId: i,
      label: sp.labels[i]!,
      // Read from the split file when the pass needs it, not held for the whole split (docs/scale.md).
      doc: { get sentences() { return ds.docSentences(sp, i); } },
      words: () => ds.docText(sp, i),
    })),
  };
}

/** The command with its loader injectable (tests pass a fake model). */
export async function runTestCommand(args: string[], load: LoadTestSource = loadTrainOutput): Promise<number> {
  const { values, positionals } = parseCommandArgs('test', args, {
    split: { type: 'string', default: 'test' },
    data: { type: 'string' },
    'max-docs': { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    chunk: { type: 'string', default: String(DEFAULT_CHUNK_SIZE) },
    range: { type: 'string' },
    batch: { type: 'string', default: '64' },
    'batch-tokens': { type: 'string', default: String(DEFAULT_BATCH_TOKENS) },
    'long-docs': { type: 'string', default: 'alone' },
    'max-doc-tokens': { type: 'string', default: String(DEFAULT_TEST_MAX_DOC_TOKENS) },
    resamples: { type: 'string', default: '1000' },
    wait: { type: 'boolean', default: false },
    threads: { type: 'string' },
    rankings: { type: 'string', default: 'paper' },
    tests: { type: 'string', default: 'default' },
    device: { type: 'string', default: 'auto' },
    heads: { type: 'string', default: 'all' },
    specials: { type: 'string', default: 'in' },
    help: { type: 'boolean', short: 'h', default: false },
    ...DATA_OPTIONS,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`attnlab test: expected one checkpoint, got ${positionals.length}\n\n${HELP}`);
  const checkpoint = positionals[0]!;
  const integer = (name: string, v: string, min: number): number => requiredInteger('test', name, v, min);
  const longDocs = longDocPolicy(values['long-docs']);
  if (values.threads !== undefined) {
    const { setNumThreads } = await import('../../torch/index.ts');
    setNumThreads(integer('--threads', values.threads, 1));
  }
  const seed = integer('--seed', values.seed, 0);
  const maxDocs = integerOption('test', '--max-docs', values['max-docs'], 1);
  const dataOptions = dataOptionsFrom('test', values);
  const outDir = values.out ?? `runs/test-${checkpoint.replace(/\/+$/, '').split('/').pop()!.replace(/\.[^.]*$/, '')}`;
  const rankingSet = oneOf('--rankings', values.rankings, ['paper', 'all'] as const);
  const tests = testSet(values.tests);
  const options = {
    outDir,
    seed,
    maxDocs,
    chunkSize: integer('--chunk', values.chunk, 1),
    range: values.range === undefined ? undefined : range(values.range),
    batchSize: integer('--batch', values.batch, 1),
    batchTokens: integer('--batch-tokens', values['batch-tokens'], 1),
    longDocs,
    maxDocTokens: integer('--max-doc-tokens', values['max-doc-tokens'], 1),
    waitSeconds: values.wait ? Infinity : 0,
    bootstrapResamples: integer('--resamples', values.resamples, 1),
    // In run (so in the resume manifest): a rerun with another ranking set is refused, not mixed.
    run: { checkpoint, split: values.split, ...(rankingSet === 'all' ? { rankings: 'all' } : {}), tests: tests.join(',') },
    ...(rankingSet === 'all' ? { rankings: LINEAR_RANKING_NAMES } : {}),
    tests,
    log: (line: string) => console.error(line),
  };
  const device = await resolveDevice(values.device, 'attnlab test');
  let result: TestRunResult;
  if (isHfFolder(checkpoint)) {
    result = await runHfTest(checkpoint, values.split, values.data, device, { ...options, heads: oneOf('--heads', values.heads, ['all', 'each'] as const), specials: oneOf('--specials', values.specials, ['in', 'out'] as const) });
  } else {
    const source = await load(checkpoint, values.split, values.data, dataOptions);
    // Only the model pass runs on the device; the tests read the final-layer states back on the CPU.
    if (device !== 'cpu') source.model.to(device);
    result = runTest(source, options);
  }
  if (result.outputs) {
    console.error(`attnlab test: ${result.documents} documents; wrote ${Object.values(result.outputs).join(', ')}`);
    console.log(result.outputs.summary);
  }
  return 0;
}

export const command: Command = {
  name: 'test',
  summary: 'erasure tests (single-weight, multi-weight, minimal flip set) on a trained model or a Hugging Face folder',
  run: (args) => runTestCommand(args),
};

/** A Hugging Face folder: its model and tokenizer, on a prepared data set named by --data. */
async function runHfTest(
  folder: string,
  split: string,
  data: string | undefined,
  device: string,
  options: TestRunOptions & TransformerErasureOptions,
): Promise<TestRunResult> {
  if (!(SPLITS as readonly string[]).includes(split)) throw new UserError(`attnlab test: --split must be one of ${SPLITS.join(', ')}, got '${split}'`);
  if (data === undefined) throw new UserError(`attnlab test: ${folder} is a Hugging Face folder; name the data to test it on with --data`);
  const { transformerTestSource, runTransformerTest } = await import('../../erasure/transformer-test-run.ts');
  const { loadDataset } = await import('../../data/dataset.ts');
  const ds = await loadDataset(data, { log: (line: string) => console.error(line) });
  const source = transformerTestSource(folder, ds, split as (typeof SPLITS)[number]);
  try {
    // The model pass and the erasure rows run on the device; the rankings read the rows back on the CPU.
    if (device !== 'cpu') source.model.to(device);
    return runTransformerTest(source, options);
  } finally {
    source.model.dispose();
  }
}

function oneOf<const V extends string>(name: string, v: string, allowed: readonly V[]): V {
  if (!(allowed as readonly string[]).includes(v)) throw new UserError(`attnlab test: ${name} must be ${allowed.join(' or ')}, got '${v}'`);
  return v as V;
}

/** --tests: a named set or a comma-separated list of test names (erasure/tests/index.ts). */
function testSet(v: string): readonly TestName[] {
  if (v === 'default') return DEFAULT_TEST_NAMES;
  if (v === 'all') return TEST_NAMES;
  if (v === 'none') return [];
  const names = v.split(',').map((s) => s.trim());
  for (const name of names)
    if (!(TEST_NAMES as readonly string[]).includes(name))
      throw new UserError(`attnlab test: --tests ${v}: "${name}" is not a test; expected default, all, none or a comma-separated list of ${TEST_NAMES.join(', ')}`);
  // Table order, so that the same set given in another order is the same run.
  return TEST_NAMES.filter((name) => names.includes(name));
}

function longDocPolicy(v: string): 'alone' | 'truncate' {
  if (v !== 'alone' && v !== 'truncate') throw new UserError(`attnlab test: --long-docs must be alone or truncate, got '${v}'`);
  return v;
}

function range(v: string): [number, number] {
  const m = /^(\d+):(\d+)$/.exec(v);
  if (!m || Number(m[1]) >= Number(m[2])) throw new UserError(`attnlab test: --range must be A:B with A < B (documents A..B-1), got '${v}'`);
  return [Number(m[1]), Number(m[2])];
}
