// One run per output folder (util/lock.ts), with real processes: a second run is refused naming the
// holder's pid, waits for it when asked, and takes over the lock of a process killed with SIGKILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train } from '../../src/train/index.ts';
import { TRAIN_LOCK } from '../../src/train/trainer.ts';
import { acquireLock } from '../../src/util/lock.ts';
import { UserError } from '../../src/util/errors.ts';
import { preset } from '../../src/train/index.ts';
import { syntheticData } from './synthetic.ts';

const CHILD = new URL('./fixtures/lock-child.ts', import.meta.url).pathname;

/** Starts a lock holder and resolves when it holds the lock. */
function holder(path: string, holdMs = 60_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, '0', String(holdMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('LOCKED')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));
}

test('a second process is refused with the holder pid; a SIGKILLed holder is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-lock-'));
  try {
    const lockPath = join(dir, 'run.lock');
    const a = await holder(lockPath);
    const b = spawnSync(process.execPath, ['--import', 'tsx', CHILD, lockPath, '0', '0'], { encoding: 'utf8' });
    assert.equal(b.status, 3, b.stderr);
    assert.match(b.stderr, new RegExp(`REFUSED .* is in use by another run \\(lock-child, pid ${a.pid} on .*\\); wait for it to finish \\(or pass --wait\\)`));
    assert.equal((JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number }).pid, a.pid);
    a.kill('SIGKILL');
    await exited(a);
    // The dead holder's lock is stale: the next process takes it.
    const c = spawnSync(process.execPath, ['--import', 'tsx', CHILD, lockPath, '0', '0'], { encoding: 'utf8' });
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /LOCKED/);
    assert.equal(existsSync(lockPath), false, 'released on exit');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second process asked to wait gets the lock when the holder releases it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-lock-'));
  try {
    const lockPath = join(dir, 'run.lock');
    const a = await holder(lockPath, 1500);
    const b = spawnSync(process.execPath, ['--import', 'tsx', CHILD, lockPath, '30', '0'], { encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /LOCKED/);
    await exited(a);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('train refuses an output folder another live process holds, and trains once it is free', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-lock-'));
  try {
    const a = await holder(join(dir, TRAIN_LOCK));
    const data = syntheticData({ train: 16, dev: 8, test: 0 });
    const config = { ...preset('synthetic', 'flan-noenc', 'quick'), emb: 8, maxEpochs: 1 };
    const quiet = { step() {}, line() {}, log() {}, close() {} };
    assert.throws(
      () => train({ data, config, outDir: dir, progress: quiet }),
      (err: unknown) => err instanceof UserError && err.message.includes(`pid ${a.pid}`),
    );
    assert.equal(existsSync(join(dir, 'checkpoint.safetensors')), false, 'nothing trained into the held folder');
    a.kill('SIGKILL');
    await exited(a);
    assert.equal(train({ data, config, outDir: dir, progress: quiet }).epochs, 1);
    // In-process: the lock is released after training, so taking it again works.
    acquireLock(join(dir, TRAIN_LOCK), { what: 'test' }).release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('prepare: stale temp folders of killed builds are removed; the entry lock is released after the build', async () => {
  const { prepareDataset } = await import('../../src/data/prepare.ts');
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-lock-'));
  try {
    const data = join(dir, 'tiny');
    mkdirSync(data);
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i % 2 ? 'pos' : 'neg'}\tword${i % 7} and more words here.`).join('\n') + '\n';
    writeFileSync(join(data, 'train.tsv'), rows(30));
    writeFileSync(join(data, 'test.tsv'), rows(6));
    const cache = join(dir, 'cache');
    const stale = join(cache, `tiny-0123456789abcdef.tmp-${2 ** 22 + 777}`);
    mkdirSync(join(stale, 'inner'), { recursive: true });
    const r = await prepareDataset(data, { cacheDir: cache });
    assert.equal(existsSync(stale), false, 'stale temp folder removed');
    assert.equal(existsSync(`${r.dir}.lock`), false, 'entry lock released');
    assert.deepEqual(readdirSync(cache).filter((n) => n.includes('.tmp-')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
