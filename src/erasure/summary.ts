// summary.json: the paper's statistics computed from the per-document results (docs/method.md §9). The report
// (src/report) calls these same functions on documents.jsonl, so the page and summary.json agree.
import { ALL_RANKINGS, IG_STEPS } from './rankings/index.ts';
import { derivedRng } from '../util/seeding.ts';
import { DOCUMENT_TESTS, TEST_NAMES, type DocumentTest, type SummaryArgs, type TestName } from './tests/index.ts';
import { bootstrapPrepared, prepareMedian, proportion, ratioOfCounts, signTestP, twoByTwo, type PreparedMedian } from './statistics.ts';
import { CompactStore, compactResult, hasTestRecord, testRecordOf } from './compact-results.ts';
import {
  EXTRA_RANKING_NAMES,
  RANKING_NAMES,
  TOP_ITEM_RANKINGS,
  type BatteryOptions,
  type BatterySummary,
  type DocumentResult,
  type FlipStatusCounts,
  type MedianWithInterval,
  type IntegratedGradientsSummary,
  type MinimalSummary,
  type MultiWeightRecord,
  type AnyRankingName,
  type Proportion,
  type RankingComparison,
  type SingleWeightSummary,
  type TopItemRankingName,
} from './types.ts';

export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;

/** The comparisons the paper quotes (F3), each against attention. */
export const COMPARISONS: readonly (readonly [AnyRankingName, AnyRankingName])[] = [
  ['gradient', 'attention'],
  ['gradient_x_attention', 'attention'],
  ['leave_one_out', 'attention'],
  ['optimal', 'attention'],
];

/** Comparisons of the transformer-only rankings, made when the documents carry them. */
export const EXTRA_COMPARISONS: readonly (readonly [AnyRankingName, AnyRankingName])[] = [
  ['attention_norm', 'attention'],
  ['rollout', 'attention'],
  ['greedy', 'attention'],
  ['signed_leave_one_out', 'attention'],
  ['signed_leave_one_out', 'leave_one_out'],
  ['integrated_gradients', 'attention'],
];

/** The extra rankings present in any document's results (none for HAN/FLAN). */
export function extraRankingsOf(documents: readonly DocumentResult[]): AnyRankingName[] {
  return EXTRA_RANKING_NAMES.filter((name) => documents.some((d) => d.multi[name] !== undefined));
}

/**
 * The document as a run holds it while it summarizes: each test's record cut to what its summary reads
 * (DocumentTest.held; a test without one, or a name this version does not know, is kept whole).
 */
export function heldForSummary(d: DocumentResult): DocumentResult {
  if (d.tests === undefined || d.tests === null) return d;
  let tests: Record<string, unknown> | undefined;
  for (const [name, record] of Object.entries(d.tests)) {
    const test = (DOCUMENT_TESTS as Partial<Record<string, DocumentTest<unknown, unknown>>>)[name];
    if (test?.held === undefined || record === null || record === undefined) continue;
    (tests ??= { ...d.tests })[name] = test.held(record);
  }
  return tests === undefined ? d : { ...d, tests };
}

/**
 * Every document of a finished run, in order, for summarize(), the examples and the report: held records
 * (heldForSummary) kept compactly (compact-results.ts), read one chunk at a time. What needs whole records
 * (documents.jsonl, the ERASER export) reads the chunk files again.
 */
export function heldDocuments(chunks: Iterable<readonly DocumentResult[]>): DocumentResult[] {
  const store = new CompactStore();
  const documents: DocumentResult[] = [];
  for (const rs of chunks) for (const r of rs) documents.push(compactResult(heldForSummary(r), store));
  return documents;
}

// The bootstrap's own stream of the run's generator.
const BOOTSTRAP_KEY = 0x0b00;

export function summarize(
  documents: readonly DocumentResult[],
  classes: string[],
  options: BatteryOptions & { run?: BatterySummary['run'] },
): BatterySummary {
  const resamples = options.bootstrapResamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  // Every median is requested first and filled in at the end, so that all of them are bootstrapped on
  // the same resamples in one pass (statistics.ts: bootstrapMedians). Each is kept in its sorted typed
  // form from the start (prepareMedian): its per-document groups are garbage as soon as it is requested.
  const pending: [MedianWithInterval, PreparedMedian][] = [];
  const interval = (groups: number[][], weight = 1): MedianWithInterval => {
    const placeholder: MedianWithInterval = { documents: 0, median: null, lo: null, hi: null };
    pending.push([placeholder, prepareMedian({ groups, weight }, documents.length)]);
    return placeholder;
  };

  const single = {} as Record<TopItemRankingName, SingleWeightSummary>;
  for (const name of TOP_ITEM_RANKINGS) {
    const records = documents.map((d) => d.single[name]).filter((r) => r !== null);
    const count = records.length;
    const positive = records.filter((r) => r.deltaJs > 0).length;
    single[name] = {
      ranking: name,
      documents: count,
      shareDeltaJsPositive: count === 0 ? 0 : positive / count,
      shareDeltaJsNegative: count === 0 ? 0 : records.filter((r) => r.deltaJs < 0).length / count,
      flips: twoByTwo(records.map((r) => [r.flipTop, r.flipOther] as const)),
      medianDeltaJs: interval(documents.map((d) => (d.single[name] ? [d.single[name].deltaJs] : []))),
      deltaJsPositive: proportion(positive, count),
      flipTop: proportion(records.filter((r) => r.flipTop).length, count),
    };
  }

  const multi = {} as BatterySummary['multi'];
  const extras = extraRankingsOf(documents);
  for (const name of [...RANKING_NAMES, ...extras]) {
    const perDoc = documents.map((d) => d.multi[name] ?? []);
    const weight = rankingWeight(name);
    const both = (field: FlipField) => ({
      withZeroVector: interval(flipValues(documents, name, field, 'with'), weight),
      withoutZeroVector: interval(flipValues(documents, name, field, 'without'), weight),
    });
    multi[name] = {
      ranking: name,
      documents: documents.length,
      ...outcomeCounts(documents, name),
      fraction: both('fraction'),
      massErased: both('massErased'),
      erased: both('erased'),
      medianExtraOverMinimal: interval(
        perDoc.map((recs) => recs.filter((r) => r.extraOverMinimal !== null).map((r) => r.extraOverMinimal!)),
        weight,
      ),
      moreThanHalf: { withZeroVector: moreThanHalf(documents, name, 'with'), withoutZeroVector: moreThanHalf(documents, name, 'without') },
    };
  }

  const compared = [...COMPARISONS, ...EXTRA_COMPARISONS.filter(([first]) => extras.includes(first))];
  const comparisons = compared.map(([first, second]) => compareRankings(documents, first, second, 'with'));
  const comparisonsWithoutZeroVector = compared.map(([first, second]) => compareRankings(documents, first, second, 'without'));

  const minimalValues = (field: 'fraction' | 'size', withZero: boolean): number[][] =>
    documents.map((d) =>
      d.minimal.status === 'flipped' || (withZero && d.minimal.status === 'zero_vector') ? [d.minimal[field]!] : [],
    );
  const greedyBound = documents.some((d) => d.minimal.method === 'greedy_upper_bound');
  const minimal: MinimalSummary = {
    documents: documents.length,
    ...(greedyBound ? { method: 'greedy_upper_bound' as const } : {}),
    singleItem: documents.filter((d) => d.minimal.status === 'single_item').length,
    neverFlips: documents.filter((d) => d.minimal.status === 'never_flips').length,
    flipped: documents.filter((d) => d.minimal.status === 'flipped').length,
    zeroVector: documents.filter((d) => d.minimal.status === 'zero_vector').length,
    fraction: { withZeroVector: interval(minimalValues('fraction', true)), withoutZeroVector: interval(minimalValues('fraction', false)) },
    size: { withZeroVector: interval(minimalValues('size', true)), withoutZeroVector: interval(minimalValues('size', false)) },
  };

  const igErrors = documents.flatMap((d) => (d.igCompletenessError === undefined ? [] : [d.igCompletenessError]));
  const integratedGradients: IntegratedGradientsSummary | undefined =
    igErrors.length === 0
      ? undefined
      : {
          documents: igErrors.length,
          steps: IG_STEPS,
          medianCompletenessError: interval(documents.map((d) => (d.igCompletenessError === undefined ? [] : [d.igCompletenessError]))),
          maxCompletenessError: igErrors.reduce((a, v) => Math.max(a, v), 0),
        };

  const tests = summarizeTests(documents, classes, interval);

  const medians = bootstrapPrepared(pending.map(([, stat]) => stat), documents.length, derivedRng(options.seed, BOOTSTRAP_KEY), resamples);
  pending.forEach(([placeholder], j) => Object.assign(placeholder, medians[j]));

  const labelled = documents.filter((d) => d.label >= 0);
  return {
    version: 1,
    run: options.run ?? {},
    classes,
    documents: documents.length,
    documentsMultiItem: documents.filter((d) => d.n >= 2).length,
    accuracy: labelled.length === 0 ? null : labelled.filter((d) => d.label === d.predicted).length / labelled.length,
    seed: options.seed,
    bootstrapResamples: resamples,
    single,
    multi,
    comparisons,
    comparisonsWithoutZeroVector,
    minimal,
    ...(integratedGradients ? { integratedGradients } : {}),
    ...(tests ? { tests } : {}),
  };
}

/** The summary of every per-document test that ran on any of the documents (tests/index.ts). */
function summarizeTests(
  documents: readonly DocumentResult[],
  classes: readonly string[],
  median: SummaryArgs['median'],
): BatterySummary['tests'] {
  const ran = TEST_NAMES.filter((name) => documents.some((d) => hasTestRecord(d, name)));
  if (ran.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const name of ran) {
    // One entry at a time: the table's record types differ per entry.
    const test = DOCUMENT_TESTS[name] as DocumentTest<unknown, unknown>;
    out[name] = test.summarize(recordsOf(documents, name), { classes, documents, median });
  }
  return out;
}

/**
 * documents.map((d) => d.tests?.[name]), read on demand: a compact document builds its record when it is
 * read (compact-results.ts), so a test's summary never holds every record of a 100 k-document run at once.
 */
function recordsOf(documents: readonly DocumentResult[], name: TestName): readonly unknown[] {
  const at = (key: string | symbol): number => {
    if (typeof key !== 'string') return -1;
    const i = Number(key);
    return Number.isInteger(i) && i >= 0 && i < documents.length && String(i) === key ? i : -1;
  };
  return new Proxy(new Array<unknown>(documents.length), {
    get: (target, key, receiver) => {
      const i = at(key);
      return i >= 0 ? testRecordOf(documents[i]!, name) : (Reflect.get(target, key, receiver) as unknown);
    },
    has: (target, key) => at(key) >= 0 || Reflect.has(target, key),
  });
}

/** How much one order counts as a document: 1, or 1/5 for random's five permutations (pooled, docs/method.md §9). */
export function rankingWeight(name: AnyRankingName): number {
  return 1 / ALL_RANKINGS[name].orders;
}

type FlipField = 'fraction' | 'massErased' | 'erased';
export type ZeroVectorView = 'with' | 'without';

/** Does this order count as a flip in this view? (zero-vector flips count only 'with' them, docs/method.md §9) */
export function countsAsFlip(r: MultiWeightRecord | undefined, view: ZeroVectorView): r is MultiWeightRecord {
  if (r === undefined) return false;
  // With zero-vector flips every order that flipped has its erasures recorded (never_flips / single_item: null).
  return view === 'with' ? r.erased !== null && r.erased !== undefined : r.status === 'flipped';
}

/** Per document, the values of `field` of the ranking's orders that flip in this view (often none or one). */
export function flipValues(documents: readonly DocumentResult[], ranking: AnyRankingName, field: FlipField, view: ZeroVectorView): number[][] {
  return documents.map((d) => (d.multi[ranking] ?? []).filter((r) => countsAsFlip(r, view)).map((r) => r[field]!));
}

/**
 * Paper §5.3's outcome of a ranking's erasures: flipped with an item kept, flipped only at the zero
 * vector, never flipped (excluded), and single-item documents (excluded). Random's orders are pooled:
 * each of its five permutations counts 1/5 of a document.
 */
export function outcomeCounts(documents: readonly DocumentResult[], ranking: AnyRankingName): FlipStatusCounts {
  const weight = rankingWeight(ranking);
  const counted = (status: MultiWeightRecord['status']): number =>
    documents.reduce((s, d) => s + (d.n < 2 ? 0 : (d.multi[ranking] ?? []).filter((r) => r.status === status).length), 0) * weight;
  return {
    flipped: counted('flipped'),
    zeroVector: counted('zero_vector'),
    neverFlips: counted('never_flips'),
    singleItem: documents.filter((d) => d.n < 2).length,
  };
}

/** Paper §5.5: share of the flipping orders (pooled for random) that erase more than half of the items. */
export function moreThanHalf(documents: readonly DocumentResult[], ranking: AnyRankingName, view: ZeroVectorView): Proportion {
  const weight = rankingWeight(ranking);
  const fractions = flipValues(documents, ranking, 'fraction', view).flat();
  // Pooled orders: the count and denominator in documents (weight 1/5 each for random), rounded to whole ones for the interval.
  const over = fractions.filter((f) => f > 0.5).length;
  const p = proportion(Math.round(over * weight), Math.round(fractions.length * weight));
  return { ...p, share: fractions.length === 0 ? null : over / fractions.length };
}

/**
 * F3 and paper §5.4: over documents where both rankings flip in this view (first order of each), who
 * needed fewer erasures. The one place ranking comparisons are computed (summary.json and the report).
 */
export function compareRankings(
  documents: readonly DocumentResult[],
  first: AnyRankingName,
  second: AnyRankingName,
  zeroVector: ZeroVectorView = 'with',
): RankingComparison {
  let both = 0, firstFewer = 0, secondFewer = 0;
  for (const d of documents) {
    const a = d.multi[first]?.[0];
    const b = d.multi[second]?.[0];
    if (!countsAsFlip(a, zeroVector) || !countsAsFlip(b, zeroVector) || a.erased === null || b.erased === null) continue;
    both++;
    if (a.erased < b.erased) firstFewer++;
    else if (b.erased < a.erased) secondFewer++;
  }
  return {
    first,
    second,
    documents: both,
    firstFewer,
    secondFewer,
    equal: both - firstFewer - secondFewer,
    shareFirstFewer: both === 0 ? 0 : firstFewer / both,
    shareSecondFewer: both === 0 ? 0 : secondFewer / both,
    ratio: secondFewer === 0 ? null : firstFewer / secondFewer,
    ratioUnbounded: secondFewer === 0 && firstFewer > 0,
    signTestP: signTestP(firstFewer, secondFewer),
    zeroVector,
    firstFewerShare: proportion(firstFewer, both),
    fewerRatio: ratioOfCounts(firstFewer, secondFewer),
  };
}
