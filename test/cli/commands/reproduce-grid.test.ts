// attnlab reproduce as a plan and an executor: the stages a plan yields, the local executor's resumption
// (a lost chunk is redone, the rest is skipped, the results do not change), attnlab status of a local
// run, and the small parsers the Slurm executor relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as reproduce } from '../../../src/cli/commands/reproduce.ts';
import { command as status } from '../../../src/cli/commands/status.ts';
import { dataName, readPlan, stageId, stagesOf, type GridPlan } from '../../../src/cli/grid/plan.ts';
import { formatStatus, gridStatus } from '../../../src/cli/grid/status.ts';
import { expandTasks, shellWords } from '../../../src/cli/grid/slurm.ts';
import { UserError } from '../../../src/util/errors.ts';
import { writeTinyData } from '../grid/tiny-data.ts';

const plan = (over: Partial<GridPlan> = {}): GridPlan => ({
  format: 'attnlab-grid',
  version: 1,
  out: 'o',
  data: [{ source: 'a/b/brown.jsonl', name: 'brown' }, { source: 'sotu-era5', name: 'sotu-era5' }],
  archs: ['flan-rnn', 'han-conv'],
  profile: 'demo',
  vectors: 'none',
  seed: 1,
  maxDocs: null,
  chunkSize: 500,
  device: 'auto',
  ...over,
});

test('a plan yields per data set its data, trainings and tests, then the report', () => {
  assert.deepEqual(stagesOf(plan()).map(stageId), [
    'data/brown',
    'train/brown/flan-rnn',
    'train/brown/han-conv',
    'test/brown/flan-rnn',
    'test/brown/han-conv',
    'data/sotu-era5',
    'train/sotu-era5/flan-rnn',
    'train/sotu-era5/han-conv',
    'test/sotu-era5/flan-rnn',
    'test/sotu-era5/han-conv',
    'report',
  ]);
  assert.equal(dataName('corpora/yahoo_answers_csv/'), 'yahoo_answers_csv');
  assert.equal(dataName('x/tiny.jsonl'), 'tiny');
});

test('reproduce refuses a grid whose data sets share a folder name, and options that do not fit', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'attnlab-grid-')), 'out');
  const refuses = async (args: string[], message: string): Promise<void> => {
    await assert.rejects(reproduce.run(args), (err: unknown) => err instanceof UserError && err.message === message);
  };
  await refuses(['--data', 'a/tiny.jsonl,b/tiny.csv', '--out', out], `attnlab reproduce: --data: 'a/tiny.jsonl' and 'b/tiny.csv' would both write to ${join(out, 'tiny')}; rename one of them`);
  await refuses(['--executor', 'pbs', '--out', out], `attnlab reproduce: --executor must be one of local, slurm, got 'pbs'`);
  await refuses(['--sbatch', '--time=1:00:00', '--out', out], 'attnlab reproduce: --sbatch goes with --executor slurm');
  await refuses(['--device', 'gpu', '--out', out], `attnlab reproduce: --device must be cpu, cuda, cuda:N or auto, got 'gpu'`);
  await refuses(['--chunk', '0', '--out', out], `attnlab reproduce: --chunk must be an integer >= 1, got '0'`);
  assert.equal(existsSync(out), false, 'nothing was written');
  await assert.rejects(status.run([out]), (err: unknown) => err instanceof UserError && /grid\.json: not found; .* is not an attnlab reproduce folder/.test(err.message));
});

test('--sbatch is split into words as a shell would; array task lists are expanded', () => {
  assert.deepEqual(shellWords(`--partition=gpu  --gres=gpu:1 --comment='two words' --x="a \\"q\\"" b\\ c`), [
    '--partition=gpu',
    '--gres=gpu:1',
    '--comment=two words',
    '--x=a "q"',
    'b c',
  ]);
  assert.deepEqual(shellWords('   '), []);
  assert.throws(() => shellWords(`--comment='open`), /unmatched '/);
  assert.deepEqual(expandTasks('3'), [3]);
  assert.deepEqual(expandTasks('0-2,5,8-12:2%4'), [0, 1, 2, 5, 8, 10, 12]);
});

test('the local executor resumes: a lost chunk is redone, the rest skipped, the results unchanged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-grid-'));
  const prev = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  try {
    writeTinyData(join(dir, 'tiny.jsonl'));
    const out = join(dir, 'out');
    const args = ['--data', join(dir, 'tiny.jsonl'), '--models', 'flan-noenc', '--vectors', 'none', '--max-docs', '20', '--chunk', '8', '--out', out];
    assert.equal(await reproduce.run(args), 0);
    const p = readPlan(out);
    assert.equal(p.chunkSize, 8);
    assert.match(formatStatus(gridStatus(p)), /test\/tiny\/flan-noenc\s+done\s+3\/3 chunks[\s\S]*4 done, 0 running, 0 pending, 0 failed/);
    const run = join(out, 'tiny', 'flan-noenc', 'erasure');
    const before = readFileSync(join(run, 'documents.jsonl'));
    // A run stopped in the middle of its second chunk: that chunk's results and the outputs are missing.
    for (const f of ['chunks/0000008-0000016.jsonl', 'documents.jsonl', 'summary.json', 'tested-model.json', 'examples.jsonl']) rmSync(join(run, f));
    const rows = gridStatus(p);
    assert.deepEqual(rows.find((r) => r.stage === 'test/tiny/flan-noenc'), { stage: 'test/tiny/flan-noenc', state: 'pending', detail: '2/3 chunks done, 1 pending' });
    assert.equal(rows.find((r) => r.stage === 'train/tiny/flan-noenc')?.state, 'done');
    const trainLog = readFileSync(join(out, 'tiny', 'flan-noenc', 'train.jsonl'), 'utf8');
    assert.equal(await reproduce.run(args), 0);
    assert.equal(readFileSync(join(out, 'tiny', 'flan-noenc', 'train.jsonl'), 'utf8'), trainLog, 'the finished training was skipped');
    assert.ok(readFileSync(join(run, 'documents.jsonl')).equals(before), 'the resumed run wrote the same documents.jsonl');
  } finally {
    if (prev === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = prev;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reproduce takes the data options and every stage reads the data with them (a file that needs --skip-bad)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-grid-'));
  const prev = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  try {
    const data = join(dir, 'tiny.jsonl');
    writeTinyData(data, { train: 60, test: 12 });
    // One malformed line: before, reproduce had no --skip-bad, so this file could be prepared but never run.
    writeFileSync(data, readFileSync(data, 'utf8') + '{"label": "pos", "text": \n');
    const out = join(dir, 'out');
    const args = ['--data', data, '--models', 'flan-noenc', '--vectors', 'none', '--max-docs', '6', '--out', out];
    await assert.rejects(reproduce.run(args), (err: unknown) => err instanceof UserError && /--skip-bad/.test(err.message));
    assert.equal(await reproduce.run([...args, '--skip-bad', '--min-count', '1']), 0);
    assert.deepEqual(readPlan(out).prepare, { skipBad: true, minCount: 1 });
    assert.ok(existsSync(join(out, 'tiny', 'flan-noenc', 'erasure', 'documents.jsonl')));
    assert.ok(existsSync(join(out, 'report', 'report.html')));
  } finally {
    if (prev === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = prev;
    rmSync(dir, { recursive: true, force: true });
  }
});
