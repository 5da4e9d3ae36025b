// attnlab test end to end on a tiny random FLAN model (a fake checkpoint loader): chunked progress,
// resumption without recomputation, --max-docs sampling, settings checks, and the run folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestCommand, type LoadTestSource } from '../../../src/cli/commands/test.ts';
import { selectDocuments, type TestSource } from '../../../src/erasure/test-run.ts';
import type { TestDocument } from '../../../src/erasure/final-layer.ts';
import { readRun } from '../../../src/report/run-input.ts';
import { buildModel } from '../../../src/models/index.ts';
import { DEFAULT_TEST_NAMES } from '../../../src/erasure/tests/index.ts';
import { manualSeed } from '../../../src/torch/index.ts';
import { Rng } from '../../../src/util/rng.ts';
import { toyFlan, TOY_WORDS } from '../toy-flan.ts';

function fakeLoader(count: number): { load: LoadTestSource; loads: () => number } {
  let loads = 0;
  manualSeed(3);
  const model = buildModel({ arch: 'flan-conv', vocab: 40, classes: 3, emb: 8, encoderSize: 4, dropout: { word: 0, sentence: 0, encoder: 0.1, classifier: 0.1 } });
  const rng = new Rng(4);
  const documents: TestDocument[] = Array.from({ length: count }, (_, i) => {
    const sentences = [Int32Array.from({ length: 1 + rng.int(12) }, () => 1 + rng.int(39))];
    return { docId: i, label: rng.int(3), doc: { sentences }, words: () => [Array.from(sentences[0]!, (id) => `w${id}`)] };
  });
  const source: TestSource = { info: { dataset: 'toy', architecture: 'flan', encoder: 'conv' }, classes: ['a', 'b', 'c'], model, documents };
  return {
    load: () => {
      loads++;
      return Promise.resolve(source);
    },
    loads: () => loads,
  };
}

function jsonLines(path: string): unknown[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l): unknown => JSON.parse(l));
}

/** Deep equality, numbers within 1e-5 (absolute or relative). */
function assertNear(a: unknown, b: unknown, where: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${where}: ${a} vs ${b}`);
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a), Object.keys(b), where);
    for (const k of Object.keys(a)) assertNear((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
  } else assert.equal(a, b, where);
}

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const lines: string[] = [];
  const origErr = console.error;
  const origLog = console.log;
  console.error = (...a: unknown[]) => void lines.push(a.join(' '));
  console.log = () => {};
  try {
    return { value: await fn(), stderr: lines.join('\n') };
  } finally {
    console.error = origErr;
    console.log = origLog;
  }
}

test('attnlab test: --range runs part of the chunks, a rerun finishes without redoing them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-test-cmd-'));
  try {
    const { load } = fakeLoader(25);
    const args = ['ckpt', '--out', dir, '--chunk', '10', '--resamples', '20', '--seed', '5'];
    const first = await quietly(() => runTestCommand([...args, '--range', '0:10'], load));
    assert.match(first.stderr, /chunk 1\/3, documents 0-9/);
    assert.match(first.stderr, /1 of 3 chunks done/);
    assert.equal(existsSync(join(dir, 'documents.jsonl')), false);
    const doneChunk = join(dir, 'chunks', '0000000-0000010.jsonl');
    const before = statSync(doneChunk).mtimeMs;

    const second = await quietly(() => runTestCommand(args, load));
    assert.doesNotMatch(second.stderr, /chunk 1\/3/, 'the finished chunk is not redone');
    assert.match(second.stderr, /chunk 2\/3.*\n.*chunk 3\/3/);
    assert.equal(statSync(doneChunk).mtimeMs, before);

    // The run folder is what `attnlab report` reads.
    const run = readRun(dir);
    assert.equal(run.documents.length, 25);
    assert.deepEqual(run.documents.map((d) => d.index), Array.from({ length: 25 }, (_, i) => i));
    assert.equal(run.model.architecture, 'flan');
    // Examples are chosen by outcome (examples.ts), each carrying the numbers a page redoes erasures with.
    assert.ok(run.examples.length > 0 && run.examples.length <= 3 * 5, `${run.examples.length} examples`);
    for (const e of run.examples) {
      const d = run.documents.find((x) => x.docId === e.docId)!;
      assert.ok(e.outcomes!.length > 0);
      assert.equal(e.items.length, d.n);
      assert.equal(e.z!.length, d.n * 3);
    }
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { documents: number; run: unknown };
    assert.equal(summary.documents, 25);
    assert.deepEqual(summary.run, { checkpoint: 'ckpt', split: 'test', tests: DEFAULT_TEST_NAMES.join(',') });
    assert.equal(readFileSync(join(dir, 'documents.csv'), 'utf8').trim().split('\n').length, 26);

    // Same results as one uninterrupted run with other chunk boundaries. Batches then hold other
    // documents, and float32 model arithmetic differs in the last bits, so numbers are compared to 1e-5.
    const dir2 = mkdtempSync(join(tmpdir(), 'attnlab-test-cmd-'));
    try {
      await quietly(() => runTestCommand(['ckpt', '--out', dir2, '--chunk', '7', '--resamples', '20', '--seed', '5'], load));
      assertNear(jsonLines(join(dir2, 'documents.jsonl')), jsonLines(join(dir, 'documents.jsonl')), 'documents');
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }

    // Other settings in the same folder are refused, naming what differs.
    await assert.rejects(() => quietly(() => runTestCommand([...args.slice(0, -1), '6'], load)), /seed differ/);
    // So is another model (say, the checkpoint retrained in place) with the same settings.
    const retrained = fakeLoader(25);
    (await retrained.load('ckpt', 'test', undefined, {})).model.classifier.bias!.fill_(0.25);
    await assert.rejects(() => quietly(() => runTestCommand(args, retrained.load)), /the stored states come from another model than ckpt/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('attnlab test: --max-docs takes a seeded random sample, not the first N', async () => {
  const sample = selectDocuments(1000, 9, 50);
  assert.equal(sample.length, 50);
  assert.deepEqual(sample, selectDocuments(1000, 9, 50));
  assert.notDeepEqual(sample, Array.from({ length: 50 }, (_, i) => i));
  assert.ok(sample[49]! > 500, 'spread over the split');
  assert.deepEqual(selectDocuments(5, 9, 50), [0, 1, 2, 3, 4]);

  const dir = mkdtempSync(join(tmpdir(), 'attnlab-test-cmd-'));
  try {
    const { load } = fakeLoader(30);
    await quietly(() => runTestCommand(['ckpt', '--out', dir, '--max-docs', '8', '--resamples', '10'], load));
    const ids = readFileSync(join(dir, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { docId: number }).docId);
    assert.deepEqual(ids, selectDocuments(30, 1, 8));
    assert.deepEqual(readdirSync(join(dir, 'states')).sort(), ['0000000-0000008.bin', 'head.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('attnlab test: bad options are user errors that say what was expected', async () => {
  const { load, loads } = fakeLoader(3);
  await assert.rejects(() => runTestCommand([], load), /expected one checkpoint, got 0/);
  await assert.rejects(() => runTestCommand(['c', '--max-docs', '0'], load), /--max-docs must be an integer >= 1, got '0'/);
  await assert.rejects(() => runTestCommand(['c', '--range', '5:2'], load), /--range must be A:B with A < B/);
  await assert.rejects(() => runTestCommand(['c', '--bogus'], load), /Unknown option '--bogus'/);
  await assert.rejects(() => runTestCommand(['c', '--tests', 'kendall_tau,bogus'], load), /--tests kendall_tau,bogus: "bogus" is not a test; expected default, all, none or a comma-separated list of kendall_tau/);
  assert.equal(loads(), 0, 'options are checked before the model is loaded');
});

test('attnlab test on a train output folder: loads model.json + weights and the prepared data, refuses other data', async () => {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const { saveBestModel } = await import('../../../src/train/checkpoint.ts');
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-test-cmd-'));
  const cacheBefore = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  try {
    const { data, ds, row, config, modelConfig } = await toyFlan(dir);
    const ckpt = join(dir, 'run');
    mkdirSync(ckpt);
    saveBestModel(ckpt, buildModel(modelConfig), {
      format: 'attnlab-model', version: 1, arch: 'flan-noenc', model: modelConfig, config, profile: 'quick',
      dataset: { name: ds.name, hash: ds.meta.key }, vocabulary: ds.vocab, labels: ds.labels, epoch: 1, devAccuracy: 0.5, testAccuracy: null,
    });
    const out = join(dir, 'out');
    await quietly(() => runTestCommand([ckpt, '--data', data, '--out', out, '--resamples', '10']));
    const run = readRun(out);
    assert.equal(run.documents.length, 12);
    assert.deepEqual(run.model, { ...run.model, dataset: ds.name, architecture: 'flan', encoder: 'noenc' });
    // Examples carry the document's own words, one per FLAN item.
    assert.equal(run.examples[0]!.items.length, run.documents.find((d) => d.docId === run.examples[0]!.docId)!.n);
    assert.ok(run.examples[0]!.items.flat().every((w) => TOY_WORDS.includes(w) || w === '.'));

    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'train.tsv'), Array.from({ length: 30 }, row).join('\n'));
    writeFileSync(join(other, 'test.tsv'), Array.from({ length: 5 }, row).join('\n'));
    await assert.rejects(() => quietly(() => runTestCommand([ckpt, '--data', other, '--out', join(dir, 'o2')])), /was trained on data .* pass the data the model was trained on with --data/);
    await assert.rejects(() => quietly(() => runTestCommand([ckpt, '--split', 'valid', '--out', join(dir, 'o3')])), /--split must be one of train, dev, test, got 'valid'/);
  } finally {
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(dir, { recursive: true, force: true });
  }
});
