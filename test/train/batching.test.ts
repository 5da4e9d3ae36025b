import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketBatches, sortedBatches } from '../../src/train/index.ts';
import type { TokenDoc } from '../../src/models/index.ts';
import { Rng } from '../../src/util/rng.ts';

const rng0 = new Rng(3);
const docs: TokenDoc[] = Array.from({ length: 500 }, () => ({
  sentences: Array.from({ length: 1 + rng0.int(12) }, () => new Int32Array(1 + rng0.int(30)).fill(1)),
}));
const tokens = (d: TokenDoc) => d.sentences.reduce((n, s) => n + s.length, 0);

test('every document is in exactly one batch of at most batchSize', () => {
  for (const family of ['flan', 'han'] as const) {
    const batches = bucketBatches(docs, family, 64, new Rng(1));
    assert.ok(batches.every((b) => b.length <= 64));
    assert.deepEqual(batches.flat().sort((a, b) => a - b), docs.map((_, i) => i));
  }
});

test('batches hold documents of similar length (FLAN: tokens, HAN: sentence counts)', () => {
  const spread = (batches: number[][], key: (d: TokenDoc) => number) =>
    Math.max(...batches.map((b) => Math.max(...b.map((i) => key(docs[i]!))) - Math.min(...b.map((i) => key(docs[i]!)))));
  const flan = bucketBatches(docs, 'flan', 64, new Rng(1));
  const han = bucketBatches(docs, 'han', 64, new Rng(1));
  const random = [...new Rng(1).permutation(docs.length)].reduce<number[][]>((acc, i, k) => ((k % 64 ? acc[acc.length - 1]!.push(i) : acc.push([i])), acc), []);
  // Against random batches, whose spread is close to the whole range.
  assert.ok(spread(flan, tokens) < spread(random, tokens) / 2, 'FLAN batches');
  assert.ok(spread(han, (d) => d.sentences.length) <= 4, 'HAN batches');
  assert.ok(spread(random, (d) => d.sentences.length) >= 10);
});

test('batch order is seeded: same seed same batches, another seed other batches', () => {
  assert.deepEqual(bucketBatches(docs, 'flan', 64, new Rng(9)), bucketBatches(docs, 'flan', 64, new Rng(9)));
  assert.notDeepEqual(bucketBatches(docs, 'flan', 64, new Rng(9)), bucketBatches(docs, 'flan', 64, new Rng(10)));
  const sorted = sortedBatches(docs, 'flan', 64).flat();
  for (let i = 1; i < sorted.length; i++) assert.ok(tokens(docs[sorted[i - 1]!]!) <= tokens(docs[sorted[i]!]!));
});
