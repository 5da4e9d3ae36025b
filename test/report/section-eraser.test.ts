// The report's ERASER section (src/report/section-eraser.ts): its figure's data are the report model's
// per-bin medians under the labels the figure draws them with (model row, data set column, ranking colour,
// kind dash, k on x), every row's point is there exactly once, the table shows the AOPCs and the documents
// behind them, the CSV has a line per row, and the spec compiles. A report without ERASER records has none of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { runBattery } from '../../src/erasure/battery.ts';
import { ERASER_BINS } from '../../src/erasure/eraser.ts';
import { buildFigures, RANKING_LABELS } from '../../src/report/figures.ts';
import { buildReportModel } from '../../src/report/report-model.ts';
import type { RunInput } from '../../src/report/run-input.ts';
import { eraserCsv, eraserSectionHtml, type EraserPoint } from '../../src/report/section-eraser.ts';
import { reportCsvFiles } from '../../src/report/tables-csv.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from '../erasure/fixtures.ts';

function run(dataset: string, architecture: 'han' | 'flan', seed: number, tests: ('eraser_attention' | 'kendall_tau')[]): RunInput {
  const rng = new Rng(seed);
  const head = randomHead(rng, 3, 5);
  const states = Array.from({ length: 24 }, (_, i) => randomState(rng, head, i === 0 ? 1 : 2 + rng.int(30), i));
  const { documents } = runBattery(states, head, { seed, bootstrapResamples: 20, tests });
  return { folder: `${dataset}-${architecture}`, model: { dataset, architecture, encoder: 'rnn', testAccuracy: 0.7 }, documents, examples: [] };
}

test('the ERASER figure draws the report model\'s per-bin medians under their own labels', () => {
  const runs = [run('brown', 'han', 1, ['eraser_attention']), run('brown', 'flan', 2, ['eraser_attention']), run('sotu', 'han', 3, ['eraser_attention'])];
  const m = buildReportModel(runs, { resamples: 30, seed: 1 });
  const rows = m.eraser!;
  assert.equal(rows.length, 3 * 6, 'three runs × the six rankings');
  for (const r of rows) assert.equal(r.documents, 23, 'the single-item document is not behind the numbers');
  const figure = buildFigures(m).find((f) => f.id === 'eraser-attention')!;
  assert.ok(figure, 'the figure is there');
  assert.match(figure.caption, /Comprehensiveness at k/);
  const spec = figure.spec as { data: { values: (EraserPoint & { note?: string })[] }; spec: { encoding: { x: { sort: number[] }; color: { scale: { domain: string[] } } } } };
  const points = spec.data.values.filter((v) => v.note === undefined);
  assert.deepEqual(spec.spec.encoding.x.sort, [...ERASER_BINS]);
  assert.deepEqual(spec.spec.encoding.color.scale.domain, ['attention', 'random', 'gradient', 'gradient × attention', 'leave one out', 'exact minimum']);
  let expected = 0;
  for (const r of rows) {
    for (const kind of ['comprehensiveness', 'sufficiency'] as const) {
      ERASER_BINS.forEach((k, b) => {
        const here = points.filter((p) => p.dataset === r.dataset && p.model === r.model && p.rankingLabel === RANKING_LABELS[r.ranking] && p.kind === kind && p.k === k);
        assert.equal(here.length, 1, `${r.dataset} ${r.model} ${r.ranking} ${kind} ${k}`);
        assert.equal(here[0]!.median, r[kind][b]!.median);
        assert.equal(here[0]!.documents, r[kind][b]!.documents);
        expected++;
      });
    }
  }
  assert.equal(points.length, expected, 'no point without its row');
  // sotu has no FLAN run: its panel says so instead of shifting the others.
  assert.ok(spec.data.values.some((v) => v.note === 'not run' && v.dataset === 'sotu' && v.model === 'FLAN-rnn'));
  compile(figure.spec as unknown as TopLevelSpec);

  const html = eraserSectionHtml(rows, 'eraser.csv');
  assert.match(html, /<h2 id="eraser">ERASER AOPC<\/h2>/);
  assert.match(html, /How to read it/);
  const first = rows[0]!;
  assert.ok(html.includes(`${first.aopcComprehensiveness.median!.toFixed(3)} <span class="small">[${first.aopcComprehensiveness.lo!.toFixed(3)}`), 'AOPC with its interval');
  assert.equal((html.match(/<td class="num">23<\/td>/g) ?? []).length, rows.length, 'documents behind every row');
  const csv = reportCsvFiles(m).eraser.trim().split('\n');
  assert.equal(csv.length, rows.length + 1);
  assert.equal(csv[0]!.split(',').length, eraserCsv(rows).header.length);
  assert.equal(csv[0]!.split(',').length, 5 + 6 + 2 * 3 * ERASER_BINS.length);
});

test('no ERASER records: no section, no figure, a header-only CSV', () => {
  const m = buildReportModel([run('brown', 'han', 4, ['kendall_tau'])], { resamples: 20, seed: 1 });
  assert.equal(m.eraser, undefined);
  assert.ok(!buildFigures(m).some((f) => f.id.startsWith('eraser')));
  assert.equal(eraserSectionHtml([], 'eraser.csv'), '');
  assert.equal(reportCsvFiles(m).eraser.trim().split('\n').length, 1);
});

test('too few documents: the median is shown without an interval', () => {
  const runs = [run('brown', 'han', 5, ['eraser_attention'])];
  runs[0]!.documents = runs[0]!.documents.slice(0, 6);
  const m = buildReportModel(runs, { resamples: 20, seed: 1 });
  assert.match(eraserSectionHtml(m.eraser!, 'eraser.csv'), /too few documents/);
});
