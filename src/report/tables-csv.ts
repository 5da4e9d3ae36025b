// Tables a reader can take away: the findings, the medians, the outcome counts and the paper's §5.4/§5.5
// statistics as CSV files next to report.html (RFC 4180; empty cell = no value). Same rows as the page.
import type { Proportion } from '../erasure/types.ts';
import type { Bound } from './findings.ts';
import type { ReportModel } from './report-model.ts';
import { JAIN_WALLACE_CSV, jainWallaceCsv } from './section-jain-wallace.ts';
import { eraserCsv } from './section-eraser.ts';

type Cell = string | number | boolean | null | undefined;

export const CSV_FILES = {
  findings: 'findings.csv',
  medians: 'medians.csv',
  outcomes: 'outcomes.csv',
  paperStatistics: 'paper-statistics.csv',
  jainWallaceTau: JAIN_WALLACE_CSV.tau,
  jainWallaceOutputs: JAIN_WALLACE_CSV.outputs,
  eraser: 'eraser.csv',
} as const;

function cell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

const bound = (b: Bound | null | undefined): Cell => (b === 'unbounded' ? 'inf' : b);
const prop = (p: Proportion | undefined): Cell[] => [p?.count, p?.documents, p?.share, p?.lo, p?.hi];

export function reportCsvFiles(m: ReportModel): Record<keyof typeof CSV_FILES, string> {
  const jw = jainWallaceCsv(m);
  const eraser = eraserCsv(m.eraser ?? []);
  return {
    jainWallaceTau: jw.tau,
    jainWallaceOutputs: jw.outputs,
    eraser: csv(eraser.header, eraser.rows),
    findings: csv(
      ['finding', 'dataset', 'model', 'view', 'verdict', 'estimate', 'ci_lo', 'ci_hi', 'documents', 'p', 'p_test', 'detail'],
      m.findings.map((f) => [f.id, f.dataset, f.model, f.view ?? '', f.verdict, bound(f.estimate), bound(f.interval?.lo), bound(f.interval?.hi), f.documents, f.p, f.pTest, f.detail]),
    ),
    medians: csv(
      ['dataset', 'model', 'ranking', 'measure', 'zero_vector', 'documents', 'median', 'ci_lo', 'ci_hi'],
      m.medians.map((r) => [r.dataset, r.model, r.ranking, r.measure, r.zeroVector, r.documents, r.median, r.lo, r.hi]),
    ),
    outcomes: csv(
      ['dataset', 'model', 'ranking', 'documents', 'flipped_before_zero_vector', 'flipped_only_at_zero_vector', 'never_flipped', 'single_item_excluded'],
      m.outcomes.map((o) => [o.dataset, o.model, o.ranking, o.documents, o.flipped, o.zeroVector, o.neverFlips, o.singleItem]),
    ),
    paperStatistics: csv(
      [
        'dataset', 'model', 'zero_vector',
        'gradient_fewer', 'both_flip', 'gradient_fewer_share', 'gradient_fewer_lo', 'gradient_fewer_hi',
        'attention_fewer', 'ratio', 'ratio_unbounded', 'ratio_lo', 'ratio_hi', 'sign_test_p',
        'attention_more_than_half', 'attention_flipping', 'attention_more_than_half_share', 'attention_more_than_half_lo', 'attention_more_than_half_hi',
      ],
      m.paperStatistics.map((r) => [
        r.dataset, r.model, r.zeroVector,
        r.gradientFewer.count, r.gradientFewer.documents, r.gradientFewer.share, r.gradientFewer.lo, r.gradientFewer.hi,
        r.attentionFewer.count, r.ratio.ratio, r.ratio.unbounded, r.ratio.lo, r.ratio.hiUnbounded ? 'inf' : r.ratio.hi, r.ratio.signTestP,
        ...prop(r.moreThanHalf.attention),
      ]),
    ),
  };
}
