// The derived seeds and the generator are part of every result: a trained model (init, batch order,
// dropout) and an erasure run (random rankings, samples) must come out bit-identical across releases.
// These values were printed by the code before seeding moved to src/util/seeding.ts (erasure/seeding.ts
// and train/trainer.ts then); a change to either mix or to Rng fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derivedRng, epochSeed, STREAM } from '../../src/util/seeding.ts';
import { Rng } from '../../src/util/rng.ts';

test('epochSeed (training) gives the seeds it always gave', () => {
  assert.deepEqual(
    [epochSeed(1, 0, 0), epochSeed(1, 3, 2), epochSeed(12345, 7, 1), epochSeed(0xffffffff, 60, 3)],
    [2556643648, 4087988438, 1499481700, 3444427439],
  );
});

test('derivedRng (erasure) gives the streams it always gave', () => {
  assert.deepEqual(
    [derivedRng(1, 0, 1, 0).nextU32(), derivedRng(1, 5, 2, 3).nextU32(), derivedRng(42, 3).nextU32(), derivedRng(7).nextU32()],
    [2374582859, 4113465841, 224255196, 1004282400],
  );
});

test('Rng (splitmix32 seeding into xoshiro128**) gives the draws it always gave', () => {
  const r = new Rng(1);
  assert.deepEqual([r.nextU32(), r.nextU32(), r.nextU32(), r.int(1000), r.next()], [2442144158, 3238099751, 3819917871, 490, 0.9833686378074266]);
  assert.deepEqual(Array.from(new Rng(9).permutation(10)), [1, 0, 2, 9, 5, 6, 4, 8, 7, 3]);
});

test('the stream keys are the ones training and erasure always mixed in', () => {
  // test: the per-document tests' streams (erasure/tests/index.ts), added after the others so no old stream moved.
  assert.deepEqual(STREAM, { init: 0, batches: 1, dropout: 2, sample: 3, ranking: 1, singleWeight: 2, test: 3 });
});
