// The Wiegreffe & Pinter section: its rows come from the model folder's diagnose.json / adversary.json (found
// beside a reproduce-style <model>/erasure run folder), every table cell sits under the header that names it,
// the CSV says the same, a damaged file is a named skip, and a report without the files has no section.
// adversary.json files from before the adversary's diagnostic still read (no Table 4 cell, start 'scratch');
// newer ones fill the Table 4 "Adversary" cell (largest λ, same MLP settings only) and the λ figure, whose
// drawn marks are checked against the rows under their own labels and panels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { buildFigures } from '../../src/report/figures.ts';
import { buildReportModel } from '../../src/report/report-model.ts';
import type { RunInput } from '../../src/report/run-input.ts';
import { WP_LAMBDA_MEASURES, wiegreffePinterCsv, wiegreffePinterRows, wiegreffePinterSection, wpLambdaPoints } from '../../src/report/section-wiegreffe-pinter.ts';
import { makeDocument } from './synthetic.ts';

const variant = (v: string, correct: number) => ({ variant: v, bestEpoch: 2, devAccuracy: 0.5, testAccuracy: correct / 40, testCorrect: correct, testDocuments: 40, history: [{ epoch: 1, trainLoss: 1, devAccuracy: 0.5 }], seconds: 1 });
const DIAGNOSE = {
  format: 'attnlab-diagnose', version: 1, arch: 'flan-rnn', dataset: 'toy', labels: ['a', 'b'],
  settings: { hidden: 128, epochs: 8, lr: 0.001, weightDecay: 1e-5, batchSize: 32, clip: 10, seed: 1 },
  trainDocuments: 200,
  base: { testAccuracy: 0.9, testCorrect: 36, testDocuments: 40 },
  variants: [variant('trained', 34), variant('uniform', 26), variant('learned', 30)],
};
const run = (lambda: number, js: number[], tvd: number[], correct: number) => ({
  lambda, bestEpoch: 3, seconds: 1,
  history: [{ epoch: 1, trainLoss: 0, trainTvd: 0, trainKl: 0, devLoss: 0 }],
  test: { documents: 40, attentionDocuments: js.length, meanJs: js.reduce((a, b) => a + b) / js.length, medianJs: js[1], meanKl: 2 * lambda + 0.5, meanTvd: tvd.reduce((a, b) => a + b) / tvd.length, medianTvd: tvd[1], correct, accuracy: correct / 40, js, tvd },
});
const ADVERSARY = {
  format: 'attnlab-adversary', version: 1, arch: 'flan-rnn', dataset: 'toy',
  settings: { epochs: 8, lr: 0.001, clip: 10, seed: 1 }, trainDocuments: 200,
  base: { testAccuracy: 0.9, testCorrect: 36, testDocuments: 40 },
  runs: [run(0, [0.01, 0.02, 0.03], [0.05, 0.06, 0.07], 35), run(1, [0.4, 0.5, 0.6], [0.1, 0.2, 0.3], 20)],
};

/** The cells of a table's body rows, keyed by the header texts. */
function tableCells(html: string, id: string): Record<string, string>[] {
  const table = html.slice(html.indexOf(`id="${id}"`));
  const end = table.indexOf('</table>');
  const body = table.slice(0, end);
  const strip = (s: string) => s.replace(/<[^>]+>/g, '').trim();
  const headers = [...body.slice(0, body.indexOf('</thead>')).matchAll(/<th>(.*?)<\/th>/g)].map((m) => strip(m[1]!));
  const rows = body.slice(body.indexOf('<tbody>')).split('</tr>').filter((r) => r.includes('<td'));
  return rows.map((r) => {
    const cells = [...r.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => strip(m[1]!));
    assert.equal(cells.length, headers.length, `a row of ${id} has ${cells.length} cells for ${headers.length} headers`);
    return Object.fromEntries(headers.map((h, i) => [h, cells[i]!]));
  });
}

test('W&P section: diagnostic and adversary rows under their labels, in the CSV alike; damaged files skipped by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-wp-report-'));
  try {
    const model = join(dir, 'flan-rnn');
    mkdirSync(join(model, 'erasure'), { recursive: true });
    writeFileSync(join(model, 'diagnose.json'), JSON.stringify(DIAGNOSE));
    writeFileSync(join(model, 'adversary.json'), JSON.stringify(ADVERSARY));
    const broken = join(dir, 'han-rnn');
    mkdirSync(join(broken, 'erasure'), { recursive: true });
    writeFileSync(join(broken, 'diagnose.json'), '{"format": "attnlab-diagnose", "version": 1');
    const none = join(dir, 'flan-conv', 'erasure');
    mkdirSync(none, { recursive: true });

    const rows = wiegreffePinterRows(
      [
        { folder: join(model, 'erasure'), dataset: 'toy', model: 'FLAN-rnn' },
        { folder: join(broken, 'erasure'), dataset: 'toy', model: 'HAN-rnn' },
        { folder: none, dataset: 'toy', model: 'FLAN-conv' },
      ],
      { resamples: 200, seed: 1 },
    );
    assert.equal(rows.diagnostic.length, 1);
    assert.equal(rows.adversary.length, 2);
    assert.equal(rows.skipped.length, 1);
    assert.match(rows.skipped[0]!.path, /han-rnn\/diagnose\.json$/);
    const d = rows.diagnostic[0]!;
    assert.ok(Math.abs(d.trainedMinusUniform! - (34 - 26) / 40) < 1e-12);
    const a1 = rows.adversary[1]!;
    assert.ok(Math.abs(a1.js.mean! - 0.5) < 1e-12 && a1.js.lo! <= 0.5 && a1.js.hi! >= 0.5 && a1.js.lo! >= 0.4 && a1.js.hi! <= 0.6);

    const html = wiegreffePinterSection(rows);
    assert.match(html, /How to read it/);
    assert.match(html, /1 file\(s\) skipped: .*han-rnn/);
    const [diag] = tableCells(html, 'table-wp-diagnostic');
    assert.equal(diag!['model'], 'FLAN-rnn');
    assert.equal(diag!['test documents'], '40');
    assert.match(diag!['the model itself']!, /^90\.0%/);
    assert.match(diag!['MLP, trained weights']!, /^85\.0% \[/);
    assert.match(diag!['MLP, uniform']!, /^65\.0% \[/);
    assert.match(diag!['MLP, learned']!, /^75\.0% \[/);
    assert.equal(diag!['trained − uniform'], '+20.0 pts');
    assert.equal(diag!['training docs / epochs / hidden'], '200 / 8 / 128');
    // An adversary.json from before the adversary's diagnostic: no Table 4 cell, its adversaries started from scratch.
    assert.equal(diag!["MLP, adversary's weights"], '—');
    assert.equal(diag!['trained − adversary'], '—');
    const adv = tableCells(html, 'table-wp-adversary');
    assert.deepEqual(adv.map((r) => r['λ']), ['0', '1']);
    assert.match(adv[1]!['mean JS']!, /^0\.5000 \[/);
    assert.equal(adv[1]!['median JS'], '0.5000');
    assert.equal(adv[1]!['mean KL'], '2.5000');
    assert.match(adv[1]!['mean TVD']!, /^0\.2000 \[/);
    assert.match(adv[1]!['adversary accuracy']!, /^50\.0% \[/);
    assert.match(adv[1]!['base accuracy']!, /^90\.0% \[/);
    assert.equal(adv[1]!['documents (n ≥ 2)'], '3 (too few documents)');
    assert.equal(adv[1]!['best / epochs'], '3 / 8');
    assert.equal(adv[1]!['MLP with its weights'], '—');
    assert.equal(adv[1]!['start'], 'scratch');

    const files = wiegreffePinterCsv(rows);
    const [header, line] = files.diagnostic!.trim().split('\n').map((l) => l.split(','));
    const rec = Object.fromEntries(header!.map((h, i) => [h, line![i]]));
    assert.equal(rec['trained'], String(34 / 40));
    assert.equal(rec['uniform'], String(26 / 40));
    assert.equal(rec['learned'], String(30 / 40));
    const advLines = files.adversary!.trim().split('\n').map((l) => l.split(','));
    const advRec = Object.fromEntries(advLines[0]!.map((h, i) => [h, advLines[2]![i]]));
    assert.equal(advRec['lambda'], '1');
    assert.equal(Number(advRec['mean_js']), 0.5);
    assert.ok(Math.abs(Number(advRec['mean_tvd']) - 0.2) < 1e-12);
    assert.equal(advRec['accuracy'], '0.5');

    assert.equal(wiegreffePinterSection(wiegreffePinterRows([{ folder: none, dataset: 'toy', model: 'FLAN-conv' }], { resamples: 10, seed: 1 })), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The same adversary.json as written today: adversaries from the base, each with its diagnostic MLP. */
const withDiagnostics = (diagnosticSettings: Record<string, number>) => ({
  ...ADVERSARY,
  settings: { ...ADVERSARY.settings, epochs: 2, init: 'base' },
  diagnosticSettings,
  runs: [
    { ...ADVERSARY.runs[0]!, diagnostic: variant('adversary', 33) },
    { ...ADVERSARY.runs[1]!, diagnostic: variant('adversary', 22) },
  ],
});

function folderWith(dir: string, name: string, adversary: unknown): string {
  const model = join(dir, name);
  mkdirSync(join(model, 'erasure'), { recursive: true });
  writeFileSync(join(model, 'diagnose.json'), JSON.stringify(DIAGNOSE));
  writeFileSync(join(model, 'adversary.json'), JSON.stringify(adversary));
  return join(model, 'erasure');
}

test("W&P Table 4: the adversary's MLP of the largest λ beside trained / uniform / learned, with interval and documents; other MLP settings are not put there", () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-wp-table4-'));
  try {
    const same = folderWith(dir, 'flan-rnn', withDiagnostics(DIAGNOSE.settings));
    const other = folderWith(dir, 'han-rnn', withDiagnostics({ ...DIAGNOSE.settings, hidden: 64 }));
    const rows = wiegreffePinterRows(
      [
        { folder: same, dataset: 'toy', model: 'FLAN-rnn' },
        { folder: other, dataset: 'toy', model: 'HAN-rnn' },
      ],
      { resamples: 200, seed: 1 },
    );
    const [d, o] = rows.diagnostic;
    assert.equal(d!.adversaryLambda, 1);
    assert.equal(d!.adversary!.count, 22);
    assert.equal(d!.adversary!.documents, 40);
    assert.ok(Math.abs(d!.trainedMinusAdversary! - (34 - 22) / 40) < 1e-12);
    assert.equal(o!.adversary, null, 'an MLP with other settings is not compared with diagnose.json\'s');
    const html = wiegreffePinterSection(rows);
    const [dc, oc] = tableCells(html, 'table-wp-diagnostic');
    assert.match(dc!["MLP, adversary's weights"]!, /^55\.0% \[\d+\.\d%, \d+\.\d%\] of 40, λ = 1$/);
    assert.equal(dc!['trained − adversary'], '+30.0 pts');
    assert.equal(oc!["MLP, adversary's weights"], '—');
    const adv = tableCells(html, 'table-wp-adversary');
    assert.deepEqual(adv.map((r) => r['MLP with its weights']!.replace(/ \[.*\]/, '')), ['82.5% of 40', '55.0% of 40', '82.5% of 40', '55.0% of 40']);
    assert.deepEqual(adv.map((r) => r['start']), ['base', 'base', 'base', 'base']);
    assert.deepEqual(adv.map((r) => r['best / epochs']), ['3 / 2', '3 / 2', '3 / 2', '3 / 2']);
    const files = wiegreffePinterCsv(rows);
    const [header, line] = files.diagnostic!.trim().split('\n').map((l) => l.split(','));
    const rec = Object.fromEntries(header!.map((h, i) => [h, line![i]]));
    assert.equal(rec['adversary'], String(22 / 40));
    assert.equal(rec['adversary_documents'], '40');
    assert.equal(rec['adversary_lambda'], '1');
    const advLines = files.adversary!.trim().split('\n').map((l) => l.split(','));
    const advRec = Object.fromEntries(advLines[0]!.map((h, i) => [h, advLines[1]![i]]));
    assert.equal(advRec['diagnostic'], String(33 / 40));
    assert.equal(advRec['init'], 'base');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Scene {
  marktype?: string;
  role?: string;
  items?: (Scene & { x?: number; y?: number; width?: number; height?: number; datum?: Record<string, unknown>; text?: unknown })[];
}
interface Mark {
  datum: Record<string, unknown>;
  cell: Record<string, unknown> | undefined;
  marktype: string;
  x: number;
  y: number;
}

/** Marks with their facet cell's keys and their position inside it, and the legend's labels. */
async function drawn(spec: Record<string, unknown>): Promise<{ marks: Mark[]; legend: string[] }> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  await view.runAsync();
  const marks: Mark[] = [];
  const legend: string[] = [];
  const walk = (node: Scene, cell: Record<string, unknown> | undefined): void => {
    for (const it of node.items ?? []) {
      if (node.marktype === 'group') walk(it, it.datum && 'model' in it.datum && 'dataset' in it.datum ? it.datum : cell);
      else {
        if (node.role === 'legend-label' && typeof it.text === 'string') legend.push(it.text);
        if (node.role === 'mark' && it.datum && 'model' in it.datum) marks.push({ datum: it.datum, cell, marktype: node.marktype!, x: it.x ?? 0, y: it.y ?? 0 });
        walk(it, cell);
      }
    }
  };
  walk((view.scenegraph() as unknown as { root: Scene }).root, undefined);
  view.finalize();
  return { marks, legend };
}

test('the λ figure: each point is its row\'s mean JS / mean TVD / accuracy under its own label, in its own panel, left to right by λ', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-wp-figure-'));
  try {
    const flan = folderWith(dir, 'flan-rnn', withDiagnostics(DIAGNOSE.settings));
    const han = folderWith(dir, 'han-rnn', { ...ADVERSARY, runs: [ADVERSARY.runs[1]!] }); // one λ only, an old file
    const docs = Array.from({ length: 12 }, (_, i) => makeDocument(i, { n: 4 }));
    const runs: RunInput[] = [
      { folder: han, model: { dataset: 'toy', architecture: 'han', encoder: 'rnn', testAccuracy: 0.9 }, documents: docs, examples: [] },
      { folder: flan, model: { dataset: 'toy', architecture: 'flan', encoder: 'rnn', testAccuracy: 0.9 }, documents: docs, examples: [] },
      { folder: join(dir, 'none'), model: { dataset: 'toy', architecture: 'flan', encoder: 'conv', testAccuracy: 0.9 }, documents: docs, examples: [] },
    ];
    const m = buildReportModel(runs, { resamples: 50, seed: 1 });
    const fig = buildFigures(m).find((f) => f.id === 'wp-adversary-lambda');
    assert.ok(fig, 'the figure is there');
    assert.match(fig.caption, /How to read it/);
    const rows = m.wiegreffePinter!.adversary;
    const { marks, legend } = await drawn(fig.spec);
    assert.deepEqual([...new Set(legend)].sort(), [...WP_LAMBDA_MEASURES].sort(), 'the legend names the four series');
    const points = marks.filter((x) => x.marktype === 'symbol');
    // Three drawn points per adversary row (JS, TVD, adversary accuracy; the base accuracy is a dashed line only).
    assert.equal(points.length, 3 * rows.length);
    const expected = (row: (typeof rows)[number], measure: string): number =>
      measure === WP_LAMBDA_MEASURES[0] ? row.js.mean! : measure === WP_LAMBDA_MEASURES[1] ? row.tvd.mean! : row.accuracy.share!;
    for (const p of points) {
      assert.ok(p.cell, 'a point outside any panel');
      assert.equal(p.datum.model, p.cell.model);
      assert.equal(p.datum.dataset, p.cell.dataset);
      const row = rows.find((r) => r.model === p.datum.model && r.lambda === p.datum.lambda);
      assert.ok(row, `a point of ${String(p.datum.model)} at λ = ${String(p.datum.lambda)} has its row`);
      assert.equal(p.datum.value, expected(row, p.datum.measure as string), `${String(p.datum.model)} λ=${String(p.datum.lambda)} ${String(p.datum.measure)}`);
    }
    // Within a panel, λ = 0 is left of λ = 1, and a larger value is drawn higher (smaller y).
    const flanJs = points.filter((p) => p.datum.model === 'FLAN-rnn' && p.datum.measure === WP_LAMBDA_MEASURES[0]).sort((a, b) => (a.datum.lambda as number) - (b.datum.lambda as number));
    assert.equal(flanJs.length, 2);
    assert.ok(flanJs[0]!.x < flanJs[1]!.x && flanJs[0]!.y > flanJs[1]!.y, 'JS rises from λ = 0 to λ = 1 and is drawn so');
    // The intervals: one rule per point with an interval, spanning its lo..hi.
    const rules = marks.filter((x) => x.marktype === 'rule' && x.datum.lo != null);
    assert.equal(rules.length, wpLambdaPoints(rows).filter((p) => p.lo !== null).length);
    // FLAN-conv has no adversary.json in any data set: no row of empty panels, the caption names it.
    assert.ok(!marks.some((x) => x.datum.model === 'FLAN-conv'), 'no FLAN-conv panel');
    assert.match(fig.caption, /not drawn, no adversary: FLAN-conv\./);
    assert.ok(!/not drawn/.test(buildFigures(buildReportModel(runs.slice(0, 2), { resamples: 50, seed: 1 })).find((f) => f.id === 'wp-adversary-lambda')!.caption), 'nothing to name when every model has one');
    // Without adversary.json anywhere, no figure.
    const bare = buildReportModel([runs[2]!], { resamples: 50, seed: 1 });
    assert.ok(!buildFigures(bare).some((f) => f.id === 'wp-adversary-lambda'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
