// The Slurm executor's decisions, without a cluster: sbatch, scontrol and scancel are stand-ins on PATH
// that record their arguments and report job states this test sets. What is submitted, after what, what
// is kept and what is cancelled on a resubmission (test/cli/slurm.test.ts runs a real Slurm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePlan, type GridPlan } from '../../../src/cli/grid/plan.ts';
import { writeDataMarker } from '../../../src/cli/grid/progress.ts';
import { submitSlurm } from '../../../src/cli/grid/slurm.ts';
import { gridStatus } from '../../../src/cli/grid/status.ts';

function fakeSlurm(dir: string): { calls: () => string[][]; setJob: (id: string, lines: string[]) => void } {
  const bin = join(dir, 'bin');
  mkdirSync(join(dir, 'jobs'), { recursive: true });
  mkdirSync(bin, { recursive: true });
  const script = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  // Each call: one JSON line [command, ...args].
  const log = `node -e 'console.log(JSON.stringify(process.argv.slice(1)))' "$(basename "$0")" "$@" >> ${dir}/calls.jsonl`;
  script('sbatch', `${log}\nn=$(( $(cat ${dir}/next 2>/dev/null || echo 100) + 1 )); echo $n > ${dir}/next; echo $n`);
  script('scancel', log);
  script('scontrol', `f=${dir}/jobs/$4; [ -f "$f" ] || { echo "slurm_load_jobs error: Invalid job id specified" >&2; exit 1; }; cat "$f"`);
  return {
    calls: () => (existsSync(join(dir, 'calls.jsonl')) ? readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : []),
    setJob: (id, lines) => writeFileSync(join(dir, 'jobs', id), lines.join('\n') + '\n'),
  };
}

const job = (id: string, state: string, reason = 'None'): string => `JobId=${id} JobName=x JobState=${state} Reason=${reason} Dependency=(null)`;
const task = (array: string, t: string, state: string, reason = 'None'): string => `JobId=${Number(array) + 1000} ArrayJobId=${array} ArrayTaskId=${t} JobState=${state} Reason=${reason}`;

test('slurm executor: data first, then trainings, test arrays after them, the report last; a resubmission keeps what runs and replaces what failed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-fake-slurm-'));
  const savedPath = process.env.PATH;
  const slurm = fakeSlurm(dir);
  process.env.PATH = `${join(dir, 'bin')}:${savedPath}`;
  try {
    const plan: GridPlan = {
      format: 'attnlab-grid', version: 1, out: join(dir, 'out'), data: [{ source: 'tiny.jsonl', name: 'tiny' }],
      archs: ['flan-noenc', 'flan-conv'], profile: 'demo', vectors: 'none', seed: 1, maxDocs: 20, chunkSize: 8, device: 'auto',
    };
    writePlan(plan);
    const sbatch = (): string[][] => slurm.calls().filter((c) => c[0] === 'sbatch').map((c) => c.slice(1));
    const opt = (args: string[], name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

    // 1. Nothing prepared: the data job, and after it the submission again.
    let r = submitSlurm(plan, { sbatch: ['--time=1:00:00'], log: () => {} });
    assert.deepEqual([...r.submitted], [['data/tiny', '101'], ['submit', '102']]);
    let calls = sbatch();
    assert.equal(opt(calls[0]!, 'job-name'), 'attnlab:data/tiny');
    assert.match(opt(calls[0]!, 'wrap')!, /reproduce --out '.*out' --stage 'data\/tiny'$/);
    assert.ok(calls[0]!.includes('--time=1:00:00'), 'the extra sbatch options go to every job');
    assert.equal(opt(calls[1]!, 'dependency'), 'afterok:101');
    assert.match(opt(calls[1]!, 'wrap')!, /reproduce --continue --out '.*out' --executor slurm$/);

    // 2. The submit job runs it again once the data is ready (20 documents in chunks of 8: 3 chunks).
    writeDataMarker(plan, plan.data[0]!, { source: 'tiny.jsonl', hash: 'h', testDocs: 30 });
    slurm.setJob('101', [job('101', 'COMPLETED')]);
    slurm.setJob('102', [job('102', 'RUNNING')]);
    r = submitSlurm(plan, { sbatch: ['--time=1:00:00'], log: () => {} });
    assert.deepEqual([...r.submitted.keys()], ['train/tiny/flan-noenc', 'test/tiny/flan-noenc', 'train/tiny/flan-conv', 'test/tiny/flan-conv', 'report']);
    calls = sbatch().slice(2);
    assert.equal(opt(calls[1]!, 'array'), '0,1,2');
    assert.equal(opt(calls[1]!, 'dependency'), 'afterok:103');
    assert.match(opt(calls[1]!, 'wrap')!, /--stage 'test\/tiny\/flan-noenc' --chunk-index "\$SLURM_ARRAY_TASK_ID"$/);
    assert.equal(opt(calls[4]!, 'dependency'), 'afterok:104:106', 'the report waits for both test arrays');

    // 3. flan-noenc's training was killed; its test tasks and the report can never start. flan-conv runs.
    slurm.setJob('102', [job('102', 'COMPLETED')]);
    slurm.setJob('103', [job('103', 'CANCELLED')]);
    slurm.setJob('104', [task('104', '0-2', 'PENDING', 'DependencyNeverSatisfied')]);
    slurm.setJob('105', [job('105', 'RUNNING')]);
    slurm.setJob('106', [task('106', '0-2', 'PENDING', 'Dependency')]);
    slurm.setJob('107', [job('107', 'PENDING', 'Dependency')]);
    const rows = new Map(gridStatus(plan).map((row) => [row.stage, row]));
    assert.equal(rows.get('train/tiny/flan-noenc')?.state, 'failed');
    assert.equal(rows.get('train/tiny/flan-noenc')?.detail, 'job 103 CANCELLED');
    assert.equal(rows.get('train/tiny/flan-conv')?.state, 'running');
    assert.equal(rows.get('test/tiny/flan-noenc')?.state, 'failed');
    assert.equal(rows.get('test/tiny/flan-conv')?.detail, '0/3 chunks done, 3 pending');

    // A changed grid is refused while jobs of the old one are queued (they read grid.json when they start).
    assert.throws(() => submitSlurm({ ...plan, seed: 2 }, { sbatch: [], log: () => {} }), /differs in seed while 5 of its jobs are queued or running \(105, 106, 107\)/);
    // Slurm marks the killed training's dependents DependencyNeverSatisfied only some time after the kill; a
    // resubmission in that window replaces them all the same (keeping them left them waiting for ever).
    slurm.setJob('104', [task('104', '0-2', 'PENDING', 'Dependency')]);
    r = submitSlurm(plan, { sbatch: [], log: () => {} });
    assert.deepEqual([...r.submitted], [['train/tiny/flan-noenc', '108'], ['test/tiny/flan-noenc', '109'], ['report', '110']]);
    assert.deepEqual(r.kept, ['train/tiny/flan-conv', 'test/tiny/flan-conv#0', 'test/tiny/flan-conv#1', 'test/tiny/flan-conv#2']);
    const cancelled = slurm.calls().filter((c) => c[0] === 'scancel').map((c) => c[1]);
    assert.deepEqual(cancelled, ['104_0', '104_1', '104_2', '107'], 'the tasks that could never start and the old report are cancelled');
    calls = sbatch().slice(7);
    assert.equal(opt(calls[1]!, 'dependency'), 'afterok:108');
    assert.equal(opt(calls[2]!, 'dependency'), 'afterok:109:106_0:106_1:106_2', 'the new report waits for the kept tasks too');
    assert.ok(!calls.some((c) => c.includes('--time=1:00:00')), 'a resubmission uses the sbatch options it is given');
  } finally {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('slurm executor with --seeds 2 --attention-kinds softmax,uniform: a job per seed, no test array for uniform, the report after its trainings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-fake-slurm-'));
  const savedPath = process.env.PATH;
  const slurm = fakeSlurm(dir);
  process.env.PATH = `${join(dir, 'bin')}:${savedPath}`;
  try {
    const plan: GridPlan = {
      format: 'attnlab-grid', version: 1, out: join(dir, 'out'), data: [{ source: 'tiny.jsonl', name: 'tiny' }],
      archs: ['flan-noenc'], profile: 'demo', vectors: 'none', seed: 1, maxDocs: 8, chunkSize: 8, device: 'auto',
      suite: 'default', seeds: 2, attentionKinds: ['softmax', 'uniform'],
    };
    writePlan(plan);
    writeDataMarker(plan, plan.data[0]!, { source: 'tiny.jsonl', hash: 'h', testDocs: 8 });
    const r = submitSlurm(plan, { sbatch: [], log: () => {} });
    assert.deepEqual([...r.submitted], [
      ['train/tiny/flan-noenc', '101'], ['test/tiny/flan-noenc', '102'],
      ['train/tiny/flan-noenc/seed-2', '103'], ['test/tiny/flan-noenc/seed-2', '104'],
      ['train/tiny/flan-noenc-uniform', '105'], ['train/tiny/flan-noenc-uniform/seed-2', '106'],
      ['report', '107'],
    ]);
    const calls = slurm.calls().filter((c) => c[0] === 'sbatch').map((c) => c.slice(1));
    const opt = (args: string[], name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    assert.match(opt(calls[2]!, 'wrap')!, /--stage 'train\/tiny\/flan-noenc\/seed-2'$/);
    assert.match(opt(calls[2]!, 'output')!, /train_tiny_flan-noenc_seed-2-%j\.out$/);
    assert.equal(opt(calls[6]!, 'dependency'), 'afterok:102:104:105:106', 'the report waits for the tests and the uniform trainings');
    assert.equal(gridStatus(plan).filter((row) => row.stage.startsWith('test/')).length, 2);
  } finally {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  }
});
