// attnlab train / attnlab eval: settings are checked before any data is read, with the exact message;
// eval finds trained models in a folder and prints the Table 3 layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as trainCommand } from '../../../src/cli/commands/train.ts';
import { command as evalCommand } from '../../../src/cli/commands/eval.ts';
import { UserError } from '../../../src/util/errors.ts';
import { makeProgress, preset, train } from '../../../src/train/index.ts';
import { syntheticData } from '../../train/synthetic.ts';

async function rejects(args: string[], message: string | RegExp, cmd = trainCommand): Promise<void> {
  await assert.rejects(cmd.run(args), (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

test('attnlab train refuses bad settings before reading data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-cli-train-'));
  try {
    // 'no-such-data' is never opened: every one of these fails first.
    await rejects(['no-such-data', '--lr', 'fast'], `--lr: must be a positive number, got 'fast'`);
    await rejects(['no-such-data', '--patience', '0'], `flags: 'patience' must be a positive integer, got 0`);
    await rejects(['no-such-data', '--arch', 'han-lstm'], /--arch: unknown architecture 'han-lstm'/);
    await rejects(['no-such-data', '--profile', 'fast'], `attnlab train: --profile must be one of paper, quick, demo, got 'fast'`);
    await rejects(['no-such-data', '--bogus', '1'], /^attnlab train: Unknown option '--bogus'/);
    await rejects([], 'attnlab train: expected one data set, got none (attnlab train --help)');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ lr: 0.01, dropout: 0.5 }));
    await rejects(['no-such-data', '--config', bad], new RegExp(`^config file ${bad}: unknown setting 'dropout'; known settings: arch, lr,`));
    writeFileSync(bad, '{"lr": 0.01,');
    await rejects(['no-such-data', '--config', bad], new RegExp(`^config file ${bad}: not valid JSON`));
    await rejects(['no-such-data', '--config', join(dir, 'missing.json')], `config file ${join(dir, 'missing.json')}: not found`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('attnlab eval finds the models under a folder and prints them as Table 3', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-cli-eval-'));
  const printed: string[] = [];
  const log = console.log;
  const err = console.error;
  try {
    const data = syntheticData({ train: 48, dev: 16, test: 20 });
    for (const arch of ['flan-noenc', 'han-noenc'] as const) {
      const config = { ...preset('synthetic', arch, 'quick'), emb: 8, encoderSize: 4, batchSize: 16, maxEpochs: 1 };
      train({ data, config, outDir: join(dir, 'synthetic', arch), progress: makeProgress({ logPath: null, quiet: true }) });
    }
    console.log = (s: string) => printed.push(s);
    console.error = () => {};
    assert.equal(await evalCommand.run([dir, '--stored']), 0);
    const lines = printed.join('\n').split('\n');
    assert.equal(lines[0], '| Dataset   | HAN-noenc | FLAN-noenc | Majority class |');
    assert.match(lines[2]!, /^\| synthetic \| +\d+\.\d \| +\d+\.\d \| +\d+\.\d \|$/);
    await rejects([join(dir, 'nothing-here')], `attnlab eval: ${join(dir, 'nothing-here')} does not exist`, evalCommand);
    await rejects([join(dir, 'synthetic', 'flan-noenc', 'nothing')], /does not exist/, evalCommand);
    await rejects([tmpdir() + '/attnlab-none-' + process.pid].map((p) => (writeFileSync(p, ''), p)), /no model\.json at or below/, evalCommand);
  } finally {
    console.log = log;
    console.error = err;
    rmSync(dir, { recursive: true, force: true });
  }
});
