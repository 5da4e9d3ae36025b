// torch's OpenMP (libgomp) wait policy: on a busy machine attnlab makes idle workers sleep (OMP_WAIT_POLICY=PASSIVE) unless
// the user chose a policy or a spin count. libgomp reads these only when it loads, so the default has to be
// in the environment before the addon is required: the CLI runs below ask libgomp itself what it runs with
// (OMP_DISPLAY_ENV=VERBOSE prints its settings to stderr as it loads).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openmpDefaults } from '../../src/torch/native.ts';

const BIN = new URL('../../bin/attnlab.js', import.meta.url).pathname;
const DATA = new URL('../data/fixtures/reviews.jsonl', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'attnlab-openmp-env-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('openmpDefaults: PASSIVE on a busy machine, libgomp default on a quiet one; a user policy or spin count is left alone', () => {
  assert.deepEqual(openmpDefaults({}, 2.0, 2), { OMP_WAIT_POLICY: 'PASSIVE' });
  assert.deepEqual(openmpDefaults({}, 13.5, 2), { OMP_WAIT_POLICY: 'PASSIVE' });
  assert.deepEqual(openmpDefaults({}, 1.2, 2), {});
  assert.deepEqual(openmpDefaults({ OMP_WAIT_POLICY: ' ' }, 3, 2), { OMP_WAIT_POLICY: 'PASSIVE' });
  assert.deepEqual(openmpDefaults({ OMP_WAIT_POLICY: 'active' }, 20, 2), {});
  assert.deepEqual(openmpDefaults({ GOMP_SPINCOUNT: '10000' }, 20, 2), {});
  assert.deepEqual(openmpDefaults({ ATTNLAB_PASSIVE_AT_LOAD: '0' }, 0, 2), { OMP_WAIT_POLICY: 'PASSIVE' });
  assert.deepEqual(openmpDefaults({ ATTNLAB_PASSIVE_AT_LOAD: '1e9' }, 20, 2), {});
  assert.throws(() => openmpDefaults({ ATTNLAB_PASSIVE_AT_LOAD: 'busy' }, 1, 2), /ATTNLAB_PASSIVE_AT_LOAD must be a load average >= 0, got 'busy'/);
});

/** `attnlab train` on a 30-document fixture, one epoch, with the given OpenMP variables; libgomp's settings as it printed them. */
function trainWith(extra: Record<string, string>, name: string): Record<string, string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(OMP_|GOMP_)/.test(k)) env[k] = v;
  const args = [BIN, 'train', DATA, '--label-field', 'stars', '--text-field', 'body', '--split-field', 'part', '--min-count', '1'];
  args.push('--arch', 'flan-noenc', '--profile', 'demo', '--max-epochs', '1', '--vectors', 'none', '--out', join(dir, name));
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...env, ...extra, OMP_DISPLAY_ENV: 'VERBOSE', ATTNLAB_CACHE: join(dir, 'cache') } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^flan-noenc\tbest dev/m);
  const shown = /OPENMP DISPLAY ENVIRONMENT BEGIN\n([\s\S]*?)OPENMP DISPLAY ENVIRONMENT END/.exec(r.stderr);
  assert.ok(shown, `libgomp printed no settings (is torch still built with OpenMP?):\n${r.stderr}`);
  return Object.fromEntries([...shown[1]!.matchAll(/^\s*(\w+) = '(.*)'$/gm)].map((m) => [m[1]!, m[2]!]));
}

test('attnlab train: libgomp runs passive on a busy machine and with its own spin count on a quiet one', () => {
  // The load is the machine's, so the threshold stands in for it: 0 = every machine is busy, 1e9 = none is.
  const busy = trainWith({ ATTNLAB_PASSIVE_AT_LOAD: '0' }, 'busy');
  assert.equal(busy.OMP_WAIT_POLICY, 'PASSIVE');
  assert.equal(busy.GOMP_SPINCOUNT, '0');
  const quiet = trainWith({ ATTNLAB_PASSIVE_AT_LOAD: '1e9' }, 'quiet');
  assert.equal(quiet.GOMP_SPINCOUNT, '300000'); // libgomp's own default
});

test("attnlab train: the user's OMP_WAIT_POLICY or GOMP_SPINCOUNT wins", () => {
  const active = trainWith({ OMP_WAIT_POLICY: 'ACTIVE' }, 'active');
  assert.equal(active.OMP_WAIT_POLICY, 'ACTIVE');
  assert.equal(active.GOMP_SPINCOUNT, '30000000000');
  const spin = trainWith({ GOMP_SPINCOUNT: '12345' }, 'spin');
  assert.equal(spin.GOMP_SPINCOUNT, '12345');
});
