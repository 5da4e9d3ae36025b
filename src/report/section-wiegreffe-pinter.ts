// The report's Wiegreffe & Pinter (2019) section (docs/faithfulness.md §8): the frozen-attention diagnostic
// (diagnose.json: test accuracy of the model and of MLPs pooling with its weights / uniform / their own, and
// — their Table 4 "Adversary" row — with an adversary's weights, from adversary.json) and adversarial
// training with λ (adversary.json: how far the adversary's attention went from the base's against how far its
// outputs went; a table and a figure against λ). Both files sit in the trained model's folder; a run folder
// finds them in itself, its parent (reproduce's <model>/erasure layout) or its recorded checkpoint folder. A
// file that cannot be read is a counted, named skip, never a failed report.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Proportion } from '../erasure/types.ts';
import { bootstrapInterval, MIN_DOCUMENTS, proportion } from '../erasure/statistics.ts';
import { ADVERSARY_JSON, readAdversaryFile, type AdversaryFile } from '../train/adversary-model.ts';
import { DIAGNOSE_JSON, readDiagnoseFile, type DiagnoseFile } from '../train/diagnose-model.ts';
import { DIAGNOSTIC_VARIANTS, type DiagnosticVariant } from '../train/attention-diagnostic.ts';
import { sameDiagnosticSettings } from '../train/diagnose-model.ts';
import { UserError } from '../util/errors.ts';
import { userTextHtml } from './bidi.ts';
import { escapeHtml } from './escape.ts';
import { facet, panelSize, type Figure } from './figures.ts';
import type { ReportModel } from './report-model.ts';
import { fixed } from './numbers.ts';

export interface WpDiagnosticRow {
  dataset: string;
  model: string;
  /** Test documents behind every accuracy of the row. */
  documents: number;
  base: Proportion;
  /** Per variant: the MLP's test accuracy, or null when that variant was not run. */
  trained: Proportion | null;
  uniform: Proportion | null;
  learned: Proportion | null;
  /** trained − uniform (the claim to check: > 0), null when either is missing. */
  trainedMinusUniform: number | null;
  /**
   * W&P's Table 4 "Adversary" row: the MLP pooling with the adversary's weights, for the largest λ whose
   * adversary.json run has that diagnostic with the same MLP settings as diagnose.json; null when none has.
   */
  adversary: Proportion | null;
  adversaryLambda: number | null;
  /** trained − adversary (W&P: > 0, the adversary's weights are less useful), null when either is missing. */
  trainedMinusAdversary: number | null;
  epochs: number;
  hidden: number;
  trainDocuments: number;
}

export interface MeanWithInterval {
  documents: number;
  mean: number | null;
  lo: number | null;
  hi: number | null;
}

export interface WpAdversaryRow {
  dataset: string;
  model: string;
  lambda: number;
  /** JS, KL and TVD are over the test documents with at least 2 items. */
  js: MeanWithInterval;
  medianJs: number | null;
  meanKl: number | null;
  tvd: MeanWithInterval;
  accuracy: Proportion;
  baseAccuracy: Proportion;
  /** The diagnostic MLP pooling with this adversary's word weights: test accuracy; null when not run. */
  diagnostic: Proportion | null;
  epochs: number;
  bestEpoch: number;
  /** Where the adversary started: 'scratch' (W&P) or 'base' (a copy of the base model). */
  init: string;
}

export interface WiegreffePinterRows {
  diagnostic: WpDiagnosticRow[];
  adversary: WpAdversaryRow[];
  /** Files found but not readable: path and why. */
  skipped: { path: string; reason: string }[];
}

/** What the section needs of a run: where it is, where its model was, and its names in the report. */
export interface WpRunRef {
  folder: string;
  checkpoint?: string;
  dataset: string;
  model: string;
}

function findFile(run: WpRunRef, name: string): string | null {
  const dirs = [run.folder, dirname(run.folder), ...(run.checkpoint ? [run.checkpoint] : [])];
  for (const d of dirs) if (existsSync(join(d, name))) return d;
  return null;
}

const finite = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function meanWithInterval(xs: readonly number[], resamples: number, seed: number): MeanWithInterval {
  if (xs.length === 0) return { documents: 0, mean: null, lo: null, hi: null };
  const { lo, hi } = bootstrapInterval(xs, mean, resamples, seed);
  return { documents: xs.length, mean: mean(xs), lo, hi };
}

/** The adversary run whose MLP goes in the diagnostic table: the largest λ with a diagnostic made with the same MLP settings. */
function tableFourRun(f: DiagnoseFile, a: AdversaryFile | null): { lambda: number; p: Proportion } | null {
  if (!a?.diagnosticSettings || !sameDiagnosticSettings(a.diagnosticSettings, f.settings)) return null;
  const runs = a.runs.filter((r) => r.diagnostic !== undefined);
  const r = runs[runs.length - 1];
  return r?.diagnostic ? { lambda: r.lambda, p: proportion(r.diagnostic.testCorrect, r.diagnostic.testDocuments) } : null;
}

function diagnosticRow(run: WpRunRef, f: DiagnoseFile, a: AdversaryFile | null): WpDiagnosticRow {
  const n = f.base.testDocuments;
  const of = (v: DiagnosticVariant): Proportion | null => {
    const r = f.variants.find((x) => x.variant === v);
    return r ? proportion(r.testCorrect, r.testDocuments) : null;
  };
  const [trained, uniform, learned] = DIAGNOSTIC_VARIANTS.map(of) as [Proportion | null, Proportion | null, Proportion | null];
  const adv = tableFourRun(f, a);
  return {
    dataset: run.dataset,
    model: run.model,
    documents: n,
    base: proportion(f.base.testCorrect, n),
    trained,
    uniform,
    learned,
    trainedMinusUniform: trained?.share != null && uniform?.share != null ? trained.share - uniform.share : null,
    adversary: adv?.p ?? null,
    adversaryLambda: adv?.lambda ?? null,
    trainedMinusAdversary: trained?.share != null && adv?.p.share != null ? trained.share - adv.p.share : null,
    epochs: f.settings.epochs,
    hidden: f.settings.hidden,
    trainDocuments: f.trainDocuments,
  };
}

function adversaryRows(run: WpRunRef, f: AdversaryFile, resamples: number, seed: number): WpAdversaryRow[] {
  return f.runs.map((r) => ({
    dataset: run.dataset,
    model: run.model,
    lambda: r.lambda,
    js: meanWithInterval(r.test.js, resamples, seed),
    medianJs: finite(r.test.medianJs),
    meanKl: finite(r.test.meanKl),
    tvd: meanWithInterval(r.test.tvd, resamples, seed),
    accuracy: proportion(r.test.correct, r.test.documents),
    baseAccuracy: proportion(f.base.testCorrect, f.base.testDocuments),
    diagnostic: r.diagnostic ? proportion(r.diagnostic.testCorrect, r.diagnostic.testDocuments) : null,
    epochs: f.settings.epochs,
    bestEpoch: r.bestEpoch,
    init: f.settings.init,
  }));
}

/** The section's rows for the report's runs (in the report's order). */
export function wiegreffePinterRows(runs: readonly WpRunRef[], opts: { resamples: number; seed: number }): WiegreffePinterRows {
  const out: WiegreffePinterRows = { diagnostic: [], adversary: [], skipped: [] };
  const attempt = <T>(path: string, read: () => T | null): T | null => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      out.skipped.push({ path, reason: err.message });
      return null;
    }
  };
  for (const run of runs) {
    const d = findFile(run, DIAGNOSE_JSON);
    const df = d === null ? null : attempt(join(d, DIAGNOSE_JSON), () => readDiagnoseFile(d));
    const a = findFile(run, ADVERSARY_JSON);
    const af = a === null ? null : attempt(join(a, ADVERSARY_JSON), () => readAdversaryFile(a));
    if (df) out.diagnostic.push(diagnosticRow(run, df, af));
    if (af) out.adversary.push(...adversaryRows(run, af, opts.resamples, opts.seed));
  }
  return out;
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);
const propCell = (p: Proportion | null): string =>
  p === null || p.share === null ? '<td class="num">—</td>' : `<td class="num">${pct(p.share)} <span class="small">[${pct(p.lo)}, ${pct(p.hi)}]</span></td>`;
const num = (x: number | null, digits = 4): string => (x === null ? '—' : fixed(x, digits));
const pts = (x: number | null): string => (x === null ? '—' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} pts`);
/** A share with its interval and the documents behind it (for cells whose count differs from the row's). */
const propOfCell = (p: Proportion | null, note = ''): string =>
  p === null || p.share === null
    ? '<td class="num">—</td>'
    : `<td class="num">${pct(p.share)} <span class="small">[${pct(p.lo)}, ${pct(p.hi)}] of ${p.documents}${note}</span></td>`;
const meanCell = (m: MeanWithInterval): string =>
  m.mean === null ? '<td class="num">—</td>' : `<td class="num">${num(m.mean)} <span class="small">[${num(m.lo)}, ${num(m.hi)}]</span></td>`;

export const WP_CSV_FILES = { diagnostic: 'wiegreffe-pinter-diagnostic.csv', adversary: 'wiegreffe-pinter-adversary.csv' } as const;

/** The section's HTML; empty when no run has a diagnose.json or adversary.json. */
export function wiegreffePinterSection(rows: WiegreffePinterRows | undefined): string {
  if (!rows || (rows.diagnostic.length === 0 && rows.adversary.length === 0 && rows.skipped.length === 0)) return '';
  const few = (n: number): string => (n < MIN_DOCUMENTS ? ' <span class="small">(too few documents)</span>' : '');
  const diag = rows.diagnostic.map(
    (r) =>
      `<tr><td>${userTextHtml(r.dataset)}</td><td>${escapeHtml(r.model)}</td><td class="num">${r.documents}${few(r.documents)}</td>${propCell(r.base)}${propCell(r.trained)}${propCell(r.uniform)}${propCell(r.learned)}` +
      `<td class="num">${pts(r.trainedMinusUniform)}</td>${propOfCell(r.adversary, r.adversaryLambda === null ? '' : `, λ = ${r.adversaryLambda}`)}<td class="num">${pts(r.trainedMinusAdversary)}</td>` +
      `<td class="num">${r.trainDocuments} / ${r.epochs} / ${r.hidden}</td></tr>`,
  );
  const adv = rows.adversary.map(
    (r) =>
      `<tr><td>${userTextHtml(r.dataset)}</td><td>${escapeHtml(r.model)}</td><td class="num">${r.lambda}</td><td class="num">${r.js.documents}${few(r.js.documents)}</td>${meanCell(r.js)}<td class="num">${num(r.medianJs)}</td>` +
      `<td class="num">${num(r.meanKl)}</td>${meanCell(r.tvd)}${propCell(r.accuracy)}${propCell(r.baseAccuracy)}${propOfCell(r.diagnostic)}<td>${escapeHtml(r.init)}</td><td class="num">${r.bestEpoch} / ${r.epochs}</td></tr>`,
  );
  const skipped = rows.skipped.length
    ? `<p class="warning">${rows.skipped.length} file(s) skipped: ${rows.skipped.map((s) => `${escapeHtml(s.path)} (${escapeHtml(s.reason)})`).join('; ')}</p>`
    : '';
  const diagTable = rows.diagnostic.length
    ? `<h3>The frozen-attention diagnostic (their §4, Tables 3 and 4)</h3>
<p class="small"><strong>How to read it.</strong> Each MLP sees only the words' (frozen, non-contextual) embeddings from the trained
model's table and pools them with fixed weights: <em>trained</em> = the model's own attention, held fixed (HAN: sentence weight ×
word weight), <em>uniform</em> = 1/n, <em>learned</em> = the MLP's own attention. All are test accuracy on the same documents, with
95% Wilson intervals. If the model's attention marks the words that matter, <em>trained</em> beats <em>uniform</em> (the last but one
column above zero, with intervals that do not overlap); if it does not, the model's weights carry no more than a bag of words does.
<em>learned</em> shows what a simple model finds on its own. <em>adversary's weights</em> (their Table 4 "Adversary" row) pools with the
word weights of the adversarial model of the largest λ below, over the same frozen table: W&amp;P found them less useful than the
model's own (<em>trained − adversary</em> above zero) although the adversary's predictions match the model's — then the model's attention
carries information that other attention serving the same predictions does not. Its cell gives its 95% Wilson interval, the test
documents behind it and the λ. Download: <a href="${WP_CSV_FILES.diagnostic}">${WP_CSV_FILES.diagnostic}</a>.</p>
<table class="report-table" id="table-wp-diagnostic"><thead><tr><th>data set</th><th>model</th><th>test documents</th><th>the model itself</th><th>MLP, trained weights</th><th>MLP, uniform</th><th>MLP, learned</th><th>trained − uniform</th><th>MLP, adversary's weights</th><th>trained − adversary</th><th>training docs / epochs / hidden</th></tr></thead>
<tbody>${diag.join('\n')}</tbody></table>`
    : '';
  const advTable = rows.adversary.length
    ? `<h3>Adversarial training with λ (their §5, Figure 3)</h3>
<p class="small"><strong>How to read it.</strong> For each λ a model of the same architecture was trained to keep the base's predictions
(small TVD of the output distributions) while moving its final-layer attention away from the base's (large KL), loss TVD − λ·KL.
Columns: mean JS divergence of its attention from the base's (natural log, 0 … ln 2 ≈ 0.693) and mean TVD of its outputs, over
the test documents with at least 2 items, each with a 95% bootstrap interval over documents; its test accuracy beside the base's.
<em>start</em>: <em>scratch</em> = a fresh model with the base's embeddings (W&amp;P's protocol), <em>base</em> = a copy of the base fine-tuned
with this loss (docs/faithfulness.md §8); λ = 0 is the check that the procedure keeps the base's predictions (from scratch: that it can
match them at all) and how far its attention drifts without being pushed. <em>MLP with its weights</em>: the diagnostic MLP above pooling
with this adversary's word weights (test accuracy, 95% Wilson interval, documents). The figure "Adversarial training against λ" draws
these columns. A large JS at a small TVD and an accuracy near the base's means other
attention serves the same decisions equally well (attention is not a unique explanation); a JS that grows only as TVD grows means
the model's decisions are tied to its attention. Download: <a href="${WP_CSV_FILES.adversary}">${WP_CSV_FILES.adversary}</a>.</p>
<table class="report-table" id="table-wp-adversary"><thead><tr><th>data set</th><th>model</th><th>λ</th><th>documents (n ≥ 2)</th><th>mean JS</th><th>median JS</th><th>mean KL</th><th>mean TVD</th><th>adversary accuracy</th><th>base accuracy</th><th>MLP with its weights</th><th>start</th><th>best / epochs</th></tr></thead>
<tbody>${adv.join('\n')}</tbody></table>`
    : '';
  return `<h2 id="wiegreffe-pinter">Wiegreffe &amp; Pinter (2019): frozen attention and adversarial attention</h2>
<p class="small">Computed by <code>attnlab diagnose</code> and <code>attnlab adversary</code> on the trained models (definitions: docs/faithfulness.md).</p>
${skipped}${diagTable}
${advTable}`;
}

type Cell = string | number | null | undefined;
const cell = (v: Cell): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: Cell[][]): string => [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
const p3 = (p: Proportion | null): Cell[] => [p?.share, p?.lo, p?.hi];

/** The two tables as CSV (only those with rows). */
export function wiegreffePinterCsv(rows: WiegreffePinterRows | undefined): Partial<Record<keyof typeof WP_CSV_FILES, string>> {
  const out: Partial<Record<keyof typeof WP_CSV_FILES, string>> = {};
  if (!rows) return out;
  if (rows.diagnostic.length) {
    out.diagnostic = csv(
      ['dataset', 'model', 'test_documents', 'base', 'base_lo', 'base_hi', 'trained', 'trained_lo', 'trained_hi', 'uniform', 'uniform_lo', 'uniform_hi', 'learned', 'learned_lo', 'learned_hi', 'trained_minus_uniform', 'train_documents', 'epochs', 'hidden', 'adversary', 'adversary_lo', 'adversary_hi', 'adversary_documents', 'adversary_lambda', 'trained_minus_adversary'],
      rows.diagnostic.map((r) => [r.dataset, r.model, r.documents, ...p3(r.base), ...p3(r.trained), ...p3(r.uniform), ...p3(r.learned), r.trainedMinusUniform, r.trainDocuments, r.epochs, r.hidden, ...p3(r.adversary), r.adversary?.documents, r.adversaryLambda, r.trainedMinusAdversary]),
    );
  }
  if (rows.adversary.length) {
    out.adversary = csv(
      ['dataset', 'model', 'lambda', 'documents', 'mean_js', 'mean_js_lo', 'mean_js_hi', 'median_js', 'mean_kl', 'mean_tvd', 'mean_tvd_lo', 'mean_tvd_hi', 'accuracy', 'accuracy_lo', 'accuracy_hi', 'base_accuracy', 'best_epoch', 'epochs', 'diagnostic', 'diagnostic_lo', 'diagnostic_hi', 'diagnostic_documents', 'init'],
      rows.adversary.map((r) => [r.dataset, r.model, r.lambda, r.js.documents, r.js.mean, r.js.lo, r.js.hi, r.medianJs, r.meanKl, r.tvd.mean, r.tvd.lo, r.tvd.hi, ...p3(r.accuracy), r.baseAccuracy.share, r.bestEpoch, r.epochs, ...p3(r.diagnostic), r.diagnostic?.documents, r.init]),
    );
  }
  return out;
}

/** The λ figure's series, in legend order: what each point measures (the legend shows these labels). */
export const WP_LAMBDA_MEASURES = ['mean JS from the base\'s attention', 'mean TVD from the base\'s outputs', 'adversary accuracy', 'base accuracy'] as const;
export type WpLambdaMeasure = (typeof WP_LAMBDA_MEASURES)[number];

/** One point of the λ figure: a model's adversary at λ, one measure, with its interval where it has one. */
export interface WpLambdaPoint {
  dataset: string;
  model: string;
  lambda: number;
  measure: WpLambdaMeasure;
  value: number;
  lo: number | null;
  hi: number | null;
  /** Documents behind the value (JS, TVD: the test documents with n ≥ 2; accuracies: all test documents). */
  documents: number;
}

/** The figure's data, straight from the adversary rows: mean JS and TVD with bootstrap intervals, accuracies with Wilson intervals. */
export function wpLambdaPoints(rows: readonly WpAdversaryRow[]): WpLambdaPoint[] {
  return rows.flatMap((r) => {
    const base = { dataset: r.dataset, model: r.model, lambda: r.lambda };
    const out: WpLambdaPoint[] = [];
    if (r.js.mean !== null) out.push({ ...base, measure: WP_LAMBDA_MEASURES[0], value: r.js.mean, lo: r.js.lo, hi: r.js.hi, documents: r.js.documents });
    if (r.tvd.mean !== null) out.push({ ...base, measure: WP_LAMBDA_MEASURES[1], value: r.tvd.mean, lo: r.tvd.lo, hi: r.tvd.hi, documents: r.tvd.documents });
    if (r.accuracy.share !== null) out.push({ ...base, measure: WP_LAMBDA_MEASURES[2], value: r.accuracy.share, lo: r.accuracy.lo, hi: r.accuracy.hi, documents: r.accuracy.documents });
    if (r.baseAccuracy.share !== null) out.push({ ...base, measure: WP_LAMBDA_MEASURES[3], value: r.baseAccuracy.share, lo: null, hi: null, documents: r.baseAccuracy.documents });
    return out;
  });
}

export const WP_LAMBDA_COLOURS: Record<WpLambdaMeasure, string> = {
  "mean JS from the base's attention": '#4c78a8',
  "mean TVD from the base's outputs": '#f58518',
  'adversary accuracy': '#54a24b',
  'base accuracy': '#54a24b',
};

/** W&P's Figure 3 as attnlab draws it: per model, JS / TVD / accuracy against λ (absent without adversary.json). */
export function wiegreffePinterFigures(m: ReportModel): Figure[] {
  const rows = m.wiegreffePinter?.adversary ?? [];
  const points = wpLambdaPoints(rows);
  if (points.length === 0) return [];
  const measures = [...WP_LAMBDA_MEASURES];
  const lambdas = [...new Set(rows.map((r) => r.lambda))].sort((a, b) => a - b);
  // Rows only for the models with an adversary: the full suite trains none for sparse or uniform attention
  // (docs/faithfulness.md §8), and a row of empty panels for each of them buried the six that have one.
  const withAdversary = { ...m, models: m.models.filter((name) => points.some((p) => p.model === name)) };
  const without = m.models.filter((name) => !withAdversary.models.includes(name));
  const encoding = {
    x: { field: 'lambda', type: 'ordinal', sort: lambdas, scale: { domain: lambdas }, title: 'λ (weight of the KL term)', axis: { labelAngle: 0 } },
    y: { field: 'value', type: 'quantitative', title: 'JS · TVD · accuracy', scale: { domain: [0, 1] } },
    color: { field: 'measure', type: 'nominal', sort: measures, title: null, scale: { domain: measures, range: measures.map((x) => WP_LAMBDA_COLOURS[x]) }, legend: { orient: 'top', columns: 2, labelLimit: 320, symbolType: 'stroke', symbolStrokeWidth: 2 } },
  };
  const dash = { field: 'measure', type: 'nominal', sort: measures, title: null, scale: { domain: measures, range: measures.map((x) => (x === 'base accuracy' ? [5, 3] : [1, 0])) } };
  const layers = [
    { mark: { type: 'line', strokeWidth: 1.6 }, encoding: { strokeDash: dash, detail: { field: 'measure' } } },
    { transform: [{ filter: 'datum.lo != null' }], mark: { type: 'rule', strokeWidth: 1.2 }, encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
    { transform: [{ filter: "datum.measure != 'base accuracy'" }], mark: { type: 'point', filled: true, size: 30 } },
  ];
  return [
    {
      id: 'wp-adversary-lambda',
      paper: 'W&P Fig. 3',
      title: 'Adversarial training against λ: how far the adversary\'s attention and outputs moved from the base\'s (Wiegreffe & Pinter 2019)',
      caption:
        'How to read it: one panel per model; x = λ, the weight of the KL term pushing the adversary\'s final-layer attention away from the base\'s ' +
        '(loss TVD − λ·KL, docs/faithfulness.md §8). Blue: mean JS divergence of the adversary\'s attention from the base\'s (natural log, at most ' +
        'ln 2 ≈ 0.69); orange: mean TVD of its output distributions from the base\'s; green: the adversary\'s test accuracy, dashed green the base\'s. ' +
        'Vertical bars: 95% intervals (bootstrap over documents for JS and TVD, Wilson for accuracy). Blue high while orange stays low and green ' +
        'stays near the dashed line = a very different attention serves the same decisions (attention is not the only explanation the ' +
        'architecture allows); orange rising with blue = the decisions are tied to the attention. The documents behind each point and the ' +
        'diagnostic MLP with each adversary\'s weights are in the table "Adversarial training with λ". Rows: the models with an adversary ' +
        `in some data set (the full suite trains none for sparsemax, entmax or uniform attention)${without.length > 0 ? `; not drawn, no adversary: ${without.join(', ')}` : ''}.`,
      spec: facet(withAdversary, points, 'no adversary trained', layers, encoding, panelSize(m, 150)),
    },
  ];
}
