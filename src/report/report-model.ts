// results -> REPORT MODEL -> figure specs -> HTML. The report model holds every number a figure or
// table shows, in flat rows, so it can be written to report-model.json and inspected on its own.
import { ALL_RANKING_NAMES, TOP_ITEM_RANKINGS } from '../erasure/types.ts';
import type { AnyRankingName as RankingName, DataProvenance, FlipStatus, MedianWithInterval, Proportion, RatioOfCounts, TestedModel, TopItemRankingName, TrainingProvenance } from '../erasure/types.ts';
import { boxStats, MIN_DOCUMENTS, proportion } from '../erasure/statistics.ts';
import type { BoxStats } from '../erasure/statistics.ts';
import { rankingWeight, type ZeroVectorView } from '../erasure/summary.ts';
import { Rng } from '../util/rng.ts';
import { checkFindings, comparison, summarizeRuns, VIEWS } from './findings.ts';
import type { Finding, FindingOptions, SummarizedRun } from './findings.ts';
import { ARCHITECTURES, ENCODERS, modelName } from './run-input.ts';
import { wiegreffePinterRows, type WiegreffePinterRows } from './section-wiegreffe-pinter.ts';
import { eraserRows, type EraserRow } from './section-eraser.ts';
import { ATTENTION_KINDS } from '../models/sparse-attention.ts';
import type { SeedsModel } from './section-seeds.ts';
import type { DocumentExample, RunInput } from './run-input.ts';
import { jainWallaceRows, type JainWallaceModel } from './section-jain-wallace.ts';

export interface RunRow {
  dataset: string;
  model: string;
  architecture: string;
  encoder: string;
  folder: string;
  documents: number;
  /** Documents with n >= 2. */
  documentsMultiItem: number;
  /** Table 3: accuracy on the full test split, recorded by training (null: not recorded). */
  testAccuracy: number | null;
  /** Majority-class share of the test split. */
  testMajority: number | null;
  /** Accuracy on this run's documents (the erasure sample): not Table 3. */
  sampleAccuracy: number | null;
  /** 'greedy_upper_bound' (transformers): the run's minimal sets are greedy upper bounds, not exact; null: exact. */
  minimalMethod: 'greedy_upper_bound' | null;
  training: TrainingProvenance | null;
  attnlab: TestedModel['attnlab'] | null;
  date: string | null;
  seed: number | null;
}

/** Paper §5.3: how one ranking's erasures ended on one model (random: pooled, 1/5 per permutation). */
export interface OutcomeRow {
  dataset: string;
  model: string;
  ranking: RankingName;
  /** All documents of the run. */
  documents: number;
  flipped: number;
  zeroVector: number;
  neverFlips: number;
  singleItem: number;
}

/** A median from summarize() (the same numbers as summary.json), with its bootstrap interval. */
export interface MedianRow extends MedianWithInterval {
  dataset: string;
  model: string;
  ranking: RankingName;
  measure: 'fraction';
  zeroVector: ZeroVectorView;
}

/** Paper §5.4 and §5.5 statistics of one model in one view. */
export interface PaperStatRow {
  dataset: string;
  model: string;
  zeroVector: ZeroVectorView;
  /** §5.4: share of documents (both flip) where gradient finds a smaller flipping set than attention. */
  gradientFewer: Proportion;
  attentionFewer: Proportion;
  /** §5.4: gradient wins ÷ attention wins, with interval and sign test; < 10 discordant documents: no ratio. */
  ratio: RatioOfCounts;
  /** §5.5: share of flipping documents that need more than half of the items erased, per ranking. */
  moreThanHalf: Partial<Record<RankingName, Proportion>>;
}

/** The paper's Table 1 for one data set, from the tested models' records. */
export interface DatasetRow extends DataProvenance {
  dataset: string;
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
  /** Documents behind the box (count, or count / 5 for random's pooled permutations). */
  documents: number;
}

export interface ExampleView extends DocumentExample {
  dataset: string;
  model: string;
  label: number;
  predicted: number;
  /** Per ranking (first order): erasures until the flip, or null with the status when it never flips. */
  flips: Partial<Record<RankingName, { erased: number | null; status: FlipStatus; flipsTo: number | null }>>;
  minimalStatus: FlipStatus;
  /** Present when minimalSet is a greedy upper bound (transformers), not the exact minimal set. */
  minimalMethod?: 'greedy_upper_bound';
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
  /** Paper §5.3 per model × ranking. */
  outcomes: OutcomeRow[];
  /** Median fraction erased per model × ranking, both views (summary.json's numbers). */
  medians: MedianRow[];
  /** Paper §5.4 / §5.5 per model × view. */
  paperStatistics: PaperStatRow[];
  /** The paper's Table 1, one row per data set that has it recorded. */
  datasetStats: DatasetRow[];
  /** Fewer documents than this behind a number: no verdict. */
  minDocuments: number;
  findings: Finding[];
  examples: ExampleView[];
  /** Jain & Wallace's tests (section-jain-wallace.ts); absent when no run recorded them. */
  jainWallace?: JainWallaceModel;
  /** Seeds and trained-only (uniform attention) models: section-seeds.ts; absent when there are none. */
  seeds?: SeedsModel;
  /** Wiegreffe & Pinter's diagnostic and adversary (section-wiegreffe-pinter.ts); absent when no model has them. */
  wiegreffePinter?: WiegreffePinterRows;
  /** ERASER AOPC per model × ranking × place, where the runs ran an ERASER test (section-eraser.ts). */
  eraser?: EraserRow[];
}

/** Enough points to see the shape; 24 full-size runs would put ~10 MB of circles in the page. */
export const SCATTER_CAP = 600;
export const NEGATIVE_BIN_WIDTH = 0.05;

export function buildReportModel(runs: readonly RunInput[], opts: FindingOptions): ReportModel {
  const sorted = [...runs].sort(compareRuns(runs));
  const datasets = unique(sorted.map((r) => r.model.dataset));
  const models = unique(sorted.map((r) => modelName(r.model)));
  // The erasure run's own summary function: the same numbers as each run's summary.json.
  const summarized: SummarizedRun[] = summarizeRuns(sorted, opts);
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
    outcomes: [],
    medians: [],
    paperStatistics: [],
    datasetStats: datasetRows(sorted),
    minDocuments: MIN_DOCUMENTS,
    findings: checkFindings(summarized, opts),
    examples: [],
  };
  const eraser = eraserRows(summarized);
  if (eraser.length > 0) model.eraser = eraser;
  for (const { run, summary } of summarized) {
    const key = { dataset: run.model.dataset, model: modelName(run.model) };
    const docs = run.documents;
    const info = run.model;
    model.runs.push({
      ...key,
      architecture: info.architecture,
      encoder: info.encoder,
      folder: run.folder,
      documents: docs.length,
      documentsMultiItem: docs.filter((d) => d.n >= 2).length,
      testAccuracy: info.testAccuracy,
      testMajority: info.testMajority ?? null,
      sampleAccuracy: info.sampleAccuracy ?? summary.accuracy,
      minimalMethod: info.minimalMethod ?? summary.minimal.method ?? null,
      training: info.training ?? null,
      attnlab: info.attnlab ?? null,
      date: info.date ?? null,
      seed: info.seed ?? null,
    });
    const rankings = ALL_RANKING_NAMES.filter((r) => docs.some((d) => (d.multi[r]?.length ?? 0) > 0));
    for (const ranking of rankings) {
      const s = summary.multi[ranking];
      if (!s) continue;
      model.outcomes.push({ ...key, ranking, documents: docs.length, flipped: s.flipped, zeroVector: s.zeroVector, neverFlips: s.neverFlips, singleItem: s.singleItem });
      for (const zeroVector of VIEWS) {
        const m = zeroVector === 'with' ? s.fraction.withZeroVector : s.fraction.withoutZeroVector;
        model.medians.push({ ...key, ranking, measure: 'fraction', zeroVector, ...roundMedian(m) });
      }
    }
    if (rankings.includes('gradient') && rankings.includes('attention')) {
      for (const zeroVector of VIEWS) {
        const c = comparison(summary, 'gradient', zeroVector);
        const moreThanHalf: PaperStatRow['moreThanHalf'] = {};
        for (const r of rankings) {
          const h = summary.multi[r]?.moreThanHalf;
          if (h) moreThanHalf[r] = zeroVector === 'with' ? h.withZeroVector : h.withoutZeroVector;
        }
        model.paperStatistics.push({
          ...key,
          zeroVector,
          gradientFewer: c.firstFewerShare!,
          attentionFewer: { ...c.firstFewerShare!, count: c.secondFewer, share: c.documents ? c.shareSecondFewer : null, ...wilsonOf(c.secondFewer, c.documents) },
          ratio: c.fewerRatio!,
          moreThanHalf,
        });
      }
    }
    const singles = docs.flatMap((d) => (d.single.attention ? [d.single.attention] : []));
    const points = singles.map((s) => ({ ...key, deltaAlpha: s.deltaAlpha, deltaJs: s.deltaJs }));
    if (points.length > SCATTER_CAP) model.scatterSampled = true;
    model.scatter.push(...sample(points, SCATTER_CAP, opts.seed));
    model.negativeDeltaJs.push(...negativeBins(key, singles.filter((s) => s.deltaJs < 0).map((s) => s.deltaAlpha)));
    for (const ranking of TOP_ITEM_RANKINGS) model.flips.push(...flipCells(key, ranking, run));
    model.boxes.push(...boxRows(key, run));
    model.examples.push(...exampleViews(key, run));
  }
  const jainWallace = jainWallaceRows(summarized, opts.seed, opts.resamples);
  if (jainWallace) model.jainWallace = jainWallace;
  const wp = wiegreffePinterRows(summarized.map(({ run }) => ({ folder: run.folder, checkpoint: run.model.checkpoint, dataset: run.model.dataset, model: modelName(run.model) })), opts);
  if (wp.diagnostic.length + wp.adversary.length + wp.skipped.length > 0) model.wiegreffePinter = wp;
  return model;
}

/** Data sets in first-seen order; within one, models in the paper's order (HAN before FLAN; rnn, conv, noenc), transformers after them. */
function compareRuns(runs: readonly RunInput[]): (a: RunInput, b: RunInput) => number {
  const datasets = unique(runs.map((r) => r.model.dataset));
  // Within an architecture, the attention normalisers in ATTENTION_KINDS order (softmax first).
  const rank = (r: RunInput): number =>
    datasets.indexOf(r.model.dataset) * 1000 + ARCHITECTURES.indexOf(r.model.architecture) * 100 + ENCODERS.indexOf(r.model.encoder) * 10 + Math.max(0, ATTENTION_KINDS.indexOf(r.model.attention ?? 'softmax'));
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
  const rankings = ALL_RANKING_NAMES.filter((r) => run.documents.some((d) => (d.multi[r]?.length ?? 0) > 0));
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
        // Over a greedy upper bound the "extra" erasures can be negative: no distance from the minimum.
        if (measure === 'extraFraction' && run.documents.some((d) => d.minimal.method === 'greedy_upper_bound')) continue;
        const stats = boxStats(measures[measure]);
        if (stats) rows.push({ ...key, ranking, measure, zeroVector, ...roundBox(stats), documents: round(stats.count * rankingWeight(ranking)) });
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
    for (const r of ALL_RANKING_NAMES) {
      const m = d.multi[r]?.[0];
      if (m) flips[r] = { erased: m.erased, status: m.status, flipsTo: m.flipsTo };
    }
    const method = d.minimal.method ? { minimalMethod: d.minimal.method } : {};
    return [{ ...key, ...e, label: d.label, predicted: d.predicted, flips, minimalStatus: d.minimal.status, ...method }];
  });
}

/** One Table 1 row per data set: the first tested model of it that recorded the data's statistics. */
function datasetRows(runs: readonly RunInput[]): DatasetRow[] {
  const rows: DatasetRow[] = [];
  for (const r of runs) {
    const d = r.model.data;
    if (d && !rows.some((x) => x.dataset === r.model.dataset)) rows.push({ dataset: r.model.dataset, ...d });
  }
  return rows;
}

function wilsonOf(count: number, documents: number): { lo: number | null; hi: number | null } {
  const p = proportion(count, documents);
  return { lo: p.lo, hi: p.hi };
}

function roundMedian(m: MedianWithInterval): MedianWithInterval {
  const r = (x: number | null): number | null => (x === null || Number.isNaN(x) ? null : round(x));
  return { documents: round(m.documents), median: r(m.median), lo: r(m.lo), hi: r(m.hi) };
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
