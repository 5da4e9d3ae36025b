// The report's ERASER section (DeYoung et al. 2020; docs/faithfulness.md §6): per model × ranking the median
// AOPC comprehensiveness and sufficiency with their bootstrap intervals and document counts (a table and
// eraser.csv), and a figure of the median comprehensiveness_k / sufficiency_k against k per ranking, for each
// place the metrics were computed (attention layer; input, where `--tests` ran eraser_input). Numbers come
// from the runs' summaries (summarize(), the same as summary.json's tests.eraser_*).
import { ERASER_BINS, type EraserRankingSummary } from '../erasure/eraser.ts';
import { MIN_DOCUMENTS } from '../erasure/statistics.ts';
import { ALL_RANKING_NAMES, type AnyRankingName, type MedianWithInterval } from '../erasure/types.ts';
import { escapeHtml } from './escape.ts';
import { facet, panelSize, RANKING_LABELS, type Figure } from './figures.ts';
import type { SummarizedRun } from './findings.ts';
import { modelName } from './run-input.ts';
import { fixed } from './numbers.ts';

export type EraserPlace = 'attention' | 'input';
const TESTS = { attention: 'eraser_attention', input: 'eraser_input' } as const;
const PLACE_TEXT: Record<EraserPlace, string> = {
  attention: 'At the attention layer (weights erased and renormalised)',
  input: 'At the input (words removed, the whole model re-run)',
};

/** One model × ranking × place: what the table, the CSV and the figure show (the summary's numbers). */
export interface EraserRow extends EraserRankingSummary {
  dataset: string;
  model: string;
  place: EraserPlace;
  ranking: AnyRankingName;
}

/** The rows of every run whose summary has an ERASER test, in run then ranking order. */
export function eraserRows(summarized: readonly SummarizedRun[]): EraserRow[] {
  const rows: EraserRow[] = [];
  for (const { run, summary } of summarized) {
    for (const place of ['attention', 'input'] as const) {
      const s = summary.tests?.[TESTS[place]];
      if (!s) continue;
      for (const ranking of ALL_RANKING_NAMES) {
        const r = s.rankings[ranking];
        if (!r || r.documents === 0) continue;
        rows.push({ dataset: run.model.dataset, model: modelName(run.model), place, ranking, ...r });
      }
    }
  }
  return rows;
}

/** The figure's data: one point per (row, kind, bin), labelled as the figure's axes and legend read them. */
export interface EraserPoint {
  dataset: string;
  model: string;
  rankingLabel: string;
  kind: 'comprehensiveness' | 'sufficiency';
  /** k in percent. */
  k: number;
  median: number;
  documents: number;
}

export function eraserPoints(rows: readonly EraserRow[], place: EraserPlace): EraserPoint[] {
  return rows
    .filter((r) => r.place === place)
    .flatMap((r) =>
      (['comprehensiveness', 'sufficiency'] as const).flatMap((kind) =>
        ERASER_BINS.flatMap((k, b) => {
          const med = r[kind][b]!;
          return med.median === null ? [] : [{ dataset: r.dataset, model: r.model, rankingLabel: RANKING_LABELS[r.ranking], kind, k, median: med.median, documents: med.documents }];
        }),
      ),
    );
}

const HOW_TO_READ =
  'Comprehensiveness at k = the drop in the probability of the decided class when the ranking\'s top k% of items are removed ' +
  '(higher: the top items carry the decision); sufficiency at k = the drop when ONLY those items are kept (lower: they are enough). ' +
  'AOPC = the mean over k ∈ {1, 5, 10, 20, 50}%; a bin holds ceil(n·k/100) items, at least one. Medians over documents with 95% bootstrap intervals; ' +
  'random: its 5 orders averaged per document. A ranking beats random when its comprehensiveness is above random\'s and its sufficiency below.';

/** One figure per place with data: median comprehensiveness_k (solid) and sufficiency_k (dashed) against k, per ranking. */
export function eraserFigures(m: Parameters<typeof facet>[0], rows: readonly EraserRow[]): Figure[] {
  const figures: Figure[] = [];
  for (const place of ['attention', 'input'] as const) {
    const points = eraserPoints(rows, place);
    if (points.length === 0) continue;
    const rankings = ALL_RANKING_NAMES.filter((r) => rows.some((x) => x.place === place && x.ranking === r)).map((r) => RANKING_LABELS[r]);
    const encoding = {
      x: { field: 'k', type: 'ordinal', sort: [...ERASER_BINS], title: 'top k% of items', axis: { labelAngle: 0 } },
      y: { field: 'median', type: 'quantitative', title: 'drop in p(decided class)' },
      color: { field: 'rankingLabel', type: 'nominal', sort: rankings, title: 'ranking', scale: { domain: rankings, scheme: 'tableau10' }, legend: { orient: 'top', columns: Math.min(rankings.length, 6), labelLimit: 240 } },
    };
    const dash = { field: 'kind', type: 'nominal', title: null, sort: ['comprehensiveness', 'sufficiency'], scale: { domain: ['comprehensiveness', 'sufficiency'], range: [[1, 0], [5, 3]] }, legend: { symbolType: 'stroke', symbolStrokeWidth: 2 } };
    const layers = [
      { mark: { type: 'line', strokeWidth: 1.6 }, encoding: { strokeDash: dash, detail: { field: 'kind' } } },
      { mark: { type: 'point', filled: true, size: 28 } },
    ];
    figures.push({
      id: `eraser-${place}`,
      paper: 'new',
      title: `ERASER comprehensiveness and sufficiency, ${PLACE_TEXT[place].toLowerCase()}`,
      caption: `${HOW_TO_READ} Solid lines: comprehensiveness; dashed: sufficiency. Documents behind each point: the table "ERASER AOPC" (n ≥ 2; DeYoung et al. 2020; docs/faithfulness.md §6).`,
      spec: facet(m, points, 'no ERASER record', layers, encoding, panelSize(m, 170)),
    });
  }
  return figures;
}

const med = (x: MedianWithInterval): string =>
  x.median === null ? '—' : x.documents < MIN_DOCUMENTS ? `${fixed(x.median, 3)} <span class="small">(too few documents)</span>` : `${fixed(x.median, 3)} <span class="small">[${x.lo == null ? '—' : fixed(x.lo, 3)}, ${x.hi == null ? '—' : fixed(x.hi, 3)}]</span>`;

/** The section: a table per place, model × ranking, AOPCs with intervals and the documents behind them. */
export function eraserSectionHtml(rows: readonly EraserRow[], csvFile: string): string {
  if (rows.length === 0) return '';
  const tables = (['attention', 'input'] as const).flatMap((place) => {
    const here = rows.filter((r) => r.place === place);
    if (here.length === 0) return [];
    const body = here.map(
      (r) =>
        `<tr><td>${escapeHtml(r.dataset)}</td><th>${escapeHtml(r.model)}</th><td>${escapeHtml(RANKING_LABELS[r.ranking])}</td>` +
        `<td class="num">${med(r.aopcComprehensiveness)}</td><td class="num">${med(r.aopcSufficiency)}</td><td class="num">${r.documents}</td></tr>`,
    );
    return [
      `<h3>${escapeHtml(PLACE_TEXT[place])}</h3>
<table class="report-table" id="table-eraser-${place}"><thead><tr><th>data set</th><th>model</th><th>ranking</th><th>AOPC comprehensiveness ↑</th><th>AOPC sufficiency ↓</th><th>documents</th></tr></thead>
<tbody>${body.join('\n')}</tbody></table>`,
    ];
  });
  return `<h2 id="eraser">ERASER AOPC</h2>
<p class="small">How to read it: ${escapeHtml(HOW_TO_READ)} Fewer than ${MIN_DOCUMENTS} documents: no interval ("too few documents").
The per-bin medians are in the figures below and in <a href="${csvFile}">${csvFile}</a>; each run folder's eraser/*.jsonl holds the
per-document scores in ERASER's own format.</p>
${tables.join('\n')}`;
}

/** eraser.csv: one line per model × ranking × place, AOPCs and every bin's medians with intervals. */
export function eraserCsv(rows: readonly EraserRow[]): { header: string[]; rows: (string | number | null)[][] } {
  const m = (x: MedianWithInterval): (number | null)[] => [x.median, x.lo, x.hi];
  const header = [
    'dataset',
    'model',
    'place',
    'ranking',
    'documents',
    'aopc_comprehensiveness',
    'aopc_comprehensiveness_lo',
    'aopc_comprehensiveness_hi',
    'aopc_sufficiency',
    'aopc_sufficiency_lo',
    'aopc_sufficiency_hi',
    ...ERASER_BINS.flatMap((k) => [`comprehensiveness_${k}`, `comprehensiveness_${k}_lo`, `comprehensiveness_${k}_hi`]),
    ...ERASER_BINS.flatMap((k) => [`sufficiency_${k}`, `sufficiency_${k}_lo`, `sufficiency_${k}_hi`]),
  ];
  return {
    header,
    rows: rows.map((r) => [
      r.dataset,
      r.model,
      r.place,
      r.ranking,
      r.documents,
      ...m(r.aopcComprehensiveness),
      ...m(r.aopcSufficiency),
      ...r.comprehensiveness.flatMap(m),
      ...r.sufficiency.flatMap(m),
    ]),
  };
}
