// Writing the battery's results: one CSV row and one JSONL line per document, and summary.json.
// The CSV flattens DocumentResult into fixed columns (documented in the README, "Erasure outputs");
// empty cells are missing values (excluded documents), booleans are true/false: pandas reads both.
import { AtomicWriter, writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { ALL_RANKINGS } from './rankings/index.ts';
import { extraRankingsOf } from './summary.ts';
import {
  RANKING_NAMES,
  type AnyRankingName,
  TOP_ITEM_RANKINGS,
  type BatterySummary,
  type DocumentResult,
  type MultiWeightRecord,
  type SingleWeightRecord,
} from './types.ts';

type Cell = string | number | boolean | null;
interface Column {
  name: string;
  get(r: DocumentResult): Cell;
}

const SINGLE_FIELDS: [string, keyof SingleWeightRecord][] = [
  ['top', 'top'],
  ['other', 'other'],
  ['alpha_top', 'alphaTop'],
  ['alpha_other', 'alphaOther'],
  ['js_top', 'jsTop'],
  ['js_other', 'jsOther'],
  ['delta_alpha', 'deltaAlpha'],
  ['delta_js', 'deltaJs'],
  ['flip_top', 'flipTop'],
  ['flip_other', 'flipOther'],
];

const MULTI_FIELDS: [string, keyof MultiWeightRecord][] = [
  ['status', 'status'],
  ['erased', 'erased'],
  ['fraction', 'fraction'],
  ['mass', 'massErased'],
  ['flips_to', 'flipsTo'],
  ['extra', 'extraOverMinimal'],
];

/** The CSV columns in order. Multi-weight columns of random are random0_..random4_ (one per permutation). */
export function documentColumns(extras: readonly AnyRankingName[] = []): Column[] {
  const cols: Column[] = [
    { name: 'doc_id', get: (r) => r.docId },
    { name: 'index', get: (r) => r.index },
    { name: 'label', get: (r) => r.label },
    { name: 'predicted', get: (r) => r.predicted },
    { name: 'n', get: (r) => r.n },
    { name: 'confidence', get: (r) => r.confidence },
  ];
  for (const name of TOP_ITEM_RANKINGS) {
    for (const [suffix, field] of SINGLE_FIELDS) {
      cols.push({ name: `single_${name}_${suffix}`, get: (r) => (r.single[name]?.[field] as Cell) ?? null });
    }
  }
  for (const name of [...RANKING_NAMES, ...extras]) {
    const orders = ALL_RANKINGS[name].orders;
    for (let j = 0; j < orders; j++) {
      // A ranking with several orders numbers them (random0_ .. random4_).
      const label = orders > 1 ? `${name}${j}` : name;
      for (const [suffix, field] of MULTI_FIELDS) {
        cols.push({ name: `multi_${label}_${suffix}`, get: (r) => (r.multi[name]?.[j]?.[field] as Cell) ?? null });
      }
    }
  }
  cols.push(
    { name: 'minimal_status', get: (r) => r.minimal.status },
    { name: 'minimal_size', get: (r) => r.minimal.size },
    { name: 'minimal_fraction', get: (r) => r.minimal.fraction },
    { name: 'minimal_mass', get: (r) => r.minimal.massErased },
    { name: 'minimal_flips_to', get: (r) => r.minimal.flipsTo },
  );
  // Only transformer runs have this column: their minimal sets are greedy upper bounds, not exact.
  if (extras.includes('greedy')) cols.push({ name: 'minimal_method', get: (r) => r.minimal.method ?? 'exact' });
  return cols;
}

/** RFC 4180: quote a cell that holds a comma, quote, or line break; double the quotes. */
function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV lines of the results; `extras` fixes the columns when the results are one chunk of a larger run. */
export function documentsCsv(results: readonly DocumentResult[], withHeader = true, extras: readonly AnyRankingName[] = extraRankingsOf(results)): string {
  const cols = documentColumns(extras);
  const lines = withHeader ? [cols.map((c) => c.name).join(',')] : [];
  for (const r of results) lines.push(cols.map((c) => csvCell(c.get(r))).join(','));
  return lines.join('\n') + '\n';
}

export function documentsJsonl(results: readonly DocumentResult[]): string {
  return results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : '');
}

/** The file names of a run folder's erasure outputs. */
// documents.jsonl is what `attnlab report` reads from a run folder (src/report/run-input.ts).
export const OUTPUT_FILES = { csv: 'documents.csv', jsonl: 'documents.jsonl', summary: 'summary.json' } as const;

/** Writes the three outputs atomically into `dir`; returns their paths. */
export function writeOutputs(dir: string, results: readonly DocumentResult[], summary: BatterySummary): Record<keyof typeof OUTPUT_FILES, string> {
  const paths = {
    csv: `${dir}/${OUTPUT_FILES.csv}`,
    jsonl: `${dir}/${OUTPUT_FILES.jsonl}`,
    summary: `${dir}/${OUTPUT_FILES.summary}`,
  };
  writeFileAtomic(paths.csv, documentsCsv(results));
  writeFileAtomic(paths.jsonl, documentsJsonl(results));
  writeJsonAtomic(paths.summary, summary);
  return paths;
}

/**
 * Writes the three outputs from results that come in chunks (a run of 100 k documents is never held as
 * DocumentResult objects): `chunks` is called twice, once for documents.jsonl and once for documents.csv,
 * whose columns (`extras`) must be known before its first row. Same bytes as writeOutputs on the
 * concatenated chunks (test/erasure/test-run.test.ts).
 */
export function writeOutputsStreamed(
  dir: string,
  chunks: () => Iterable<readonly DocumentResult[]>,
  extras: readonly AnyRankingName[],
  summary: BatterySummary,
): Record<keyof typeof OUTPUT_FILES, string> {
  const paths = {
    csv: `${dir}/${OUTPUT_FILES.csv}`,
    jsonl: `${dir}/${OUTPUT_FILES.jsonl}`,
    summary: `${dir}/${OUTPUT_FILES.summary}`,
  };
  const write = (path: string, piece: (rs: readonly DocumentResult[], first: boolean) => string): void => {
    const w = new AtomicWriter(path);
    try {
      let first = true;
      for (const rs of chunks()) {
        w.write(piece(rs, first));
        first = false;
      }
      if (first) w.write(piece([], true));
      w.commit();
    } catch (err) {
      w.abort();
      throw err;
    }
  };
  write(paths.jsonl, (rs) => documentsJsonl(rs));
  // documentsCsv ends every piece with a newline: a chunk without rows adds only that, so it is skipped.
  write(paths.csv, (rs, first) => (rs.length === 0 && !first ? '' : documentsCsv(rs, first, extras)));
  writeJsonAtomic(paths.summary, summary);
  return paths;
}
