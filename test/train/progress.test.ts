// Progress: one line redrawn in place on a terminal, plain lines otherwise; JSONL log appended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSeconds, formatStep, makeProgress, type StepInfo } from '../../src/train/index.ts';

const info = (step: number): StepInfo => ({ label: 'brown han-rnn', epoch: 2, maxEpochs: 60, step, steps: 4, loss: 0.51234, dev: 0.6123, docsPerSecond: 123.4, etaSeconds: 75 });

test('the step line names epoch, step, loss, dev accuracy, docs/s and ETA', () => {
  assert.equal(formatStep(info(3)), 'brown han-rnn epoch 2/60 step 3/4 loss 0.5123 dev 61.2% 123 docs/s ETA 1:15');
  assert.equal(formatStep({ ...info(1), dev: null }).includes(' dev - '), true);
  assert.deepEqual([formatSeconds(5), formatSeconds(3725), formatSeconds(Infinity)], ['0:05', '1:02:05', '?']);
});

test('plain lines off a terminal, an in-place line on one, and a JSONL log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-progress-'));
  try {
    const plain: string[] = [];
    const p = makeProgress({ logPath: join(dir, 'log.jsonl'), stream: { write: (s: string) => plain.push(s) }, plainEvery: 2 });
    for (let s = 1; s <= 4; s++) p.step(info(s));
    p.line('epoch done');
    p.log({ event: 'epoch', epoch: 2 });
    p.log({ event: 'end' });
    p.close();
    assert.deepEqual(plain, [formatStep(info(2)) + '\n', formatStep(info(4)) + '\n', 'epoch done\n']);
    const log = readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; time: unknown });
    assert.deepEqual(log.map((e) => e.event), ['epoch', 'end']);
    assert.ok(log.every((e) => typeof e.time === 'string'));

    const tty: string[] = [];
    const t = makeProgress({ logPath: null, stream: { write: (s: string) => tty.push(s), isTTY: true } });
    t.step(info(4)); // the last step of an epoch is always drawn
    t.line('epoch done');
    assert.deepEqual(tty, [`\r\x1b[K${formatStep(info(4))}`, '\r\x1b[Kepoch done\n']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
