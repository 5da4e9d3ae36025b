// results -> REPORT MODEL -> figure specs -> HTML. The report model holds every number a figure or
// table shows, in flat rows, so it can be written to report-model.json and inspected on its own.
import { RANKING_NAMES, TOP_ITEM_RANKINGS } from '../erasure/types.ts';
import type { FlipStatus, RankingName, TopItemRankingName } from '../erasure/types.ts';
import { Rng } from '../util/rng.ts';
import { checkFindings } from './findings.ts';
import type { Finding, FindingOptions } from './findings.ts';
import { ARCHITECTURES, ENCODERS, modelName } from './run-input.ts';
import type { DocumentExample, RunInput } from './run-input.ts';
import { boxStats } from './stats.ts';
import type { BoxStats } from './stats.ts';

export interface RunRow {
  dataset: string;
  model: string;
  architecture: string;
  encoder: string;
  folder: string;
  documents: number;
  /** Documents with n >= 2. */
  documentsMultiItem: number;
  testAccuracy: number | null;
}

export interface ScatterPoint {
  dataset: string;
  model: string;
  deltaAlpha: number;
  deltaJs: number;
}

export interface NegativeBin {
  dataset: string;
  model: string;
  /** Δα bin [from, to). */
  from: number;
  to: number;
  count: number;
}

export interface FlipCell {
  dataset: string;
  model: string;
  ranking: TopItemRankingName;
  /** Does erasing i* flip? Does erasing r flip? */
  flipTop: 'yes' | 'no';
  flipOther: 'yes' | 'no';
  count: number;
  /** Percent of `total`. */
  percent: number;
  total: number;
}

export type BoxMeasure = 'fraction' | 'mass' | 'extraFraction';

export interface BoxRow extends BoxStats {
  dataset: string;
  model: string;
  ranking: RankingName;
  measure: BoxMeasure;
  /** Are documents that flip only at the zero vector (fraction 1.0) included? (docs/method.md §9) */
  zeroVector: 'with' | 'without';
}

export interface ExampleView extends DocumentExample {
  dataset: string;
  model: string;
  label: number;
  predicted: number;
  /** Per ranking (first order): erasures until the flip, or null with the status when it never flips. */
  flips: Partial<Record<RankingName, { erased: number | null; status: FlipStatus; flipsTo: number | null }>>;
  minimalStatus: FlipStatus;
}

export interface ReportModel {
  version: 1;
  /** Order of data sets and models in every figure and table. */
  datasets: string[];
  models: string[];
  runs: RunRow[];
  /** Figure 3/7 (attention's i*); at most SCATTER_CAP points per run, a seeded sample when capped. */
  scatter: ScatterPoint[];
  scatterSampled: boolean;
  /** Figure 4/8. */
  negativeDeltaJs: NegativeBin[];
  /** Table 2, Figures 9, 12, 13. */
  flips: FlipCell[];
  /** Figures 5/6/10 (fraction), 11 (mass), and erasures beyond the exact minimum (extraFraction). */
  boxes: BoxRow[];
  findings: Finding[];
  examples: ExampleView[];
}

/** Enough points to see the shape; 24 full-size runs would put ~10 MB of circles in the page. */
export const SCATTER_CAP = 600;
export const NEGATIVE_BIN_WIDTH = 0.05;

export function buildReportModel(runs: readonly RunInput[], opts: FindingOptions): ReportModel {
  const sorted = [...runs].sort(compareRuns(runs));
  const datasets = unique(sorted.map((r) => r.model.dataset));
  const models = unique(sorted.map((r) => modelName(r.model)));
  const model: ReportModel = {
    version: 1,
    datasets,
    models,
    runs: [],
    scatter: [],
    scatterSampled: false,
    negativeDeltaJs: [],
    flips: [],
    boxes: [],
    findings: checkFindings(sorted, opts),
    examples: [],
  };
  for (const run of sorted) {
    const key = { dataset: run.model.dataset, model: modelName(run.model) };
    const docs = run.documents;
    model.runs.push({
      ...key,
      architecture: run.model.architecture,
      encoder: run.model.encoder,
      folder: run.folder,
      documents: docs.length,
      documentsMultiItem: docs.filter((d) => d.n >= 2).length,
      testAccuracy: run.model.testAccuracy,
    });
    const singles = docs.flatMap((d) => (d.single.attention ? [d.single.attention] : []));
    const points = singles.map((s) => ({ ...key, deltaAlpha: s.deltaAlpha, deltaJs: s.deltaJs }));
    if (points.length > SCATTER_CAP) model.scatterSampled = true;
    model.scatter.push(...sample(points, SCATTER_CAP, opts.seed));
    model.negativeDeltaJs.push(...negativeBins(key, singles.filter((s) => s.deltaJs < 0).map((s) => s.deltaAlpha)));
    for (const ranking of TOP_ITEM_RANKINGS) model.flips.push(...flipCells(key, ranking, run));
    model.boxes.push(...boxRows(key, run));
    model.examples.push(...exampleViews(key, run));
  }
  return model;
}

/** Data sets in first-seen order; within one, models in the paper's order (HAN before FLAN; rnn, conv, noenc). */
function compareRuns(runs: readonly RunInput[]): (a: RunInput, b: RunInput) => number {
  const datasets = unique(runs.map((r) => r.model.dataset));
  const rank = (r: RunInput): number =>
    datasets.indexOf(r.model.dataset) * 100 + ARCHITECTURES.indexOf(r.model.architecture) * 10 + ENCODERS.indexOf(r.model.encoder);
  return (a, b) => rank(a) - rank(b);
}

function negativeBins(key: { dataset: string; model: string }, deltaAlphas: number[]): NegativeBin[] {
  const counts = new Map<number, number>();
  for (const da of deltaAlphas) {
    const bin = Math.floor(da / NEGATIVE_BIN_WIDTH + 1e-9);
    counts.set(bin, (counts.get(bin) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([bin, count]) => ({ ...key, from: round(bin * NEGATIVE_BIN_WIDTH), to: round((bin + 1) * NEGATIVE_BIN_WIDTH), count }));
}

function flipCells(key: { dataset: string; model: string }, ranking: TopItemRankingName, run: RunInput): FlipCell[] {
  const records = run.documents.flatMap((d) => (d.single[ranking] ? [d.single[ranking]] : []));
  const total = records.length;
  const cells: FlipCell[] = [];
  for (const top of [true, false])
    for (const other of [true, false]) {
      const count = records.filter((r) => r.flipTop === top && r.flipOther === other).length;
      cells.push({
        ...key,
        ranking,
        flipTop: top ? 'yes' : 'no',
        flipOther: other ? 'yes' : 'no',
        count,
        percent: total ? round((100 * count) / total) : 0,
        total,
      });
    }
  return cells;
}

function boxRows(key: { dataset: string; model: string }, run: RunInput): BoxRow[] {
  const rows: BoxRow[] = [];
  const rankings = RANKING_NAMES.filter((r) => run.documents.some((d) => (d.multi[r]?.length ?? 0) > 0));
  for (const ranking of rankings) {
    // Random's permutations are pooled: every kept permutation is one value (docs/method.md §9).
    const records = run.documents.flatMap((d) =>
      (d.multi[ranking] ?? []).filter((m) => m.status === 'flipped' || m.status === 'zero_vector').map((m) => ({ m, n: d.n })),
    );
    for (const zeroVector of ['with', 'without'] as const) {
      const kept = zeroVector === 'with' ? records : records.filter((r) => r.m.status === 'flipped');
      const measures: Record<BoxMeasure, number[]> = {
        fraction: kept.map((r) => r.m.fraction!),
        mass: kept.map((r) => r.m.massErased!),
        extraFraction: kept.filter((r) => r.m.extraOverMinimal !== null).map((r) => r.m.extraOverMinimal! / r.n),
      };
      for (const measure of Object.keys(measures) as BoxMeasure[]) {
        if (measure === 'extraFraction' && ranking === 'optimal') continue;
        const stats = boxStats(measures[measure]);
        if (stats) rows.push({ ...key, ranking, measure, zeroVector, ...roundBox(stats) });
      }
    }
  }
  return rows;
}

function exampleViews(key: { dataset: string; model: string }, run: RunInput): ExampleView[] {
  const byId = new Map(run.documents.map((d) => [String(d.docId), d]));
  return run.examples.flatMap((e) => {
    const d = byId.get(String(e.docId));
    if (!d) return [];
    const flips: ExampleView['flips'] = {};
    for (const r of RANKING_NAMES) {
      const m = d.multi[r]?.[0];
      if (m) flips[r] = { erased: m.erased, status: m.status, flipsTo: m.flipsTo };
    }
    return [{ ...key, ...e, label: d.label, predicted: d.predicted, flips, minimalStatus: d.minimal.status }];
  });
}

/** A seeded sample of at most `cap` items, in their original order. */
function sample<T>(items: T[], cap: number, seed: number): T[] {
  if (items.length <= cap) return items;
  const keep = new Rng(seed).permutation(items.length).slice(0, cap).sort();
  return Array.from(keep, (i) => items[i]!);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Six decimals: enough for any plot, and golden files stay stable across float noise. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function roundBox(b: BoxStats): BoxStats {
  return {
    count: b.count,
    q1: round(b.q1),
    median: round(b.median),
    q3: round(b.q3),
    whiskerLo: round(b.whiskerLo),
    whiskerHi: round(b.whiskerHi),
  };
}
