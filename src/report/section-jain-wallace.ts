// Jain & Wallace (2019), "Attention is not Explanation", on the report's models (docs/faithfulness.md §4):
// the per-document Kendall tau between attention and gradient / leave-one-out importance (their Fig. 2:
// histograms split by predicted class), attention permutation (their Fig. 6: median output change against
// max attention) and adversarial attention (their Fig. 8: max JS within epsilon against max attention).
// results -> these rows of the report model -> figure specs, tables, CSV. Present only where a run has
// the tests' records (older runs and the golden fixtures have none, so their report is unchanged).
import { boxStats, medianWithInterval, MIN_DOCUMENTS, type BoxStats } from '../erasure/statistics.ts';
import type { KendallTauRecord } from '../erasure/tests/kendall-tau.ts';
import { MAX_ATTENTION_BINS, maxAttentionBin } from '../erasure/tests/permutation.ts';
import type { MedianWithInterval } from '../erasure/types.ts';
import { Rng } from '../util/rng.ts';
import { userTextHtml } from './bidi.ts';
import { escapeHtml } from './escape.ts';
import { facet, MIN_FONT, type Figure } from './figures.ts';
import type { SummarizedRun } from './findings.ts';
import type { ReportModel } from './report-model.ts';
import { modelName } from './run-input.ts';
import { fixed } from './numbers.ts';

export type TauMeasure = 'gradient' | 'leave one out';
export const TAU_MEASURES: readonly TauMeasure[] = ['gradient', 'leave one out'];
const TAU_FIELD: Record<TauMeasure, keyof KendallTauRecord> = { gradient: 'gradient', 'leave one out': 'leaveOneOut' };

/** Width of the tau histogram's bins on [−1, 1]. */
export const TAU_BIN_WIDTH = 0.1;
const TAU_BINS = Math.round(2 / TAU_BIN_WIDTH);

/** One bar segment of a tau histogram: documents of one predicted class with tau in [from, to) ([0.9, 1] last). */
export interface TauBin {
  dataset: string;
  model: string;
  measure: TauMeasure;
  predicted: string;
  from: number;
  to: number;
  count: number;
}

/** A median of tau over one model's documents: all of them (group 'all') or one predicted class. */
export interface TauRow extends MedianWithInterval {
  dataset: string;
  model: string;
  measure: TauMeasure;
  group: string;
  /** Documents of the group where the test ran but tau is undefined (n < 2 or a constant measure). */
  withoutTau: number;
}

export type OutputTest = 'permutation' | 'adversarial';

/** A box of per-document values (median permutation TVD, max adversarial JS) in one max-attention bin. */
export interface OutputBox extends BoxStats {
  dataset: string;
  model: string;
  test: OutputTest;
  /** The bin's label, e.g. "[0.25, 0.5)". */
  bin: string;
}

/** One model's permutation / adversarial numbers: overall and per max-attention bin (bin 'all'). */
export interface OutputRow extends MedianWithInterval {
  dataset: string;
  model: string;
  test: OutputTest;
  bin: string;
  /** Documents the test did not apply to (n < 2, or an older transformer run); on the 'all' row only, else 0. */
  notApplicable: number;
  /** Adversarial only: epsilon, the documents whose answer passed the TVD check, the largest TVD. */
  epsilon?: number;
  constraintMet?: number;
  maxTvd?: number | null;
}

export interface JainWallaceModel {
  tauBins: TauBin[];
  tau: TauRow[];
  boxes: OutputBox[];
  outputs: OutputRow[];
}

export const BIN_LABELS = MAX_ATTENTION_BINS.map(([from, to], k) => `[${from}, ${to}${k === MAX_ATTENTION_BINS.length - 1 ? ']' : ')'}`);

/** The tests' rows of the report model, or undefined when no run has any of their records. */
export function jainWallaceRows(summarized: readonly SummarizedRun[], seed: number, resamples: number): JainWallaceModel | undefined {
  const out: JainWallaceModel = { tauBins: [], tau: [], boxes: [], outputs: [] };
  let any = false;
  for (const { run, summary } of summarized) {
    const key = { dataset: run.model.dataset, model: modelName(run.model) };
    const docs = run.documents;
    // summary.json's names (every run has them), else an example's: "class k" only when neither is there.
    const classes = run.classes ?? run.examples.find((e) => e.classes)?.classes;
    const className = (k: number): string => classes?.[k] ?? `class ${k}`;
    const tauSummary = summary.tests?.kendall_tau;
    if (tauSummary) {
      any = true;
      const records = docs.map((d) => d.tests?.kendall_tau);
      const predictedClasses = [...new Set(docs.filter((_, i) => records[i] !== undefined).map((d) => d.predicted))].sort((a, b) => a - b);
      for (const measure of TAU_MEASURES) {
        const field = TAU_FIELD[measure];
        const tauOf = (i: number): number | null => records[i]?.[field] ?? null;
        const ran = (i: number): boolean => records[i] !== undefined;
        const overall = measure === 'gradient' ? tauSummary.gradient : tauSummary.leaveOneOut;
        out.tau.push({ ...key, measure, group: 'all', ...roundMedian(overall), withoutTau: docs.filter((_, i) => ran(i) && tauOf(i) === null).length });
        for (const k of predictedClasses) {
          const inClass = (i: number): boolean => ran(i) && docs[i]!.predicted === k;
          const groups = docs.map((_, i) => (inClass(i) && tauOf(i) !== null ? [tauOf(i)!] : []));
          // The same bootstrap as summary.json's medians (statistics.ts), seeded per model, measure and class.
          const m = medianWithInterval(groups, new Rng(seed * 1000 + k + (measure === 'gradient' ? 0 : 500)), resamples);
          out.tau.push({ ...key, measure, group: className(k), ...roundMedian(m), withoutTau: docs.filter((_, i) => inClass(i) && tauOf(i) === null).length });
          const counts = new Array<number>(TAU_BINS).fill(0);
          docs.forEach((_, i) => {
            const t = inClass(i) ? tauOf(i) : null;
            if (t !== null) counts[Math.min(TAU_BINS - 1, Math.floor((t + 1) / TAU_BIN_WIDTH + 1e-9))]!++;
          });
          counts.forEach((count, b) => {
            if (count > 0) out.tauBins.push({ ...key, measure, predicted: className(k), from: round(-1 + b * TAU_BIN_WIDTH), to: round(-1 + (b + 1) * TAU_BIN_WIDTH), count });
          });
        }
      }
    }
    const perm = summary.tests?.permutation;
    if (perm) {
      any = true;
      const records = docs.map((d) => d.tests?.permutation);
      outputRows(out, key, 'permutation', perm, records.map((r) => (r ? { value: r.medianTvd, maxAttention: r.maxAttention } : null)), perm.medianTvd);
    }
    const adv = summary.tests?.adversarial_attention;
    if (adv) {
      any = true;
      const records = docs.map((d) => d.tests?.adversarial_attention);
      outputRows(out, key, 'adversarial', adv, records.map((r) => (r ? { value: r.maxJs, maxAttention: r.maxAttention } : null)), adv.maxJs);
      const all = out.outputs[out.outputs.length - MAX_ATTENTION_BINS.length - 1]!;
      Object.assign(all, { epsilon: adv.epsilon, constraintMet: adv.constraintMet.count, maxTvd: adv.maxTvd === null ? null : round(adv.maxTvd) });
    }
  }
  return any ? out : undefined;
}

function outputRows(
  out: JainWallaceModel,
  key: { dataset: string; model: string },
  test: OutputTest,
  summary: { notApplicable: number; byMaxAttention: { median: MedianWithInterval }[] },
  values: ({ value: number; maxAttention: number } | null)[],
  overall: MedianWithInterval,
): void {
  out.outputs.push({ ...key, test, bin: 'all', notApplicable: summary.notApplicable, ...roundMedian(overall) });
  BIN_LABELS.forEach((bin, k) => {
    out.outputs.push({ ...key, test, bin, notApplicable: 0, ...roundMedian(summary.byMaxAttention[k]!.median) });
    const inBin = values.flatMap((v) => (v && maxAttentionBin(v.maxAttention) === k ? [v.value] : []));
    const stats = boxStats(inBin);
    if (stats) out.boxes.push({ ...key, test, bin, ...roundBox(stats) });
  });
}

// ---------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------

export const JAIN_WALLACE_FIGURE_IDS = ['jw-tau-gradient', 'jw-tau-leave-one-out', 'jw-permutation', 'jw-adversarial'] as const;

export function jainWallaceFigures(m: ReportModel): Figure[] {
  const jw = m.jainWallace;
  if (!jw) return [];
  const figures: Figure[] = [];
  if (jw.tau.length) for (const measure of TAU_MEASURES) figures.push(tauFigure(m, jw, measure));
  if (jw.outputs.some((r) => r.test === 'permutation')) figures.push(boxFigure(m, jw, 'permutation'));
  if (jw.outputs.some((r) => r.test === 'adversarial')) figures.push(boxFigure(m, jw, 'adversarial'));
  return figures;
}

/**
 * The tau histograms' colour domain: every predicted class of every run, data set by data set in class
 * order, each once (the scale's default, tableau10 over names sorted alphabetically, mixed the data sets'
 * classes and repeated its 10 colours beyond 10 classes: 'fiction' and '-1860' were the same blue).
 */
export function tauClassColours(jw: JainWallaceModel, datasets: readonly string[]): { domain: string[]; scheme: string } {
  const domain: string[] = [];
  for (const ds of datasets)
    for (const r of jw.tau) if (r.dataset === ds && r.group !== 'all' && !domain.includes(r.group)) domain.push(r.group);
  return { domain, scheme: domain.length > 10 ? 'tableau20' : 'tableau10' };
}

function tauFigure(m: ReportModel, jw: JainWallaceModel, measure: TauMeasure): Figure {
  const colours = tauClassColours(jw, m.datasets);
  const what = measure === 'gradient' ? 'the gradient ∂p_m/∂α_i' : 'leave-one-out (JS of erasing the item alone)';
  return {
    id: measure === 'gradient' ? 'jw-tau-gradient' : 'jw-tau-leave-one-out',
    paper: 'new',
    title: `Kendall τ between attention and ${measure === 'gradient' ? 'gradient' : 'leave-one-out'} importance, per document (Jain & Wallace 2019, Fig. 2)`,
    caption:
      `How to read it: one count per test document (n ≥ 2) of Kendall's τ_b between the attention weights and ${what}, ` +
      `in bins of ${TAU_BIN_WIDTH} on [−1, 1], stacked by the class the model predicts. τ near 1: attention orders the items as the ` +
      'other measure does; near 0: unrelated orders; below 0: opposite orders. Jain & Wallace found τ mostly small for ' +
      'recurrent encoders. The medians with their intervals and document counts are in the table below; documents without ' +
      'a τ (single item or a constant measure) are counted there, not drawn.',
    spec: facet(
      m,
      jw.tauBins.filter((b) => b.measure === measure),
      'no τ recorded',
      [
        {
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'from', type: 'quantitative', bin: { binned: true, step: TAU_BIN_WIDTH }, title: 'Kendall τ_b', scale: { domain: [-1, 1] } },
            x2: { field: 'to' },
            y: { field: 'count', type: 'quantitative', title: 'documents', stack: 'zero', axis: { tickMinStep: 1, format: 'd' } },
            color: { field: 'predicted', type: 'nominal', title: 'predicted class', sort: colours.domain, scale: { domain: colours.domain, scheme: colours.scheme }, legend: { labelLimit: 240 } },
          },
        },
      ],
    ),
  };
}

function boxFigure(m: ReportModel, jw: JainWallaceModel, test: OutputTest): Figure {
  const permutation = test === 'permutation';
  const y = permutation ? 'median TVD' : 'max JS (nats)';
  const yMax = permutation ? 1 : 0.7;
  return {
    id: permutation ? 'jw-permutation' : 'jw-adversarial',
    paper: 'new',
    title: permutation
      ? 'Permuting the attention weights: median output change against max attention (Jain & Wallace 2019, Fig. 6)'
      : 'Adversarial attention: the most different attention with the same output, against max attention (Jain & Wallace 2019, Fig. 8)',
    caption: permutation
      ? 'How to read it: per test document (n ≥ 2), the attention weights were shuffled over the items 100 times and the output ' +
        'change TVD(p, p_perm) = ½‖p − p_perm‖₁ measured; each document contributes the median of its 100. Boxes (quartiles, ' +
        'median line, whiskers to 1.5 IQR) group the documents by their largest attention weight. Boxes near 0 mean the ' +
        'output hardly depends on which item gets which weight, the sign that attention does not carry the decision; ' +
        'Jain & Wallace saw that even for peaked attention. The number over each box is how many documents it holds (medians and intervals: the table); a bin without a box has none.'
      : 'How to read it: per test document (n ≥ 2), the largest JS divergence (nats, at most ln 2 ≈ 0.69) between the ' +
        'attention weights and any other distribution over the items whose output stays within TVD ε = 0.01 of the original, ' +
        'found by a search that is checked against brute force on small documents (docs/faithfulness.md §4.3; on long ' +
        'documents it is a lower bound). Boxes group documents by their largest attention weight. High boxes mean a very ' +
        'different attention gives the same decision, so this attention is not the only explanation of it. The number over each box is how many documents it holds.',
    spec: facet(
      m,
      jw.boxes.filter((b) => b.test === test),
      permutation ? 'permutation not run' : 'adversarial attention not run',
      [
        // A fixed y range (TVD is at most 1, JS at most ln 2), so the counts have a place above the boxes.
        { mark: { type: 'rule' }, encoding: { y: { field: 'whiskerLo', type: 'quantitative', title: y, scale: { domain: [0, yMax] } }, y2: { field: 'whiskerHi' } } },
        { mark: { type: 'bar', size: 18, opacity: 0.7 }, encoding: { y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' } } },
        { mark: { type: 'tick', color: 'black', size: 18, thickness: 2 }, encoding: { y: { field: 'median', type: 'quantitative' } } },
        // The documents behind each box, over it: a box of 3 documents looked as solid as one of 300.
        {
          mark: { type: 'text', fontSize: MIN_FONT, baseline: 'bottom', dy: -3 },
          encoding: { y: { datum: yMax }, text: { field: 'count', type: 'quantitative', format: '.0f' }, color: { value: '#333' } },
        },
      ],
      { x: { field: 'bin', type: 'ordinal', sort: BIN_LABELS, title: 'max attention', scale: { domain: BIN_LABELS }, axis: { labelAngle: 0 } } },
      undefined,
      // A transformer run made before these tests ran on the transformer backend recorded null here: say so.
      (dataset, model) => (m.runs.some((r) => r.dataset === dataset && r.model === model && r.encoder === 'transformer') ? 'not recorded (older transformer run)' : undefined),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// HTML and CSV
// ---------------------------------------------------------------------------------------------

export const JAIN_WALLACE_CSV = { tau: 'jain-wallace-tau.csv', outputs: 'jain-wallace-outputs.csv' } as const;

function medianText(x: MedianWithInterval, digits = 3): string {
  if (x.median === null) return `—<span class="small"> n ${x.documents}</span>`;
  const ci = x.lo === null || x.hi === null ? '' : ` [${fixed(x.lo, digits)}, ${fixed(x.hi, digits)}]`;
  const note = x.documents < MIN_DOCUMENTS ? ' too few documents' : '';
  return `${fixed(x.median, digits)}<span class="small">${ci} n ${x.documents}${note}</span>`;
}

/** The section: both figures' captions come with the figures; the tables here carry every count. */
export function jainWallaceSectionHtml(m: ReportModel, figuresHtml: string): string {
  const jw = m.jainWallace;
  const head = `<h2 id="jain-wallace">Jain &amp; Wallace (2019): attention vs other importance, permuted and adversarial attention</h2>`;
  if (!jw) return `${head}\n<p>No run recorded these tests (attnlab test --tests default runs Kendall τ and permutation; --tests all adds adversarial attention).</p>`;
  const groups = (ds: string, model: string): string[] => [...new Set(jw.tau.filter((r) => r.dataset === ds && r.model === model).map((r) => r.group))];
  const tauRows = m.runs.flatMap((run) =>
    groups(run.dataset, run.model).map((g) => {
      const cell = (measure: TauMeasure): string => {
        const r = jw.tau.find((x) => x.dataset === run.dataset && x.model === run.model && x.group === g && x.measure === measure);
        return r ? `<td class="num">${medianText(r)}</td><td class="num">${r.withoutTau}</td>` : '<td>—</td><td>—</td>';
      };
      return `<tr><td>${userTextHtml(run.dataset)}</td><td>${escapeHtml(run.model)}</td><td>${g === 'all' ? '<strong>all</strong>' : userTextHtml(g)}</td>${cell('gradient')}${cell('leave one out')}</tr>`;
    }),
  );
  const outputRows = m.runs.flatMap((run) => {
    const cells = (test: OutputTest): string => {
      const rows = jw.outputs.filter((r) => r.dataset === run.dataset && r.model === run.model && r.test === test);
      if (!rows.length) return `<td colspan="${BIN_LABELS.length + 2}" class="small">not run</td>`;
      const all = rows.find((r) => r.bin === 'all')!;
      return `<td class="num">${medianText(all)}</td>${BIN_LABELS.map((b) => `<td class="num">${medianText(rows.find((r) => r.bin === b)!)}</td>`).join('')}<td class="num">${all.notApplicable}</td>`;
    };
    const adv = jw.outputs.find((r) => r.dataset === run.dataset && r.model === run.model && r.test === 'adversarial' && r.bin === 'all');
    const check = adv ? `<td class="num">${adv.constraintMet} of ${adv.documents} <span class="small">max TVD ${adv.maxTvd ?? '—'}</span></td>` : '<td>—</td>';
    return [
      `<tr><td rowspan="2">${userTextHtml(run.dataset)}</td><td rowspan="2">${escapeHtml(run.model)}</td><td>permutation: median TVD</td>${cells('permutation')}<td>—</td></tr>`,
      `<tr><td>adversarial: max JS</td>${cells('adversarial')}${check}</tr>`,
    ];
  });
  return `${head}
<p>Jain &amp; Wallace's tests on the same models (definitions: docs/faithfulness.md §4). Per document: Kendall τ_b between attention and
the gradient / leave-one-out importance of the items; the median output change (TVD) over 100 random permutations of the attention
weights; the largest JS divergence of an attention distribution whose output stays within TVD ε = 0.01. Medians carry a 95% bootstrap
interval over documents and the number of documents behind them; fewer than ${m.minDocuments} documents: too few documents. On transformers
both act on the classifier position's attention row in the last layer, per head, and α is its mean over heads (docs/faithfulness.md §4.2,
§4.3); transformer runs made before that recorded none and count as not applicable.
Downloads: <a href="${JAIN_WALLACE_CSV.tau}">${JAIN_WALLACE_CSV.tau}</a>, <a href="${JAIN_WALLACE_CSV.outputs}">${JAIN_WALLACE_CSV.outputs}</a>.</p>
${figuresHtml}
<h3>Kendall τ_b with attention: median [95% CI] n documents, by predicted class</h3>
<p class="small">"all": every document of the run (the same numbers as summary.json); the other rows: documents the model assigns to that class.
"no τ": documents where the test ran but τ is undefined (single item, or a constant measure), left out of the median.</p>
<table class="report-table" id="table-jw-tau"><thead><tr><th>data set</th><th>model</th><th>predicted class</th><th>τ vs gradient</th><th>no τ</th><th>τ vs leave one out</th><th>no τ</th></tr></thead>
<tbody>${tauRows.join('\n')}</tbody></table>
<h3>Permutation and adversarial attention: median [95% CI] n documents, by max attention</h3>
<p class="small">Per document, permutation: the median over 100 permutations of TVD(p, p_perm); adversarial: the largest JS(α′, α) in nats found
with TVD(p(α′), p) ≤ ε. "not applicable": single-item documents (and documents of older transformer runs). "TVD check": documents whose answer's TVD,
recomputed, is ≤ ε (all, unless something is wrong), and the largest such TVD.</p>
<table class="report-table" id="table-jw-outputs"><thead><tr><th>data set</th><th>model</th><th>test</th><th>all</th>${BIN_LABELS.map((b) => `<th>max α ${b}</th>`).join('')}<th>not applicable</th><th>TVD check</th></tr></thead>
<tbody>${outputRows.join('\n')}</tbody></table>`;
}

type Cell = string | number | boolean | null | undefined;

export function jainWallaceCsv(m: ReportModel): Record<keyof typeof JAIN_WALLACE_CSV, string> {
  const cell = (v: Cell): string => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const csv = (header: string[], rows: Cell[][]): string => [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
  const jw = m.jainWallace;
  return {
    tau: csv(
      ['dataset', 'model', 'measure', 'predicted_class', 'documents', 'median', 'ci_lo', 'ci_hi', 'without_tau'],
      (jw?.tau ?? []).map((r) => [r.dataset, r.model, r.measure, r.group, r.documents, r.median, r.lo, r.hi, r.withoutTau]),
    ),
    outputs: csv(
      ['dataset', 'model', 'test', 'max_attention_bin', 'documents', 'median', 'ci_lo', 'ci_hi', 'not_applicable', 'epsilon', 'tvd_check_passed', 'max_tvd'],
      (jw?.outputs ?? []).map((r) => [r.dataset, r.model, r.test, r.bin, r.documents, r.median, r.lo, r.hi, r.notApplicable, r.epsilon, r.constraintMet, r.maxTvd]),
    ),
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function roundMedian(m: MedianWithInterval): MedianWithInterval {
  const r = (x: number | null): number | null => (x === null || Number.isNaN(x) ? null : round(x));
  return { documents: round(m.documents), median: r(m.median), lo: r(m.lo), hi: r(m.hi) };
}

function roundBox(b: BoxStats): BoxStats {
  return { count: b.count, q1: round(b.q1), median: round(b.median), q3: round(b.q3), whiskerLo: round(b.whiskerLo), whiskerHi: round(b.whiskerHi) };
}
