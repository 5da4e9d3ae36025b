import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const BIN = new URL('../../../bin/attnlab.js', import.meta.url).pathname;
const FIX = new URL('../../data/fixtures/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'attnlab-data-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function attnlab(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ATTNLAB_CACHE: join(dir, 'cache') } });
}

test('attnlab data prepare prints the cache folder; a second run is a cache hit', () => {
  const r = attnlab('data', 'prepare', join(FIX, 'yahoo'), '--preset', 'yahoo');
  assert.equal(r.status, 0, r.stderr);
  const folder = r.stdout.trim();
  assert.ok(folder.startsWith(join(dir, 'cache')) && existsSync(join(folder, 'meta.json')));
  assert.match(r.stderr, /prepared in [\d.]+ s: train \d+, dev \d+ \(10% of train\), test 7 documents; 10 classes/);
  const again = attnlab('data', 'prepare', join(FIX, 'yahoo'), '--preset', 'yahoo');
  assert.equal(again.stdout.trim(), folder);
  assert.match(again.stderr, /^cached: /m);
});

test('attnlab data stats prints Table 1 columns', () => {
  const r = attnlab('data', 'stats', join(FIX, 'amazon_train.csv'), '--test', join(FIX, 'amazon_test.csv'), '--preset', 'amazon');
  assert.equal(r.status, 0, r.stderr);
  const [header, row] = r.stdout.trim().split('\n');
  assert.match(header!, /^Dataset\s+Av\. # Words \(s\.d\.\)\s+Av\. # Sents\. \(s\.d\.\)\s+# Train\. \+ Dev\.\s+# Test\s+# Classes$/);
  assert.match(row!, /^amazon_train\s+\d+ \(\d+\)\s+\d\.\d \(\d\.\d\)\s+20\s+5\s+5$/);
});

test('a malformed row stops with file:line; --skip-bad skips it and reports the count', () => {
  writeFileSync(join(dir, 'train.csv'), Array.from({ length: 12 }, (_, i) => `"${(i % 2) + 1}","title","text ${i}."`).join('\n') + '\n"1","only two"\n');
  writeFileSync(join(dir, 'test.csv'), '"1","t","x."\n');
  const r = attnlab('data', 'prepare', dir);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr.trim(), new RegExp(`^attnlab: ${join(dir, 'train.csv')}:13: expected 3 columns like line 1, found 2\\. Fix the row, or rerun with --skip-bad`));
  const s = attnlab('data', 'prepare', dir, '--skip-bad');
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stderr, /skipped 1 expected 3 columns like line 1, found 2 \(first at .*train\.csv:13\)/);
});

test('bad options are refused with a message', () => {
  const r = attnlab('data', 'prepare', join(FIX, 'yahoo'), '--preset', 'nope');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--preset expects yahoo\|imdb\|amazon\|yelp\|none, got "nope"/);
  const u = attnlab('data', 'frobnicate', 'x');
  assert.equal(u.status, 1);
  assert.match(u.stderr, /unknown subcommand "frobnicate"/);
});
