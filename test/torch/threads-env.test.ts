// ATTNLAB_NUM_THREADS: unset = all cores; a whole number is capped at the cores; anything else is a clear
// error naming the variable (it used to reach libtorch as NaN, or as 1000 threads on 2 cores).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadsFromEnv } from '../../src/torch/native.ts';

test('ATTNLAB_NUM_THREADS: unset or blank means every core', () => {
  assert.equal(threadsFromEnv(undefined, 8), 8);
  assert.equal(threadsFromEnv('  ', 8), 8);
});

test('ATTNLAB_NUM_THREADS: a whole number, capped at the cores with a warning', (t) => {
  const lines: string[] = [];
  t.mock.method(console, 'error', (line: string) => lines.push(line));
  assert.equal(threadsFromEnv('1', 8), 1);
  assert.equal(threadsFromEnv('3', 8), 3);
  assert.equal(lines.length, 0);
  assert.equal(threadsFromEnv('1000', 8), 8);
  assert.match(lines[0] ?? '', /ATTNLAB_NUM_THREADS=1000, but this machine has 8 cores: using 8/);
});

test('ATTNLAB_NUM_THREADS: anything else is refused with the variable named', () => {
  for (const bad of ['0', '-2', '1.5', 'four', 'NaN'])
    assert.throws(() => threadsFromEnv(bad, 8), new RegExp(`ATTNLAB_NUM_THREADS must be a whole number of threads >= 1, got '${bad}'`));
});
