// The seeds section's inputs (src/report/section-seeds.ts): which runs are seed replicates, what is a
// duplicate, the spread's arithmetic, JS between seeds' attention, and the trained-only reader's messages.
// The section end to end on a real tiny grid: test/cli/grid/seeds-grid.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { msg } from '../../src/report/messages.ts';
import { readTrainedOnly, seedJsValues, seedsModel, spread } from '../../src/report/section-seeds.ts';
import { readRunsWithSeeds } from '../../src/report/write-report.ts';
import { UserError } from '../../src/util/errors.ts';
import { makeDocument } from './synthetic.ts';

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-seeds-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const DOCS = Array.from({ length: 3 }, (_, i) => JSON.stringify(makeDocument(i, { n: 3 }))).join('\n') + '\n';
const model = (seed: number | null, over: Record<string, unknown> = {}): string =>
  JSON.stringify({ dataset: 'toy', architecture: 'flan', encoder: 'conv', testAccuracy: 0.5 + (seed ?? 0) / 10, ...(seed === null ? {} : { training: { seed } }), ...over });
const run = (seed: number | null, over: Record<string, unknown> = {}): string => folderWith({ 'tested-model.json': model(seed, over), 'documents.jsonl': DOCS });

test('runs of one model with different training seeds are replicates: the lowest seed is the report run, in the given order', () => {
  const [s2, s1, other, s3] = [run(2), run(1), run(1, { encoder: 'rnn' }), run(3)];
  const { runs, groups } = readRunsWithSeeds([s2, s1, other, s3]);
  assert.deepEqual(runs.map((r) => r.folder), [s1, other]);
  const g = groups.find((x) => x.length > 1)!;
  assert.deepEqual(g.map((r) => r.folder), [s1, s2, s3]);
  const m = seedsModel(groups, [], { resamples: 50, seed: 1 })!;
  const acc = m.accuracy.find((r) => r.model === 'FLAN-conv')!;
  assert.deepEqual(acc.seeds, [1, 2, 3]);
  assert.deepEqual(acc.accuracies, [0.6, 0.7, 0.8]);
  // Without states files there is no JS, and the row says why.
  assert.match(m.attentionJs[0]!.note!, /no states\/\*\.bin in /);
  assert.equal(seedsModel([[readRunsWithSeeds([s1]).runs[0]!]], [], { resamples: 50, seed: 1 }), null, 'one seed, nothing trained only: no section');
});

test('the same seed twice, or a second run without a recorded seed, is still a duplicate', () => {
  const [a, b, c] = [run(1), run(2), run(1)];
  assert.throws(() => readRunsWithSeeds([a, b, c]), { message: msg.duplicateRun(a, c, 'toy · FLAN-conv') });
  const [d, e] = [run(1), run(null)];
  assert.throws(() => readRunsWithSeeds([d, e]), { message: msg.duplicateRun(d, e, 'toy · FLAN-conv') });
});

test('spread: mean, min, max and the sample s.d. of the finite values; an unbounded ratio is not counted', () => {
  assert.deepEqual(spread([0.2, 0.4, null, 'unbounded', 0.9]), { n: 3, mean: 0.5, min: 0.2, max: 0.9, sd: Math.sqrt(((0.2 - 0.5) ** 2 + (0.4 - 0.5) ** 2 + (0.9 - 0.5) ** 2) / 2) });
  assert.deepEqual(spread([0.3]), { n: 1, mean: 0.3, min: 0.3, max: 0.3, sd: null });
  assert.deepEqual(spread([]), { n: 0, mean: null, min: null, max: null, sd: null });
});

test('seed JS: documents matched by id, single-item and unmatched documents left out; ln 2 for disjoint supports', () => {
  const a = new Map([['d0', Float64Array.from([1, 0])], ['d1', Float64Array.from([0.5, 0.5])], ['d2', Float64Array.from([1])], ['d3', Float64Array.from([0.2, 0.8])]]);
  const b = new Map([['d0', Float64Array.from([0, 1])], ['d1', Float64Array.from([0.5, 0.5])], ['d2', Float64Array.from([1])]]);
  const v = seedJsValues(a, b);
  assert.equal(v.length, 2);
  assert.ok(Math.abs(v[0]! - Math.LN2) < 1e-15);
  assert.equal(v[1], 0);
});

test('a trained-only model reads its accuracy from model.json, and a bad field is one clear line', () => {
  const ok = folderWith({ 'model.json': JSON.stringify({ arch: 'han-rnn', dataset: { name: 'toy' }, config: { seed: 2 }, model: { attentionKind: 'uniform' }, testAccuracy: 0.7, testMajority: 0.4 }) });
  assert.deepEqual(readTrainedOnly(ok), { dataset: 'toy', model: 'HAN-rnn uniform', attention: 'uniform', seed: 2, testAccuracy: 0.7, testMajority: 0.4, folder: ok });
  const bad = folderWith({ 'model.json': JSON.stringify({ arch: 'han-rnn', dataset: { name: 'toy' }, config: {} }) });
  assert.throws(() => readTrainedOnly(bad), (err: unknown) => err instanceof UserError && err.message === `${join(bad, 'model.json')}: field 'config.seed' should be an integer; train it again (attnlab reproduce resumes)`);
  const none = folderWith({});
  assert.throws(() => readTrainedOnly(none), (err: unknown) => err instanceof UserError && err.message.startsWith(`${join(none, 'model.json')}: cannot read the trained model's description`));
});
