// Kill training mid-epoch (SIGKILL: no cleanup), run it again, and check that it resumes after the last
// completed epoch and ends with exactly the weights of a run that was never interrupted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors } from '../../src/nn/index.ts';
import { CHECKPOINT, MODEL_WEIGHTS, TRAIN_LOG, type TrainResult } from '../../src/train/index.ts';

const CHILD = new URL('./fixtures/train-child.ts', import.meta.url).pathname;

function runToEnd(outDir: string): TrainResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, outDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TrainResult;
}

/** Starts training, waits until it pauses at step `step` of epoch `epoch`, and kills it there. */
async function killAt(outDir: string, epoch: number, step: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, outDir, `${epoch}:${step}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('PAUSED')) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`child exited before pausing: ${err}`)));
  });
  assert.equal(await exited, 'SIGKILL');
}

function tensorsOf(path: string): Map<string, number[]> {
  const { tensors } = loadSafetensors(path);
  const m = new Map<string, number[]>();
  for (const [k, t] of tensors) {
    m.set(k, t.toArray());
    t.dispose();
  }
  return m;
}

function metaOf(path: string): { meta: { epoch: number }; state: { epoch: number; step: number } } {
  return JSON.parse(loadSafetensors(path).metadata.attnlab!) as ReturnType<typeof metaOf>;
}

test('training killed mid-epoch resumes from its last checkpoint and matches an uninterrupted run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'attnlab-resume-'));
  try {
    const whole = join(root, 'whole');
    const broken = join(root, 'broken');
    const a = runToEnd(whole);
    assert.equal(a.epochs, 3);
    assert.equal(a.resumedFrom, 0);

    await killAt(broken, 2, 3);
    // Killed during epoch 2: the checkpoint on disk is epoch 1's.
    const ck = metaOf(join(broken, CHECKPOINT));
    assert.equal(ck.state.epoch, 1);
    const stepsPerEpoch = ck.state.step;
    assert.ok(stepsPerEpoch > 3, 'the kill came mid-epoch');

    const b = runToEnd(broken);
    assert.equal(b.resumedFrom, 1, 'resumed after epoch 1, not from scratch');
    assert.equal(b.stepsThisRun, 2 * stepsPerEpoch, 'only epochs 2 and 3 were trained again');
    assert.equal(b.epochs, 3);
    assert.equal(b.bestEpoch, a.bestEpoch);
    assert.equal(b.devAccuracy, a.devAccuracy);
    assert.equal(b.testAccuracy, a.testAccuracy);

    // Same weights and optimizer state as the uninterrupted run, to the bit.
    for (const file of [CHECKPOINT, MODEL_WEIGHTS]) {
      const x = tensorsOf(join(whole, file));
      const y = tensorsOf(join(broken, file));
      assert.deepEqual([...y.keys()].sort(), [...x.keys()].sort());
      for (const [k, v] of x) assert.deepEqual(y.get(k), v, `${file}: ${k}`);
    }

    const log = readFileSync(join(broken, TRAIN_LOG), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; fromEpoch?: number; epoch?: number });
    assert.deepEqual(log.filter((e) => e.event === 'start' || e.event === 'resume').map((e) => [e.event, e.fromEpoch]), [['start', 0], ['resume', 1]]);
    assert.deepEqual(log.filter((e) => e.event === 'epoch').map((e) => e.epoch), [1, 2, 3]);

    // A finished folder run again trains nothing.
    const c = runToEnd(broken);
    assert.equal(c.stepsThisRun, 0);
    assert.equal(c.testAccuracy, a.testAccuracy);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
