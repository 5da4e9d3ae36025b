// The report's Wiegreffe & Pinter (2019) section (docs/faithfulness.md): the frozen-attention diagnostic
// (diagnose.json: test accuracy of the model and of MLPs pooling with its weights / uniform / their own) and
// adversarial training with λ (adversary.json: how far the adversary's attention went from the base's
// against how far its outputs went). Both files sit in the trained model's folder; a run folder finds them
// in itself, its parent (reproduce's <model>/erasure layout) or its recorded checkpoint folder. A file that
// cannot be read is a counted, named skip, never a failed report.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Proportion } from '../erasure/types.ts';
import { bootstrapInterval, MIN_DOCUMENTS, proportion } from '../erasure/statistics.ts';
import { ADVERSARY_JSON, readAdversaryFile, type AdversaryFile } from '../train/adversary-model.ts';
import { DIAGNOSE_JSON, readDiagnoseFile, type DiagnoseFile } from '../train/diagnose-model.ts';
import { DIAGNOSTIC_VARIANTS, type DiagnosticVariant } from '../train/attention-diagnostic.ts';
import { UserError } from '../util/errors.ts';
import { userTextHtml } from './bidi.ts';
import { escapeHtml } from './escape.ts';

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
  epochs: number;
  bestEpoch: number;
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

function diagnosticRow(run: WpRunRef, f: DiagnoseFile): WpDiagnosticRow {
  const n = f.base.testDocuments;
  const of = (v: DiagnosticVariant): Proportion | null => {
    const r = f.variants.find((x) => x.variant === v);
    return r ? proportion(r.testCorrect, r.testDocuments) : null;
  };
  const [trained, uniform, learned] = DIAGNOSTIC_VARIANTS.map(of) as [Proportion | null, Proportion | null, Proportion | null];
  return {
    dataset: run.dataset,
    model: run.model,
    documents: n,
    base: proportion(f.base.testCorrect, n),
    trained,
    uniform,
    learned,
    trainedMinusUniform: trained?.share != null && uniform?.share != null ? trained.share - uniform.share : null,
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
    epochs: f.settings.epochs,
    bestEpoch: r.bestEpoch,
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
    if (df) out.diagnostic.push(diagnosticRow(run, df));
    const a = findFile(run, ADVERSARY_JSON);
    const af = a === null ? null : attempt(join(a, ADVERSARY_JSON), () => readAdversaryFile(a));
    if (af) out.adversary.push(...adversaryRows(run, af, opts.resamples, opts.seed));
  }
  return out;
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);
const propCell = (p: Proportion | null): string =>
  p === null || p.share === null ? '<td class="num">—</td>' : `<td class="num">${pct(p.share)} <span class="small">[${pct(p.lo)}, ${pct(p.hi)}]</span></td>`;
const num = (x: number | null, digits = 4): string => (x === null ? '—' : x.toFixed(digits));
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
      `<td class="num">${r.trainedMinusUniform === null ? '—' : `${r.trainedMinusUniform >= 0 ? '+' : ''}${(100 * r.trainedMinusUniform).toFixed(1)} pts`}</td><td class="num">${r.trainDocuments} / ${r.epochs} / ${r.hidden}</td></tr>`,
  );
  const adv = rows.adversary.map(
    (r) =>
      `<tr><td>${userTextHtml(r.dataset)}</td><td>${escapeHtml(r.model)}</td><td class="num">${r.lambda}</td><td class="num">${r.js.documents}${few(r.js.documents)}</td>${meanCell(r.js)}<td class="num">${num(r.medianJs)}</td>` +
      `<td class="num">${num(r.meanKl)}</td>${meanCell(r.tvd)}${propCell(r.accuracy)}${propCell(r.baseAccuracy)}<td class="num">${r.bestEpoch} / ${r.epochs}</td></tr>`,
  );
  const skipped = rows.skipped.length
    ? `<p class="warning">${rows.skipped.length} file(s) skipped: ${rows.skipped.map((s) => `${escapeHtml(s.path)} (${escapeHtml(s.reason)})`).join('; ')}</p>`
    : '';
  const diagTable = rows.diagnostic.length
    ? `<h3>The frozen-attention diagnostic (their §4, Table 3)</h3>
<p class="small"><strong>How to read it.</strong> Each MLP sees only the words' (frozen, non-contextual) embeddings from the trained
model's table and pools them with fixed weights: <em>trained</em> = the model's own attention, held fixed (HAN: sentence weight ×
word weight), <em>uniform</em> = 1/n, <em>learned</em> = the MLP's own attention. All are test accuracy on the same documents, with
95% Wilson intervals. If the model's attention marks the words that matter, <em>trained</em> beats <em>uniform</em> (the last but one
column above zero, with intervals that do not overlap); if it does not, the model's weights carry no more than a bag of words does.
<em>learned</em> shows what a simple model finds on its own. Download: <a href="${WP_CSV_FILES.diagnostic}">${WP_CSV_FILES.diagnostic}</a>.</p>
<table class="report-table" id="table-wp-diagnostic"><thead><tr><th>data set</th><th>model</th><th>test documents</th><th>the model itself</th><th>MLP, trained weights</th><th>MLP, uniform</th><th>MLP, learned</th><th>trained − uniform</th><th>training docs / epochs / hidden</th></tr></thead>
<tbody>${diag.join('\n')}</tbody></table>`
    : '';
  const advTable = rows.adversary.length
    ? `<h3>Adversarial training with λ (their §5, Figure 3)</h3>
<p class="small"><strong>How to read it.</strong> For each λ a model of the same architecture was trained to keep the base's predictions
(small TVD of the output distributions) while moving its final-layer attention away from the base's (large KL), loss TVD − λ·KL.
Columns: mean JS divergence of its attention from the base's (natural log, 0 … ln 2 ≈ 0.693) and mean TVD of its outputs, over
the test documents with at least 2 items, each with a 95% bootstrap interval over documents; its test accuracy beside the base's.
λ = 0 is the check that an adversary can match the base at all. A large JS at a small TVD and an accuracy near the base's means other
attention serves the same decisions equally well (attention is not a unique explanation); a JS that grows only as TVD grows means
the model's decisions are tied to its attention. Download: <a href="${WP_CSV_FILES.adversary}">${WP_CSV_FILES.adversary}</a>.</p>
<table class="report-table" id="table-wp-adversary"><thead><tr><th>data set</th><th>model</th><th>λ</th><th>documents (n ≥ 2)</th><th>mean JS</th><th>median JS</th><th>mean KL</th><th>mean TVD</th><th>adversary accuracy</th><th>base accuracy</th><th>best / epochs</th></tr></thead>
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
      ['dataset', 'model', 'test_documents', 'base', 'base_lo', 'base_hi', 'trained', 'trained_lo', 'trained_hi', 'uniform', 'uniform_lo', 'uniform_hi', 'learned', 'learned_lo', 'learned_hi', 'trained_minus_uniform', 'train_documents', 'epochs', 'hidden'],
      rows.diagnostic.map((r) => [r.dataset, r.model, r.documents, ...p3(r.base), ...p3(r.trained), ...p3(r.uniform), ...p3(r.learned), r.trainedMinusUniform, r.trainDocuments, r.epochs, r.hidden]),
    );
  }
  if (rows.adversary.length) {
    out.adversary = csv(
      ['dataset', 'model', 'lambda', 'documents', 'mean_js', 'mean_js_lo', 'mean_js_hi', 'median_js', 'mean_kl', 'mean_tvd', 'mean_tvd_lo', 'mean_tvd_hi', 'accuracy', 'accuracy_lo', 'accuracy_hi', 'base_accuracy', 'best_epoch', 'epochs'],
      rows.adversary.map((r) => [r.dataset, r.model, r.lambda, r.js.documents, r.js.mean, r.js.lo, r.js.hi, r.medianJs, r.meanKl, r.tvd.mean, r.tvd.lo, r.tvd.hi, ...p3(r.accuracy), r.baseAccuracy.share, r.bestEpoch, r.epochs]),
    );
  }
  return out;
}
