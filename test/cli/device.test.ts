// --device on train, test and reproduce: auto resolves to the CPU on a CPU-only libtorch, and asking for
// CUDA there fails at once with one clear line (before any data is read or any file written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { resolveDevice } from '../../src/train/device.ts';
import { command as train } from '../../src/cli/commands/train.ts';
import { runTestCommand } from '../../src/cli/commands/test.ts';
import { command as reproduce } from '../../src/cli/commands/reproduce.ts';
import { UserError } from '../../src/util/errors.ts';
import { fixtureDir } from '../models/hf-fixtures.ts';

const cpuOnly = torch.cudaDeviceCount() === 0;

test('--device auto is cuda when libtorch sees a GPU, else cpu; cpu is always cpu', async () => {
  assert.equal(await resolveDevice('auto'), cpuOnly ? 'cpu' : 'cuda');
  assert.equal(await resolveDevice('cpu'), 'cpu');
  await assert.rejects(resolveDevice('cuda:x', 'attnlab train'), (e: unknown) => e instanceof UserError && e.message === `attnlab train: --device must be cpu, cuda, cuda:N or auto, got 'cuda:x'`);
});

test('--device cuda on a CPU-only libtorch fails with a clear message in train, test and reproduce', { skip: cpuOnly ? false : 'this libtorch has a GPU' }, async () => {
  const clear = (command: string, spec: string) => (e: unknown): boolean => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.match(e.message, new RegExp(`^${command}: --device ${spec}: the linked libtorch \\(.+\\) has no CUDA; use --device cpu, or build against a CUDA libtorch: LIBTORCH=`));
    return true;
  };
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-device-'));
  await assert.rejects(train.run(['no-such-data', '--device', 'cuda', '--out', join(dir, 't')]), clear('attnlab train', 'cuda'));
  let loaded = false;
  const load = (): Promise<never> => {
    loaded = true;
    throw new Error('the loader must not run');
  };
  await assert.rejects(runTestCommand([join(dir, 'model'), '--device', 'cuda:1', '--out', join(dir, 'e')], load), clear('attnlab test', 'cuda:1'));
  assert.equal(loaded, false, 'nothing was loaded');
  // A Hugging Face folder honours --device like a HAN/FLAN model: the same clear line, nothing written.
  await assert.rejects(runTestCommand([fixtureDir('bert'), '--data', 'no-such-data', '--device', 'cuda', '--out', join(dir, 'hf')]), clear('attnlab test', 'cuda'));
  assert.equal(existsSync(join(dir, 'hf')), false, 'attnlab test on a Hugging Face folder wrote nothing');
  await assert.rejects(reproduce.run(['--device', 'cuda', '--out', join(dir, 'r')]), clear('attnlab reproduce', 'cuda'));
  assert.equal(existsSync(join(dir, 'r')), false, 'reproduce wrote nothing');
});
