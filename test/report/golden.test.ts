// The report model and every figure spec built from the fixed results set must equal the committed
// golden files. After an intended change: `npm run golden:report`, then review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFigures } from '../../src/report/figures.ts';
import { readRuns, reportModelOf } from '../../src/report/write-report.ts';
import { fixtureFolders, GOLDEN_DIR, GOLDEN_OPTIONS, relativeFolders } from './golden.ts';

const model = relativeFolders(reportModelOf(readRuns(fixtureFolders()), GOLDEN_OPTIONS));
const golden = (path: string): unknown => JSON.parse(readFileSync(join(GOLDEN_DIR, path), 'utf8'));
// Through JSON, as the golden files went: Infinity and undefined read the same way on both sides.
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

test('the report model matches the golden file', () => {
  assert.deepEqual(asJson(model), golden('report-model.json'));
});

test('every figure spec matches its golden file, and no golden spec is left without a figure', () => {
  const figures = buildFigures(model);
  for (const fig of figures) assert.deepEqual(asJson(fig.spec), golden(`specs/${fig.id}.vl.json`), fig.id);
  const goldenIds = readdirSync(join(GOLDEN_DIR, 'specs')).map((f) => f.replace(/\.vl\.json$/, '')).sort();
  assert.deepEqual(figures.map((f) => f.id).sort(), goldenIds);
});

test('the fixture set covers what the figures need', () => {
  assert.deepEqual(model.datasets, ['news', 'reviews']);
  assert.deepEqual(model.models, ['HAN-rnn', 'HAN-conv', 'FLAN-rnn', 'FLAN-noenc']);
  assert.ok(model.examples.length > 0);
  for (const id of ['F1', 'F2', 'F3', 'F4', 'F5']) assert.ok(model.findings.some((f) => f.id === id), id);
});
