// summary.ts: the ranking comparisons in both zero-vector views, the §5.3 outcome counts and §5.5 shares,
// and weights taken from the ranking table's `orders`, not from a ranking's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RANKINGS } from '../../src/erasure/rankings/index.ts';
import { compareRankings, moreThanHalf, outcomeCounts, rankingWeight, summarize } from '../../src/erasure/summary.ts';
import { RANKING_NAMES } from '../../src/erasure/types.ts';
import { makeDocument } from '../report/synthetic.ts';

const docs = [
  ...Array.from({ length: 6 }, (_, i) => makeDocument(i, { n: 4, erased: { attention: 4, gradient: 2 } })), // attention: zero vector only
  ...Array.from({ length: 3 }, (_, i) => makeDocument(10 + i, { n: 4, erased: { attention: 1, gradient: 3 } })),
  makeDocument(20, { n: 4, erased: { attention: null, gradient: 1 } }), // attention never flips
  makeDocument(21, { n: 1 }), // single item
];

test('ranking comparisons: zero-vector flips count in one view and are left out of the other', () => {
  const w = compareRankings(docs, 'gradient', 'attention', 'with');
  assert.deepEqual([w.documents, w.firstFewer, w.secondFewer], [9, 6, 3]);
  assert.equal(w.fewerRatio!.ratio, 2);
  const wo = compareRankings(docs, 'gradient', 'attention', 'without');
  assert.deepEqual([wo.documents, wo.firstFewer, wo.secondFewer], [3, 0, 3]);
  assert.equal(wo.zeroVector, 'without');
  const s = summarize(docs, ['a', 'b'], { seed: 1, bootstrapResamples: 20 });
  assert.deepEqual(s.comparisons[0], w);
  assert.deepEqual(s.comparisonsWithoutZeroVector![0], wo);
});

test('outcome counts (paper §5.3) add up to the documents; §5.5 share of flips past half the items', () => {
  const o = outcomeCounts(docs, 'attention');
  assert.deepEqual(o, { flipped: 3, zeroVector: 6, neverFlips: 1, singleItem: 1 });
  assert.equal(moreThanHalf(docs, 'attention', 'with').share, 6 / 9);
  assert.equal(moreThanHalf(docs, 'attention', 'without').share, 0);
  const s = summarize(docs, [], { seed: 1, bootstrapResamples: 20 });
  assert.equal(s.multi.attention.zeroVector, 6);
  assert.deepEqual(s.multi.attention.moreThanHalf!.withZeroVector, moreThanHalf(docs, 'attention', 'with'));
});

test("a ranking's weight comes from its orders in the ranking table", () => {
  for (const r of RANKING_NAMES) assert.equal(rankingWeight(r), 1 / RANKINGS[r].orders, r);
  assert.equal(rankingWeight('random'), 1 / 5);
  assert.equal(outcomeCounts(docs, 'random').flipped + outcomeCounts(docs, 'random').zeroVector + outcomeCounts(docs, 'random').neverFlips, 10);
});
