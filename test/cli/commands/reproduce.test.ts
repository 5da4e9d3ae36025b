// attnlab reproduce: bad options are refused before any stage starts (no training, no files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../../../src/cli/commands/reproduce.ts';
import { UserError } from '../../../src/util/errors.ts';

async function refuses(args: string[], message: string): Promise<void> {
  await assert.rejects(command.run(args), (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    assert.equal(err.message, message);
    return true;
  });
}

test('reproduce refuses unknown architectures, profiles and options before doing anything', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'attnlab-repro-')), 'out');
  await refuses(['--models', 'han-rnn,flan-lstm', '--out', out], `attnlab reproduce: --models: unknown architecture 'flan-lstm' (expected han-rnn, han-conv, han-noenc, flan-rnn, flan-conv, flan-noenc, bert-small or all)`);
  await refuses(['--profile', 'fast', '--out', out], `attnlab reproduce: --profile must be one of paper, quick, demo, got 'fast'`);
  await refuses(['--data', ' , ', '--out', out], `attnlab reproduce: empty list ' , '`);
  await assert.rejects(command.run(['--bogus']), /^UserError: attnlab reproduce: Unknown option '--bogus'/);
  await refuses(['brown-genre5', '--out', out], `attnlab reproduce: unexpected argument 'brown-genre5' (data sets go in --data; attnlab reproduce --help)`);
  assert.equal(existsSync(out), false, 'nothing was written');
});
