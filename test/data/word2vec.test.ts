import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/dataset.ts';
import { normaliseRows, trainWord2VecRaw } from '../../src/data/word2vec.ts';
import { loadVectors } from '../../src/data/vectors.ts';
import { Rng } from '../../src/util/rng.ts';
import { tempDir } from './helpers.ts';

/**
 * A corpus with two topics: ids 2..11 only ever occur with each other, ids 12..21 likewise. Learned
 * vectors must put each word's nearest neighbour in its own topic.
 */
function twoTopics(sentences: number, seed: number): { tokens: Int32Array; sentOffsets: Int32Array } {
  const rng = new Rng(seed);
  const tokens: number[] = [];
  const offsets = [0];
  for (let s = 0; s < sentences; s++) {
    const base = s % 2 ? 2 : 12;
    for (let i = 0; i < 10; i++) tokens.push(base + rng.int(10));
    if (s % 7 === 0) tokens.push(1); // UNK: skipped by training
    offsets.push(tokens.length);
  }
  return { tokens: Int32Array.from(tokens), sentOffsets: Int32Array.from(offsets) };
}

const cos = (v: Float32Array, dim: number, a: number, b: number): number => {
  let s = 0;
  for (let k = 0; k < dim; k++) s += v[a * dim + k]! * v[b * dim + k]!;
  return s;
};

for (const sg of [false, true]) {
  test(`word2vec ${sg ? 'skip-gram' : 'CBOW'} learns which words share contexts`, async () => {
    const { tokens, sentOffsets } = twoTopics(3000, 1);
    const dim = 16;
    const { values, stats } = await trainWord2VecRaw(tokens, sentOffsets, 22, { dim, epochs: 3, threads: 1, sg, sample: 0 });
    assert.equal(stats.words, 3 * 30000); // UNKs are not training words
    normaliseRows(values, dim);
    let right = 0;
    for (let w = 2; w < 22; w++) {
      let best = -1;
      let bestS = -Infinity;
      for (let o = 2; o < 22; o++) {
        if (o === w) continue;
        const s = cos(values, dim, w, o);
        if (s > bestS) [best, bestS] = [o, s];
      }
      if (best < 12 === w < 12) right++;
    }
    assert.equal(right, 20);
  });
}

test('word2vec with one thread is deterministic for a seed; another seed differs', async () => {
  const { tokens, sentOffsets } = twoTopics(500, 2);
  const run = (seed: number) => trainWord2VecRaw(tokens, sentOffsets, 22, { dim: 8, epochs: 2, threads: 1, seed });
  const [a, b, c] = await Promise.all([run(3), run(3), run(4)]);
  assert.deepEqual(a.values, b.values);
  assert.notDeepEqual(a.values, c.values);
});

test('word2vec with the default settings repeats exactly: two runs of a seed give the same vectors', async () => {
  // Regression: the default was all cores (Hogwild), so two `npm start`s trained different vectors and so
  // different models. 6,000 sentences are several jobs of 10,000 words per epoch, enough for threads to race.
  const { tokens, sentOffsets } = twoTopics(6000, 5);
  const run = () => trainWord2VecRaw(tokens, sentOffsets, 22, { dim: 16, epochs: 3, seed: 2 });
  const a = await run();
  const b = await run();
  assert.deepEqual(a.values, b.values);
});

test('word2vec reports each finished epoch', async () => {
  const { tokens, sentOffsets } = twoTopics(200, 3);
  const seen: [number, number][] = [];
  await trainWord2VecRaw(tokens, sentOffsets, 22, { dim: 8, epochs: 3, threads: 2, onEpoch: (d, n) => seen.push([d, n]) });
  assert.deepEqual(seen, [[1, 3], [2, 3], [3, 3]]);
});

test('word2vec rejects ids outside the vocabulary and inconsistent offsets', async () => {
  await assert.rejects(trainWord2VecRaw(Int32Array.from([2, 3, 40]), Int32Array.from([0, 3]), 10, { dim: 4, threads: 1 }), /token id 40 at 2 is outside/);
  await assert.rejects(trainWord2VecRaw(Int32Array.from([2, 3]), Int32Array.from([0, 5]), 10, { dim: 4, threads: 1 }), /sentOffsets must/);
});

test('data set vectors: unit rows, zero padding, small <unk>; cached for the same settings', async () => {
  const dir = tempDir();
  const rows = Array.from({ length: 60 }, (_, i) => (i % 2 ? 'sports\tThe ball hit the goal post.' : 'politics\tThe vote passed the law today.'));
  writeFileSync(join(dir, 'train.tsv'), rows.join('\n'));
  writeFileSync(join(dir, 'test.tsv'), 'sports\tThe ball.\n');
  const ds = await loadDataset(dir, { cacheDir: join(dir, 'c') });
  const logged: string[] = [];
  const v = await loadVectors(ds, { dim: 12, epochs: 2, threads: 1, log: (l) => logged.push(l) });
  assert.deepEqual(logged.filter((l) => /: epoch/.test(l)), ['word2vec: epoch 1/2', 'word2vec: epoch 2/2']);
  assert.equal(v.values.length, ds.vocab.length * 12);
  assert.equal(v.missing, 1);
  const norm = (r: number): number => Math.sqrt(cos(v.values, 12, r, r));
  assert.equal(norm(0), 0);
  assert.ok(norm(1) > 0 && norm(1) < 0.2, `unk norm ${norm(1)}`);
  for (let r = 2; r < ds.vocab.length; r++) assert.ok(Math.abs(norm(r) - 1) < 1e-5);
  const again = await loadVectors(ds, { dim: 12, epochs: 2, threads: 1 });
  assert.equal(again.file, v.file);
  assert.deepEqual(again.values, v.values);
  const other = await loadVectors(ds, { dim: 12, epochs: 3, threads: 1 });
  assert.notEqual(other.file, v.file);
});
