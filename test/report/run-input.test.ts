import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { msg } from '../../src/report/messages.ts';
import { readRun } from '../../src/report/run-input.ts';
import { readRuns } from '../../src/report/write-report.ts';
import { UserError } from '../../src/util/errors.ts';
import { fixtureFolders } from './golden.ts';
import { makeDocument } from './synthetic.ts';

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-report-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const MODEL = JSON.stringify({ dataset: 'toy', architecture: 'flan', encoder: 'conv', testAccuracy: 0.5 });
const DOCS = JSON.stringify(makeDocument(0, { n: 3 })) + '\n';

test('a fixture run folder reads back with its model, documents and examples', () => {
  const run = readRun(fixtureFolders()[0]!);
  assert.equal(run.model.dataset, 'news');
  assert.equal(run.documents.length, 40);
  assert.equal(run.examples.length, 2);
});

test('a missing documents.jsonl names the folder and the file', () => {
  const dir = folderWith({ 'tested-model.json': MODEL });
  assert.throws(() => readRun(dir), new UserError(msg.runFileMissing(dir, join(dir, 'documents.jsonl'))));
});

test('tested-model.json with an unknown encoder is refused with the field and the choices', () => {
  const dir = folderWith({ 'tested-model.json': MODEL.replace('conv', 'lstm'), 'documents.jsonl': DOCS });
  assert.throws(() => readRun(dir), { message: `${join(dir, 'tested-model.json')}: encoder must be rnn, conv, noenc, transformer` });
});

test('a transformer architecture goes with the transformer encoder only, and the other way round', () => {
  const base = JSON.parse(MODEL) as Record<string, unknown>;
  const bad = (architecture: string, encoder: string) => folderWith({ 'tested-model.json': JSON.stringify({ ...base, architecture, encoder }), 'documents.jsonl': DOCS });
  assert.throws(() => readRun(bad('bert', 'rnn')), (err: Error) => err instanceof UserError && /encoder must be 'transformer' for a transformer architecture/.test(err.message));
  assert.throws(() => readRun(bad('han', 'transformer')), (err: Error) => err instanceof UserError && /encoder must be rnn, conv, noenc for han/.test(err.message));
  const ok = readRun(bad('roberta', 'transformer'));
  assert.equal(ok.model.architecture, 'roberta');
});

test('a broken JSONL line is reported with its line number', () => {
  const dir = folderWith({ 'tested-model.json': MODEL, 'documents.jsonl': DOCS + '{"n": \n' });
  assert.throws(() => readRun(dir), (err: Error) => err instanceof UserError && err.message.startsWith(`${join(dir, 'documents.jsonl')}:2: not valid JSON`));
});

test('examples.jsonl needs one attention weight per item', () => {
  const example = { docId: 'd0', items: [['a'], ['b']], alpha: [1], orders: {}, minimalSet: [] };
  const dir = folderWith({ 'tested-model.json': MODEL, 'documents.jsonl': DOCS, 'examples.jsonl': JSON.stringify(example) });
  assert.throws(() => readRun(dir), { message: `${join(dir, 'examples.jsonl')}:1: alpha must be an array of 2 numbers (one per item)` });
});

test('the same data set and model twice is refused; no folders at all too', () => {
  const a = folderWith({ 'tested-model.json': MODEL, 'documents.jsonl': DOCS });
  const b = folderWith({ 'tested-model.json': MODEL, 'documents.jsonl': DOCS });
  assert.throws(() => readRuns([a, b]), { message: msg.duplicateRun(a, b, 'toy · FLAN-conv') });
  assert.throws(() => readRuns([]), { message: msg.noRunFolders() });
});

test('a run folder that does not exist says so, not "has no tested-model.json" (issue 10, item 12)', () => {
  const missing = join(tmpdir(), `attnlab-no-such-run-${process.pid}`);
  assert.throws(() => readRun(missing), new UserError(msg.runFolderMissing(missing)));
  assert.match(msg.runFolderMissing(missing), /does not exist/);
});

test('the run folder reads tested-model.json only: an old model.json beside documents.jsonl is not taken for it', () => {
  const dir = folderWith({ 'model.json': MODEL, 'documents.jsonl': DOCS });
  assert.throws(() => readRun(dir), new UserError(msg.runFileMissing(dir, join(dir, 'tested-model.json'))));
});

test("a trained model's folder given for its erasure run folder names the folder to give", () => {
  const dir = folderWith({ 'model.json': JSON.stringify({ format: 'attnlab-model', version: 1 }) });
  mkdirSync(join(dir, 'erasure'));
  writeFileSync(join(dir, 'erasure', 'tested-model.json'), MODEL);
  assert.throws(() => readRun(dir), new UserError(msg.trainedModelFolder(dir, join(dir, 'erasure'))));
});
