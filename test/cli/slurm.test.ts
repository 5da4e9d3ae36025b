// attnlab reproduce --executor slurm, for real: a one-node Slurm on this machine (scripts/slurm/local-cluster.sh),
// a tiny grid (one data set, two architectures) submitted through it, one training job killed mid-run with
// scancel, the grid resubmitted, and the results compared with a local run of the same grid: the models
// and every documents.jsonl byte for byte. Needs root (it starts daemons; CI runs as root) and Debian's
// slurm-wlm + munge (the script installs them with apt when missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyData } from './grid/tiny-data.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'attnlab.js');
const CLUSTER = join(ROOT, 'scripts', 'slurm', 'local-cluster.sh');
const ARCHS = ['flan-noenc', 'flan-conv'];

function whyNot(): string | null {
  if (process.getuid?.() !== 0) return 'not root: starting slurmctld, slurmd and munged needs root (CI runs as root)';
  const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (!(has('slurmctld') && has('munged')) && !has('apt-get')) return 'slurm-wlm and munge are not installed and there is no apt-get to install them';
  return null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a tiny grid through a real one-node Slurm: a killed training is resubmitted and the results equal a local run', { skip: whyNot() ?? false, timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-slurm-'));
  const clusterEnv = { ...process.env, ATTNLAB_SLURM_DIR: join(dir, 'cluster'), ATTNLAB_SLURM_PORT: '6837' };
  const started = spawnSync('bash', [CLUSTER, 'start'], { env: clusterEnv, encoding: 'utf8' });
  assert.equal(started.status, 0, `the local cluster did not start:\n${started.stderr}`);
  const conf = /export SLURM_CONF=(\S+)/.exec(started.stdout)?.[1];
  assert.ok(conf, `start printed no SLURM_CONF: ${started.stdout}`);
  const env = { ...clusterEnv, SLURM_CONF: conf, ATTNLAB_NUM_THREADS: '1' };
  const run = (args: string[], cache: string): { out: string; err: string } => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env: { ...env, ATTNLAB_CACHE: join(dir, cache) }, encoding: 'utf8' });
    assert.equal(r.status, 0, `attnlab ${args.join(' ')} failed:\n${r.stderr}`);
    return { out: r.stdout, err: r.stderr };
  };
  const squeue = (): string[] => {
    const r = spawnSync('squeue', ['-h', '-r', '-o', '%i %T %r'], { env, encoding: 'utf8' });
    return r.stdout.split('\n').filter((l) => l.trim() !== '');
  };
  const waitFor = async (what: string, ok: () => boolean, seconds = 150): Promise<void> => {
    for (let i = 0; i < seconds * 5; i++) {
      if (ok()) return;
      await sleep(200);
    }
    // What the next reader needs to find out why (the folder with the job logs is removed below): each
    // pending job's dependency as Slurm has it, the job record file, and the end of every job log.
    const pending = squeue().map((l) => l.split(' ')[0]!);
    for (const job of pending) console.log(spawnSync('scontrol', ['show', 'job', job], { env, encoding: 'utf8' }).stdout);
    const jobsFile = join(dir, 'slurm', 'slurm', 'jobs.json');
    if (existsSync(jobsFile)) console.log(`jobs.json: ${readFileSync(jobsFile, 'utf8')}`);
    const logs = join(dir, 'slurm', 'slurm', 'logs');
    if (existsSync(logs)) for (const f of readdirSync(logs)) console.log(`--- ${f}:\n${readFileSync(join(logs, f), 'utf8').split('\n').slice(-15).join('\n')}`);
    assert.fail(`timed out waiting for ${what}; queue: ${squeue().join('; ')}`);
  };
  try {
    writeTinyData(join(dir, 'tiny.jsonl'), { train: 800, test: 24 });
    const grid = ['--data', 'tiny.jsonl', '--models', ARCHS.join(','), '--profile', 'quick', '--vectors', 'none', '--max-docs', '24', '--chunk', '8'];

    run(['reproduce', ...grid, '--out', 'local'], 'cache-local');

    run(['reproduce', ...grid, '--out', 'slurm', '--executor', 'slurm'], 'cache-slurm');
    // Kill a training job once it has written at least one epoch's checkpoint and before it ends.
    const jobsFile = join(dir, 'slurm', 'slurm', 'jobs.json');
    let killed: { arch: string; job: string } | null = null;
    await waitFor('a training job with a finished epoch', () => {
      if (!existsSync(jobsFile)) return false;
      const jobs = (JSON.parse(readFileSync(jobsFile, 'utf8')) as { jobs: Record<string, { job: string }> }).jobs;
      for (const arch of ARCHS) {
        const rec = jobs[`train/tiny/${arch}`];
        const log = join(dir, 'slurm', 'tiny', arch, 'train.jsonl');
        if (!rec || !existsSync(log)) continue;
        const text = readFileSync(log, 'utf8');
        if (text.includes('"event":"epoch"') && !text.includes('"event":"end"')) {
          spawnSync('scancel', [rec.job], { env });
          killed = { arch, job: rec.job };
          return true;
        }
      }
      return false;
    });
    const k = killed as { arch: string; job: string } | null;
    assert.ok(k);
    // Everything else runs; what depended on the killed job waits for ever (nothing is left running that
    // could satisfy it).
    await waitFor('the queue to settle after the kill', () => squeue().every((l) => / PENDING Dependency(NeverSatisfied)?$/.test(l)));
    const afterKill = run(['status', 'slurm'], 'cache-slurm').out;
    console.log(`attnlab status slurm (after scancel ${k.job}):\n${afterKill}`);
    assert.match(afterKill, new RegExp(`train/tiny/${k.arch}\\s+failed\\s+job ${k.job} CANCELLED`), afterKill);
    assert.ok(!existsSync(join(dir, 'slurm', 'report', 'report.html')), 'no report before every model is tested');

    const resubmitted = run(['reproduce', ...grid, '--out', 'slurm', '--executor', 'slurm'], 'cache-slurm').err;
    assert.match(resubmitted, new RegExp(`submitted train/tiny/${k.arch} as job`), resubmitted);
    assert.doesNotMatch(resubmitted, /submitted data\//, 'finished stages are not submitted again');
    await waitFor('an empty queue', () => squeue().length === 0);
    const resumed = readFileSync(join(dir, 'slurm', 'tiny', k.arch, 'train.jsonl'), 'utf8');
    assert.match(resumed, /"event":"resume"/, 'the resubmitted training resumed from its checkpoint');

    const status = run(['status', 'slurm'], 'cache-slurm').out;
    console.log(`attnlab status slurm (after the resubmission):\n${status}`);
    assert.match(status, /6 done, 0 running, 0 pending, 0 failed/, status);
    for (const arch of ARCHS) {
      for (const file of ['model.safetensors', join('erasure', 'documents.jsonl')]) {
        const a = readFileSync(join(dir, 'local', 'tiny', arch, file));
        const b = readFileSync(join(dir, 'slurm', 'tiny', arch, file));
        assert.ok(a.equals(b), `${arch}/${file} differs between the local run and the Slurm run`);
      }
    }
    assert.ok(existsSync(join(dir, 'slurm', 'report', 'report.html')));
    const again = run(['reproduce', ...grid, '--out', 'slurm', '--executor', 'slurm'], 'cache-slurm').err;
    assert.match(again, /every stage of slurm is done; nothing submitted/, again);
  } finally {
    const stopped = spawnSync('bash', [CLUSTER, 'stop'], { env: clusterEnv, encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(stopped.status, 0, `the local cluster did not stop:\n${stopped.stderr}`);
  }
});
