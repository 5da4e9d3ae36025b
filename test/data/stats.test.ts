import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/dataset.ts';
import { datasetStats, formatLengthTable, formatStatsTable, LengthHistogram, RunningMeanSd } from '../../src/data/stats.ts';
import { Rng } from '../../src/util/rng.ts';
import { tempDir } from './helpers.ts';

test('running mean and sample s.d. match the two-pass formulas', () => {
  const xs = [3, 7, 7, 19, 1, 0.5];
  const r = new RunningMeanSd();
  xs.forEach((x) => r.add(x));
  const mean = xs.reduce((a, b) => a + b) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  assert.ok(Math.abs(r.result().mean - mean) < 1e-12);
  assert.ok(Math.abs(r.result().sd - sd) < 1e-12);
});

test('Table 1 columns over all documents of a small data set', async () => {
  const dir = tempDir();
  // Train: 10 documents of 1 sentence / 3 tokens and 10 of 2 sentences / 6 tokens; test: one of 3 sentences / 9 tokens.
  const rows = Array.from({ length: 20 }, (_, i) => (i % 2 ? `b\tOne two.` : `a\tOne two. Three four.`).replace('.', ' .'));
  writeFileSync(join(dir, 'train.tsv'), rows.join('\n'));
  writeFileSync(join(dir, 'test.tsv'), 'a\tA b. C d. E f.\n');
  const ds = await loadDataset(dir, { cacheDir: join(dir, 'c') });
  const s = datasetStats(ds);
  // Tokens: "one two ." (3) and "one two . three four ." (6); test "a b . c d . e f ." (9).
  const words = [...Array<number>(10).fill(3), ...Array<number>(10).fill(6), 9];
  const sents = [...Array<number>(10).fill(1), ...Array<number>(10).fill(2), 3];
  const mean = (a: number[]): number => a.reduce((x, y) => x + y) / a.length;
  const sd = (a: number[]): number => Math.sqrt(a.reduce((x, y) => x + (y - mean(a)) ** 2, 0) / (a.length - 1));
  assert.ok(Math.abs(s.words.mean - mean(words)) < 1e-9 && Math.abs(s.words.sd - sd(words)) < 1e-9);
  assert.ok(Math.abs(s.sentences.mean - mean(sents)) < 1e-9 && Math.abs(s.sentences.sd - sd(sents)) < 1e-9);
  assert.equal(s.trainDev, 20);
  assert.equal(s.test, 1);
  assert.equal(s.classes, 2);
  assert.deepEqual(s.classCounts, [11, 10]);
  const table = formatStatsTable([{ ...s, name: 'tiny' }]).split('\n');
  assert.match(table[0]!, /^Dataset\s+Av\. # Words \(s\.d\.\)\s+Av\. # Sents\. \(s\.d\.\)\s+# Train\. \+ Dev\.\s+# Test\s+# Classes$/);
  assert.match(table[1]!, /^tiny\s+5 \(2\)\s+1\.6 \(0\.6\)\s+20\s+1\s+2$/);
  // The length distribution beside it (all 21 documents).
  assert.deepEqual(s.lengths.sentences, { min: 1, p10: 1, p25: 1, median: 2, p75: 2, p90: 2, max: 3, distinct: 3 });
  assert.deepEqual(s.lengths.words, { min: 3, p10: 3, p25: 3, median: 6, p75: 6, p90: 6, max: 9, distinct: 3 });
  const lengths = formatLengthTable([{ ...s, name: 'tiny' }]).split('\n');
  assert.match(lengths[0]!, /^Dataset\s+Length\s+min\s+10%\s+25%\s+median\s+75%\s+90%\s+max\s+distinct$/);
  assert.match(lengths[2]!, /^tiny\s+sentences\s+1\s+1\s+1\s+2\s+2\s+2\s+3\s+3$/);
});

test('length quantiles from the histogram equal nearest-rank quantiles of the sorted values', () => {
  const rng = new Rng(4);
  for (const n of [1, 2, 7, 100, 1001]) {
    const xs = Array.from({ length: n }, () => rng.int(60));
    const h = new LengthHistogram();
    xs.forEach((x) => h.add(x));
    const sorted = [...xs].sort((a, b) => a - b);
    for (const q of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]) assert.equal(h.quantile(q), sorted[Math.max(1, Math.ceil(q * n)) - 1], `n ${n} q ${q}`);
    assert.equal(h.distribution().distinct, new Set(xs).size);
    assert.equal(h.distribution().max, sorted.at(-1));
  }
});
