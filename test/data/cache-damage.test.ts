// A prepared cache entry read back is validated (issue 11): a damaged meta.json names the file and the
// field instead of a stack trace, and loading by source rebuilds the entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, openPrepared } from '../../src/data/dataset.ts';
import { UserError } from '../../src/util/errors.ts';
import type { PreparedMeta } from '../../src/data/prepare.ts';
import { tempDir } from './helpers.ts';

function toy(dir: string): string {
  const data = join(dir, 'toy');
  mkdirSync(data);
  writeFileSync(join(data, 'train.tsv'), Array.from({ length: 20 }, (_, i) => `${i % 2 ? 'a' : 'b'}\tword${i % 3} text here.`).join('\n'));
  writeFileSync(join(data, 'test.tsv'), 'a\tword1 text.\nb\tword2 here.\n');
  return data;
}

test('a damaged meta.json names the file and the field; loading by source prepares the entry again', async () => {
  const dir = tempDir();
  const data = toy(dir);
  const cacheDir = join(dir, 'c');
  const first = await loadDataset(data, { cacheDir });
  const metaPath = join(first.dir, 'meta.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as PreparedMeta;

  writeFileSync(metaPath, JSON.stringify({ ...meta, counts: { ...meta.counts, train: { ...meta.counts.train, docs: 'many' } } }));
  assert.throws(() => openPrepared(first.dir), (e: Error) => e instanceof UserError && e.message.startsWith(`${metaPath}: damaged cache entry (counts.train.docs:`) && /prepare again with --force/.test(e.message));

  writeFileSync(metaPath, '{"prepVersion": 1, "name": "toy", "ke');
  assert.throws(() => openPrepared(first.dir), (e: Error) => e instanceof UserError && e.message.startsWith(`${metaPath}: damaged cache entry, not valid JSON`));
  const log: string[] = [];
  const again = await loadDataset(data, { cacheDir, log: (l) => log.push(l) });
  assert.ok(log.some((l) => /damaged cache entry.*preparing it again/.test(l)), log.join('\n'));
  assert.deepEqual(again.vocab, first.vocab);
  assert.deepEqual(JSON.parse(readFileSync(metaPath, 'utf8')), meta);

  rmSync(join(first.dir, 'vocab.tsv'));
  const log2: string[] = [];
  const third = await loadDataset(data, { cacheDir, log: (l) => log2.push(l) });
  assert.ok(log2.some((l) => /no vocab\.tsv.*preparing it again/.test(l)), log2.join('\n'));
  assert.deepEqual(third.vocab, first.vocab);
});
