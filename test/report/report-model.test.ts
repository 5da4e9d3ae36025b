import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReportModel, SCATTER_CAP } from '../../src/report/report-model.ts';
import type { RunInput } from '../../src/report/run-input.ts';
import { makeDocument } from './synthetic.ts';
import type { DocSketch } from './synthetic.ts';

const OPTS = { resamples: 50, seed: 1 };

function run(sketches: DocSketch[]): RunInput {
  return {
    folder: 'mem',
    model: { dataset: 'toy', architecture: 'flan', encoder: 'rnn', testAccuracy: 0.9 },
    documents: sketches.map((s, i) => makeDocument(i, s)),
    examples: [],
  };
}

test('the scatter keeps at most SCATTER_CAP points per run, a seeded sample, and says so', () => {
  const docs = Array.from({ length: SCATTER_CAP + 25 }, (_, i) => ({ n: 5, deltaJs: i / 1000 }));
  const a = buildReportModel([run(docs)], OPTS);
  assert.equal(a.scatter.length, SCATTER_CAP);
  assert.equal(a.scatterSampled, true);
  assert.deepEqual(buildReportModel([run(docs)], OPTS).scatter, a.scatter);
  const small = buildReportModel([run(docs.slice(0, 30))], OPTS);
  assert.equal(small.scatter.length, 30);
  assert.equal(small.scatterSampled, false);
});

test('negative ΔJS are counted in Δα bins of 0.05; positive ones are not counted', () => {
  const docs = [
    { n: 3, deltaAlpha: 0.01, deltaJs: -0.1 },
    { n: 3, deltaAlpha: 0.04, deltaJs: -0.1 },
    { n: 3, deltaAlpha: 0.05, deltaJs: -0.1 },
    { n: 3, deltaAlpha: 0.3, deltaJs: 0.2 },
  ];
  const bins = buildReportModel([run(docs)], OPTS).negativeDeltaJs.map((b) => [b.from, b.to, b.count]);
  assert.deepEqual(bins, [
    [0, 0.05, 2],
    [0.05, 0.1, 1],
  ]);
});

test('flip cells are percentages of documents with n ≥ 2', () => {
  const docs = [{ n: 3, flipTop: true }, { n: 3 }, { n: 3 }, { n: 3, flipOther: true }, { n: 1 }];
  const cells = buildReportModel([run(docs)], OPTS).flips.filter((c) => c.ranking === 'attention');
  const pick = (t: string, o: string) => cells.find((c) => c.flipTop === t && c.flipOther === o)!;
  assert.equal(pick('yes', 'no').percent, 25);
  assert.equal(pick('no', 'yes').percent, 25);
  assert.equal(pick('no', 'no').percent, 50);
  assert.equal(pick('yes', 'yes').count, 0);
  assert.equal(cells[0]!.total, 4);
});

test('box plots: the zero-vector view drops fraction-1.0 flips, never-flips are left out, random pools permutations', () => {
  const docs = [
    { n: 4, erased: { attention: 1, random: 2 } },
    { n: 4, erased: { attention: 4, random: 2 } }, // attention flips only at the zero vector
    { n: 4, erased: { attention: null, random: 2 } }, // never flips under attention
  ];
  const boxes = buildReportModel([run(docs)], OPTS).boxes.filter((b) => b.measure === 'fraction');
  const att = (zv: string) => boxes.find((b) => b.ranking === 'attention' && b.zeroVector === zv)!;
  assert.equal(att('with').count, 2);
  assert.equal(att('with').whiskerHi, 1);
  assert.equal(att('without').count, 1);
  assert.equal(att('without').median, 0.25);
  const random = boxes.find((b) => b.ranking === 'random' && b.zeroVector === 'with')!;
  assert.equal(random.count, 15);
  assert.equal(random.median, 0.5);
  assert.ok(!boxes.some((b) => b.measure === 'extraFraction' && b.ranking === 'optimal'));
});
