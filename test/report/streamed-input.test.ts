// The report reads documents.jsonl line by line into compact records (run-input.ts): the report model
// and the explorer data built from them equal those built from every document parsed in full; a bad
// line is still named; examples beyond the cap are left out evenly and counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evenSample, MAX_EXAMPLES_PER_RUN, readRun, type RunInput } from '../../src/report/run-input.ts';
import { buildReportModel } from '../../src/report/report-model.ts';
import { explorerData } from '../../src/report/explorer-data.ts';
import type { DocumentResult } from '../../src/erasure/types.ts';
import { fixtureFolders, GOLDEN_OPTIONS } from './golden.ts';

/** The run as it was read before streaming: every line of documents.jsonl parsed into a full object. */
function fullRun(folder: string): RunInput {
  const streamed = readRun(folder);
  const documents = readFileSync(join(folder, 'documents.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DocumentResult);
  return { ...streamed, documents };
}

test('report model and explorer data from streamed compact documents equal those from full ones', () => {
  const folders = fixtureFolders();
  const streamed = folders.map(readRun);
  const full = folders.map(fullRun);
  assert.notEqual(streamed[0]!.documents[0], full[0]!.documents[0]);
  assert.deepEqual(buildReportModel(streamed, GOLDEN_OPTIONS), buildReportModel(full, GOLDEN_OPTIONS));
  const datasets = [...new Set(full.map((r) => r.model.dataset))];
  const models = ['HAN-rnn', 'HAN-conv', 'HAN-noenc', 'FLAN-rnn', 'FLAN-conv', 'FLAN-noenc'];
  assert.deepEqual(explorerData(streamed, datasets, models), explorerData(full, datasets, models));
});

test('a damaged line of documents.jsonl is still named by its line number', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-streamed-input-'));
  try {
    cpSync(fixtureFolders()[0]!, dir, { recursive: true });
    const path = join(dir, 'documents.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[4] = '{"n": 3, "single": ';
    writeFileSync(path, lines.join('\n'));
    assert.throws(() => readRun(dir), (err: Error) => err.message.startsWith(`${path}:5`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('examples: all of them up to the cap, beyond it an even spread of the cap, the rest counted', () => {
  assert.deepEqual([...evenSample(3, 5)], [0, 1, 2]);
  assert.deepEqual([...evenSample(10, 4)], [0, 2, 5, 7]);
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-streamed-input-'));
  try {
    cpSync(fixtureFolders()[0]!, dir, { recursive: true });
    const path = join(dir, 'examples.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
    const many = Array.from({ length: MAX_EXAMPLES_PER_RUN + 100 }, (_, i) => lines[i % lines.length]!);
    writeFileSync(path, many.join('\n') + '\n');
    const run = readRun(dir);
    assert.equal(run.examples.length, MAX_EXAMPLES_PER_RUN);
    assert.equal(run.examplesLeftOut, 100);
    assert.equal(readRun(fixtureFolders()[0]!).examplesLeftOut, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
