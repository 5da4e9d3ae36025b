// summary.json: the paper's statistics computed from the per-document results (docs/method.md §9).
import { IG_STEPS, RANDOM_PERMUTATIONS } from './rankings/index.ts';
import { derivedRng } from '../util/seeding.ts';
import { bootstrapMedians, signTestP, twoByTwo, type MedianStatistic } from './statistics.ts';
import {
  EXTRA_RANKING_NAMES,
  RANKING_NAMES,
  TOP_ITEM_RANKINGS,
  type BatteryOptions,
  type BatterySummary,
  type DocumentResult,
  type MedianWithInterval,
  type IntegratedGradientsSummary,
  type KendallTauRecord,
  type KendallTauSummary,
  type MinimalSummary,
  type MultiWeightRecord,
  type AnyRankingName,
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

// The bootstrap's own stream of the run's generator.
const BOOTSTRAP_KEY = 0x0b00;

export function summarize(
  documents: readonly DocumentResult[],
  classes: string[],
  options: BatteryOptions & { run?: BatterySummary['run'] },
): BatterySummary {
  const resamples = options.bootstrapResamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  // Every median is requested first and filled in at the end, so that all of them are bootstrapped on
  // the same resamples in one pass (statistics.ts: bootstrapMedians).
  const pending: [MedianWithInterval, MedianStatistic][] = [];
  const interval = (groups: number[][], weight = 1): MedianWithInterval => {
    const placeholder: MedianWithInterval = { documents: 0, median: null, lo: null, hi: null };
    pending.push([placeholder, { groups, weight }]);
    return placeholder;
  };

  const single = {} as Record<TopItemRankingName, SingleWeightSummary>;
  for (const name of TOP_ITEM_RANKINGS) {
    const records = documents.map((d) => d.single[name]).filter((r) => r !== null);
    const count = records.length;
    single[name] = {
      ranking: name,
      documents: count,
      shareDeltaJsPositive: count === 0 ? 0 : records.filter((r) => r.deltaJs > 0).length / count,
      shareDeltaJsNegative: count === 0 ? 0 : records.filter((r) => r.deltaJs < 0).length / count,
      flips: twoByTwo(records.map((r) => [r.flipTop, r.flipOther] as const)),
      medianDeltaJs: interval(documents.map((d) => (d.single[name] ? [d.single[name].deltaJs] : []))),
    };
  }

  const multi = {} as BatterySummary['multi'];
  const extras = extraRankingsOf(documents);
  for (const name of [...RANKING_NAMES, ...extras]) {
    const perDoc = documents.map((d) => d.multi[name] ?? []);
    const weight = name === 'random' ? 1 / RANDOM_PERMUTATIONS : 1;
    const counted = (status: MultiWeightRecord['status']): number =>
      perDoc.reduce((s, recs) => s + recs.filter((r) => r.status === status).length, 0) * weight;
    const values = (field: 'fraction' | 'massErased' | 'erased', withZero: boolean): number[][] =>
      perDoc.map((recs) =>
        recs
          .filter((r) => r.status === 'flipped' || (withZero && r.status === 'zero_vector'))
          .map((r) => r[field]!),
      );
    const both = (field: 'fraction' | 'massErased' | 'erased') => ({
      withZeroVector: interval(values(field, true), weight),
      withoutZeroVector: interval(values(field, false), weight),
    });
    multi[name] = {
      ranking: name,
      documents: documents.length,
      singleItem: documents.filter((d) => d.n < 2).length,
      neverFlips: counted('never_flips'),
      flipped: counted('flipped'),
      zeroVector: counted('zero_vector'),
      fraction: both('fraction'),
      massErased: both('massErased'),
      erased: both('erased'),
      medianExtraOverMinimal: interval(
        perDoc.map((recs) => recs.filter((r) => r.extraOverMinimal !== null).map((r) => r.extraOverMinimal!)),
        weight,
      ),
    };
  }

  const comparisons = [...COMPARISONS, ...EXTRA_COMPARISONS.filter(([first]) => extras.includes(first))].map(([first, second]) =>
    compareRankings(documents, first, second),
  );

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

  const withTau = documents.some((d) => d.kendallTau !== undefined);
  const tauMedian = (field: keyof KendallTauRecord, predicted?: number): MedianWithInterval =>
    interval(
      documents.map((d) => {
        const t = d.kendallTau?.[field];
        return t === undefined || t === null || (predicted !== undefined && d.predicted !== predicted) ? [] : [t];
      }),
    );
  const kendallTau: KendallTauSummary | undefined = withTau
    ? {
        gradient: tauMedian('gradient'),
        leaveOneOut: tauMedian('leaveOneOut'),
        byPredictedClass: Object.fromEntries(
          classes.map((name, k) => [name, { gradient: tauMedian('gradient', k), leaveOneOut: tauMedian('leaveOneOut', k) }]),
        ),
      }
    : undefined;

  const medians = bootstrapMedians(pending.map(([, stat]) => stat), documents.length, derivedRng(options.seed, BOOTSTRAP_KEY), resamples);
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
    minimal,
    ...(integratedGradients ? { integratedGradients } : {}),
    ...(kendallTau ? { kendallTau } : {}),
  };
}

/** F3: over documents where both rankings flip (first order of each), who needed fewer erasures. */
export function compareRankings(
  documents: readonly DocumentResult[],
  first: AnyRankingName,
  second: AnyRankingName,
): RankingComparison {
  let both = 0, firstFewer = 0, secondFewer = 0;
  for (const d of documents) {
    const a = d.multi[first]?.[0];
    const b = d.multi[second]?.[0];
    if (a?.erased == null || b?.erased == null) continue;
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
  };
}
