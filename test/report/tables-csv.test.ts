// The CSV files next to report.html hold the same rows as the page's tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { reportCsvFiles } from '../../src/report/tables-csv.ts';
import { readRuns, reportModelOf } from '../../src/report/write-report.ts';
import { fixtureFolders, GOLDEN_OPTIONS } from './golden.ts';

const model = reportModelOf(readRuns(fixtureFolders()), GOLDEN_OPTIONS);
const files = reportCsvFiles(model);
const rows = (text: string): Record<string, string>[] => parse<Record<string, string>>(text, { columns: true });

test('findings.csv, medians.csv, outcomes.csv, paper-statistics.csv: one row per table row, numbers as on the page', () => {
  assert.equal(rows(files.findings).length, model.findings.length);
  assert.equal(rows(files.medians).length, model.medians.length);
  assert.equal(rows(files.outcomes).length, model.outcomes.length);
  assert.equal(rows(files.paperStatistics).length, model.paperStatistics.length);
  const f = rows(files.findings).find((r) => r.finding === 'F3' && r.view === 'without')!;
  const g = model.findings.find((x) => x.id === 'F3' && x.view === 'without')!;
  assert.equal(f.verdict, g.verdict);
  assert.equal(f.documents, String(g.documents));
  const o = rows(files.outcomes)[0]!;
  assert.equal(Number(o.flipped_before_zero_vector) + Number(o.flipped_only_at_zero_vector) + Number(o.never_flipped) + Number(o.single_item_excluded), Number(o.documents));
});
