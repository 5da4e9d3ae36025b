// ERASER's comprehensiveness, sufficiency and AOPC (DeYoung et al. 2020; docs/faithfulness.md §6), shared by
// the attention-layer test (tests/eraser-attention.ts) and the input-level one (tests/eraser-input.ts): the
// bins, the item sets each ranking's order asks for, the record from the class distributions after those
// edits, the per-document scores and the summary. Where the edits happen (attention weights or words) is
// the only difference between the two tests.
import { logitsAfterErasing } from './erase.ts';
import { argmax, softmax } from './math.ts';
import { ALL_RANKING_NAMES, type AnyRankingName, type DocumentContext, type MedianWithInterval } from './types.ts';
import type { SummaryArgs } from './tests/document-test.ts';

/** ERASER's default AOPC thresholds (metrics.py --aopc_thresholds 0.01 0.05 0.1 0.2 0.5), in percent. */
export const ERASER_BINS = [1, 5, 10, 20, 50] as const;
/** The bin whose items are the exported hard rationale and top-level scores (docs/faithfulness.md §6.3). */
export const ERASER_HARD_BIN = 10;

/** Items per bin: ceil(n k / 100) in integers, at least 1 (n >= 1) and at most n. */
export function binSizes(n: number, bins: readonly number[] = ERASER_BINS): number[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`binSizes: n = ${n}, expected a positive integer`);
  return bins.map((k) => Math.min(n, Math.max(1, Math.floor((n * k + 99) / 100))));
}

/** One ranking's class distributions after each edit: [bin][class]. */
export interface EraserRankingScores {
  /** The first t_50 items of the ranking's order (random: of its first order), most important first. */
  top: number[];
  /** After removing the top t_k items, per bin k. */
  comprehensiveness: number[][];
  /** After keeping only the top t_k items, per bin k (random: both averaged over its orders). */
  sufficiency: number[][];
}

/** The per-document record of eraser_attention and eraser_input. */
export interface EraserRecord {
  /** t_k per bin (ERASER_BINS order). */
  bins: number[];
  /** The original class distribution p. */
  p: number[];
  rankings: Partial<Record<AnyRankingName, EraserRankingScores>>;
}

/** The item sets of one document (sets[j][i] = 1: item i removed), and which ranking/order each belongs to. */
export interface EraserRequest {
  bins: number[];
  names: AnyRankingName[];
  /** Orders per ranking (names[r] has orderCounts[r] orders, 2 |bins| sets each: removed bins, then kept-only bins). */
  orderCounts: number[];
  sets: Uint8Array[];
}

/** Every removal set the metrics need for the document's orders, in ranking then order then bin order. */
export function eraserRequest(n: number, orders: ReadonlyMap<AnyRankingName, readonly Int32Array[]>): EraserRequest {
  const bins = binSizes(n);
  const names: AnyRankingName[] = [];
  const orderCounts: number[] = [];
  const sets: Uint8Array[] = [];
  for (const [name, these] of orders) {
    if (these.length === 0) continue;
    names.push(name);
    orderCounts.push(these.length);
    for (const order of these) {
      for (const t of bins) {
        const removed = new Uint8Array(n);
        for (let r = 0; r < t; r++) removed[order[r]!] = 1;
        sets.push(removed);
      }
      for (const t of bins) {
        const keptOnly = new Uint8Array(n).fill(1);
        for (let r = 0; r < t; r++) keptOnly[order[r]!] = 0;
        sets.push(keptOnly);
      }
    }
  }
  return { bins, names, orderCounts, sets };
}

/** The record from the logits after each of the request's sets (sets × C, row-major). */
export function eraserRecord(
  p: ArrayLike<number>,
  request: EraserRequest,
  orders: ReadonlyMap<AnyRankingName, readonly Int32Array[]>,
  logits: Float64Array,
): EraserRecord {
  const C = p.length;
  const B = request.bins.length;
  if (logits.length !== request.sets.length * C) throw new RangeError(`eraserRecord: ${logits.length} logits for ${request.sets.length} sets of ${C} classes`);
  const half = request.bins[request.bins.length - 1]!;
  const rankings: EraserRecord['rankings'] = {};
  let j = 0;
  request.names.forEach((name, r) => {
    const count = request.orderCounts[r]!;
    const mean = (): number[][] => Array.from({ length: B }, () => new Array<number>(C).fill(0));
    const comprehensiveness = mean();
    const sufficiency = mean();
    const q = new Float64Array(C);
    for (let o = 0; o < count; o++) {
      for (const target of [comprehensiveness, sufficiency]) {
        for (let b = 0; b < B; b++, j++) {
          softmax(logits.subarray(j * C, (j + 1) * C), q);
          for (let c = 0; c < C; c++) target[b]![c]! += q[c]! / count;
        }
      }
    }
    const first = orders.get(name)![0]!;
    rankings[name] = { top: Array.from(first.subarray(0, half)), comprehensiveness, sufficiency };
  });
  return { bins: request.bins, p: Array.from(p), rankings };
}

/** The logits after each set at the final attention layer: the linear fast path or the backend, batched. */
export function attentionLayerLogits(doc: DocumentContext, sets: readonly Uint8Array[]): Float64Array {
  if (doc.backend) return doc.backend.erase(sets);
  const out = new Float64Array(sets.length * doc.C);
  sets.forEach((s, j) => out.set(logitsAfterErasing(doc, s), j * doc.C));
  return out;
}

/** Per-document numbers of one ranking: comprehensiveness_k and sufficiency_k per bin, and their AOPCs. */
export interface EraserScores {
  comprehensiveness: number[];
  sufficiency: number[];
  aopcComprehensiveness: number;
  aopcSufficiency: number;
}

/** p_m(x) − p_m(edited) per bin, m = argmax p (ties to the lower class), and the means over the bins. */
export function eraserScores(record: EraserRecord, name: AnyRankingName): EraserScores | null {
  const r = record.rankings[name];
  if (!r) return null;
  const m = argmax(record.p);
  const pm = record.p[m]!;
  const comprehensiveness = r.comprehensiveness.map((q) => pm - q[m]!);
  const sufficiency = r.sufficiency.map((q) => pm - q[m]!);
  const mean = (v: number[]): number => v.reduce((a, x) => a + x, 0) / v.length;
  return { comprehensiveness, sufficiency, aopcComprehensiveness: mean(comprehensiveness), aopcSufficiency: mean(sufficiency) };
}

/**
 * The record cut to what eraserScores reads: the decided class's probability alone (p → [p_m], every
 * distribution → [q_m], m = argmax p) and no top items. eraserScores gives the same numbers on it, bit for bit;
 * with 10 classes it is ~10x smaller (a 100 k-document Yahoo-shaped run held ~740 MB of whole records).
 * Held for the summary only (DocumentTest.held): the ERASER export needs the whole record.
 */
export function decidedClassOnly(record: EraserRecord): EraserRecord {
  const m = argmax(record.p);
  const rankings: EraserRecord['rankings'] = {};
  for (const [name, r] of Object.entries(record.rankings) as [AnyRankingName, EraserRankingScores][]) {
    rankings[name] = { top: [], comprehensiveness: r.comprehensiveness.map((q) => [q[m]!]), sufficiency: r.sufficiency.map((q) => [q[m]!]) };
  }
  return { bins: record.bins, p: [record.p[m]!], rankings };
}

export interface EraserRankingSummary {
  /** Documents with a record for this ranking. */
  documents: number;
  /** Median over documents of the per-document AOPC, with its 95% bootstrap interval. */
  aopcComprehensiveness: MedianWithInterval;
  aopcSufficiency: MedianWithInterval;
  /** Median comprehensiveness_k / sufficiency_k per bin (ERASER_BINS order). */
  comprehensiveness: MedianWithInterval[];
  sufficiency: MedianWithInterval[];
}

export interface EraserSummary {
  /** The bins k in percent. */
  bins: number[];
  /** Documents with a record. */
  documents: number;
  /** Documents where the test ran and does not apply (n = 1, or no model to re-run): counted, not in the medians. */
  notApplicable: number;
  /** Per ranking, in the order the battery ran them. */
  rankings: Partial<Record<AnyRankingName, EraserRankingSummary>>;
}

export function summarizeEraser(records: readonly (EraserRecord | null | undefined)[], median: SummaryArgs['median']): EraserSummary {
  // One pass over the records, keeping per ranking only its per-document scores (typed, NaN = none):
  // records may be built on demand (summary.ts recordsOf) and are not held (docs/scale.md).
  const N = records.length;
  const B = ERASER_BINS.length;
  const width = 2 + 2 * B; // aopcComprehensiveness, aopcSufficiency, comprehensiveness[B], sufficiency[B]
  const scored = new Map<AnyRankingName, Float64Array>();
  let documents = 0;
  let notApplicable = 0;
  for (let i = 0; i < N; i++) {
    const r = records[i];
    if (r === null) notApplicable++;
    if (r == null) continue;
    documents++;
    for (const name of ALL_RANKING_NAMES) {
      const s = eraserScores(r, name);
      if (!s) continue;
      let table = scored.get(name);
      if (!table) scored.set(name, (table = new Float64Array(N * width).fill(NaN)));
      table.set([s.aopcComprehensiveness, s.aopcSufficiency, ...s.comprehensiveness, ...s.sufficiency], i * width);
    }
  }
  const rankings: EraserSummary['rankings'] = {};
  for (const name of ALL_RANKING_NAMES) {
    const table = scored.get(name);
    if (!table) continue;
    const of = (column: number): MedianWithInterval =>
      median(Array.from({ length: N }, (_, i) => (Number.isNaN(table[i * width]!) ? [] : [table[i * width + column]!])));
    let count = 0;
    for (let i = 0; i < N; i++) if (!Number.isNaN(table[i * width]!)) count++;
    rankings[name] = {
      documents: count,
      aopcComprehensiveness: of(0),
      aopcSufficiency: of(1),
      comprehensiveness: ERASER_BINS.map((_, b) => of(2 + b)),
      sufficiency: ERASER_BINS.map((_, b) => of(2 + B + b)),
    };
  }
  return { bins: [...ERASER_BINS], documents, notApplicable, rankings };
}
