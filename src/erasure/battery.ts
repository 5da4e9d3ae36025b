// The whole battery on a set of documents: per document, every ranking, the single-weight tests,
// the multi-weight tests and the exact minimal flip set; then the summary statistics.
import { buildContext } from './context.ts';
import type { FirstFlip } from './erase.ts';
import { minimalFlipSetOf } from './minimal.ts';
import { multiWeightTest } from './multi-weight.ts';
import { ALL_RANKINGS, integratedGradientsOf } from './rankings/index.ts';
import { derivedRng, STREAM } from '../util/seeding.ts';
import { singleWeightTest } from './single-weight.ts';
import { summarize } from './summary.ts';
import { DOCUMENT_TESTS, TEST_NAMES, type DocumentTest } from './tests/index.ts';
import {
  ALL_RANKING_NAMES,
  EXTRA_RANKING_NAMES,
  LINEAR_RANKING_NAMES,
  RANKING_NAMES,
  TOP_ITEM_RANKINGS,
  type BatteryOptions,
  type BatterySummary,
  type ClassifierHead,
  type DocumentContext,
  type DocumentResult,
  type FinalLayerState,
  type AnyRankingName,
  type MultiWeightRecord,
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
  return testDocument(buildContext(state, head), state, index, options);
}

/**
 * Every test on one document context, whichever backend computes its erasures (backend.ts). `about` gives
 * the document's id and gold label.
 */
export function testDocument(
  doc: DocumentContext,
  about: { docId: string | number; label: number },
  index: number,
  options: BatteryOptions,
): DocumentResult {
  const minimal = minimalFlipSetOf(doc);
  const orders = rankDocument(doc, index, options);
  const multi = {} as DocumentResult['multi'];
  const tops = new Map<AnyRankingName, number>();
  // A backend evaluates the first flips of all the document's orders together (few, large batches).
  const flips = new Map<Int32Array, FirstFlip>();
  if (doc.backend && doc.n >= 2) {
    const all = [...orders.values()].flat();
    doc.backend.firstFlips(all).forEach((f, i) => flips.set(all[i]!, f));
  }
  const record = (name: AnyRankingName): MultiWeightRecord[] => {
    const these = orders.get(name) ?? [];
    if (these.length > 0) tops.set(name, these[0]![0]!);
    return these.map((order, j) => multiWeightTest(doc, name, j, order, minimal, flips.get(order)));
  };
  for (const name of RANKING_NAMES) multi[name] = record(name);
  // The extra rankings appear only where they ran, so HAN/FLAN results keep their shape.
  for (const name of EXTRA_RANKING_NAMES) if (orders.has(name)) multi[name] = record(name);
  const single = {} as Record<TopItemRankingName, SingleWeightRecord | null>;
  for (const name of TOP_ITEM_RANKINGS) {
    const top = tops.get(name);
    const rng = derivedRng(options.seed, index, STREAM.singleWeight, TOP_ITEM_RANKINGS.indexOf(name));
    single[name] = top === undefined ? null : singleWeightTest(doc, name, top, rng);
  }
  return {
    docId: about.docId,
    index,
    label: about.label,
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
      ...(minimal.method ? { method: minimal.method } : {}),
    },
    ...(orders.has('integrated_gradients') ? { igCompletenessError: integratedGradientsOf(doc).completenessError } : {}),
    ...(options.tests && options.tests.length > 0 ? { tests: runTests(doc, orders, index, options) } : {}),
  };
}

/** The selected per-document tests on one document (tests/index.ts), each with its own random stream. */
function runTests(
  doc: DocumentContext,
  orders: ReadonlyMap<AnyRankingName, Int32Array[]>,
  index: number,
  options: BatteryOptions,
): NonNullable<DocumentResult['tests']> {
  const out: Record<string, unknown> = {};
  for (const name of TEST_NAMES) {
    if (!options.tests?.includes(name)) continue;
    const test = DOCUMENT_TESTS[name];
    if (doc.backend && !test.backends) {
      out[name] = null;
      continue;
    }
    const rng = derivedRng(options.seed, index, STREAM.test, TEST_NAMES.indexOf(name));
    const input = (test as DocumentTest<unknown, unknown>).input;
    if (input && options.deferInput) {
      // Filled in when the run has scored the variants (the record object is the one returned below).
      const args = { doc, rng, orders };
      const variants = input.variants(args);
      out[name] = null;
      if (variants) options.deferInput({ variants, finish: (logits) => (out[name] = input.record(args, logits)) });
      continue;
    }
    out[name] = test.run({ doc, rng, orders });
  }
  return out;
}

/** The erasure orders of every selected ranking for the document at `index` of the run. */
export function rankDocument(doc: DocumentContext, index: number, options: BatteryOptions): Map<AnyRankingName, Int32Array[]> {
  // The linear path CAN run LINEAR_RANKING_NAMES but runs the paper's six unless asked (--rankings all),
  // so default HAN/FLAN results are what they were (and readers that know only those six still read them).
  const runs: readonly AnyRankingName[] = doc.backend?.rankings ?? LINEAR_RANKING_NAMES;
  const names: readonly AnyRankingName[] = options.rankings ?? (doc.backend ? runs : RANKING_NAMES);
  const out = new Map<AnyRankingName, Int32Array[]>();
  for (const name of ALL_RANKING_NAMES) {
    if (!runs.includes(name) || !names.includes(name)) continue;
    // The stream index is the ranking's place in ALL_RANKING_NAMES, whose head is RANKING_NAMES.
    const rng = derivedRng(options.seed, index, STREAM.ranking, ALL_RANKING_NAMES.indexOf(name));
    out.set(name, ALL_RANKINGS[name].rank({ doc, rng }));
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
