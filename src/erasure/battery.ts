// The whole battery on a set of documents: per document, every ranking, the single-weight tests,
// the multi-weight tests and the exact minimal flip set; then the summary statistics.
import { buildContext } from './context.ts';
import { minimalFlipSetOf } from './minimal.ts';
import { multiWeightTest } from './multi-weight.ts';
import { RANKINGS } from './rankings/index.ts';
import { derivedRng, STREAM } from '../util/seeding.ts';
import { singleWeightTest } from './single-weight.ts';
import { summarize } from './summary.ts';
import {
  RANKING_NAMES,
  TOP_ITEM_RANKINGS,
  type BatteryOptions,
  type BatterySummary,
  type ClassifierHead,
  type DocumentContext,
  type DocumentResult,
  type FinalLayerState,
  type MultiWeightRecord,
  type RankingName,
  type SingleWeightRecord,
  type TopItemRankingName,
} from './types.ts';

/**
 * Every test on one document. `index` is the document's position in the run: with the seed it fixes
 * all of the document's random draws, so documents can be processed in any chunks.
 */
export function runDocument(
  state: FinalLayerState,
  head: ClassifierHead,
  index: number,
  options: BatteryOptions,
): DocumentResult {
  const doc = buildContext(state, head);
  const minimal = minimalFlipSetOf(doc);
  const orders = rankDocument(doc, index, options);
  const multi = {} as Record<RankingName, MultiWeightRecord[]>;
  const tops = new Map<RankingName, number>();
  for (const name of RANKING_NAMES) {
    const these = orders.get(name) ?? [];
    if (these.length > 0) tops.set(name, these[0]![0]!);
    multi[name] = these.map((order, j) => multiWeightTest(doc, name, j, order, minimal));
  }
  const single = {} as Record<TopItemRankingName, SingleWeightRecord | null>;
  for (const name of TOP_ITEM_RANKINGS) {
    const top = tops.get(name);
    const rng = derivedRng(options.seed, index, STREAM.singleWeight, TOP_ITEM_RANKINGS.indexOf(name));
    single[name] = top === undefined ? null : singleWeightTest(doc, name, top, rng);
  }
  return {
    docId: state.docId,
    index,
    label: state.label,
    predicted: doc.predicted,
    n: doc.n,
    confidence: doc.p[doc.predicted]!,
    single,
    multi,
    minimal: {
      status: minimal.status,
      size: minimal.size,
      fraction: minimal.size === null ? null : minimal.size / doc.n,
      massErased: minimal.massErased,
      flipsTo: minimal.flipsTo,
    },
  };
}

/** The erasure orders of every selected ranking for the document at `index` of the run. */
export function rankDocument(doc: DocumentContext, index: number, options: BatteryOptions): Map<RankingName, Int32Array[]> {
  const names = options.rankings ?? RANKING_NAMES;
  const out = new Map<RankingName, Int32Array[]>();
  for (const name of RANKING_NAMES) {
    if (!names.includes(name)) continue;
    const rng = derivedRng(options.seed, index, STREAM.ranking, RANKING_NAMES.indexOf(name));
    out.set(name, RANKINGS[name].rank({ doc, rng }));
  }
  return out;
}

export interface BatteryRun {
  documents: DocumentResult[];
  summary: BatterySummary;
}

/** The battery over documents 0..states.length-1 of a run, with the summary of docs/method.md §9. */
export function runBattery(
  states: Iterable<FinalLayerState>,
  head: ClassifierHead,
  options: BatteryOptions & { run?: BatterySummary['run']; firstIndex?: number },
): BatteryRun {
  const documents: DocumentResult[] = [];
  let index = options.firstIndex ?? 0;
  for (const state of states) documents.push(runDocument(state, head, index++, options));
  return { documents, summary: summarize(documents, head.classes, options) };
}
