// The paper's findings, checked on each model with a number, a 95% interval and the documents behind it
// (docs/method.md §9; how to read them: docs/report.md).
//
// Every number comes from the erasure run's own functions (src/erasure/summary.ts, statistics.ts), called
// on the run's documents: the report and summary.json cannot disagree. Shares use Wilson intervals,
// ratios of counts the Wilson interval of b / (b + c) mapped to b / c, F5 the MOVER-Wilson interval of a
// difference of shares; only F4 (a difference of two medians) needs the bootstrap.
//
// A verdict is 'holds' or 'does not hold' only when the whole interval lies on one side of the finding's
// threshold; otherwise 'inconclusive'. Fewer than MIN_DOCUMENTS documents behind the estimate: no verdict.
// F3, F4 and F5 are checked twice, with and without documents that flip only at the zero vector, and each
// verdict names its view.
import type { BatterySummary, RankingComparison, RatioOfCounts } from '../erasure/types.ts';
import { flipValues, summarize, type ZeroVectorView } from '../erasure/summary.ts';
import { differenceOfShares, median, MIN_DOCUMENTS, stratifiedBootstrapInterval } from '../erasure/statistics.ts';
import type { RunInput } from './run-input.ts';
import { modelName } from './run-input.ts';
import { fixed } from './numbers.ts';

export { MIN_DOCUMENTS };
export type FindingId = 'F1' | 'F2' | 'F3' | 'F4' | 'F5';
export type Verdict = 'holds' | 'does not hold' | 'inconclusive' | 'too few documents';

export interface Finding {
  id: FindingId;
  dataset: string;
  /** "HAN-rnn"; for F4 the pair, "HAN: conv vs rnn". */
  model: string;
  /** Which flips count (F3, F4, F5): with or without the documents that flip only at the zero vector; null for F1, F2. */
  view: ZeroVectorView | null;
  verdict: Verdict;
  /**
   * The number the verdict rests on (a share, a ratio or a difference), null when there is none;
   * 'unbounded' for a ratio whose denominator is 0 (F3 when attention never needs fewer erasures).
   */
  estimate: Bound | null;
  interval: { lo: Bound; hi: Bound } | null;
  /** Documents behind the estimate (for a ratio: the documents where one side needs fewer erasures). */
  documents: number;
  /** The test behind the verdict's direction, where there is one: sign test or McNemar, two-sided. */
  p: number | null;
  pTest: 'sign test' | 'McNemar' | null;
  /** The numbers in words, for the report. */
  detail: string;
}

/** A run with its summary, computed by the erasure run's summarize() (src/erasure/summary.ts). */
export interface SummarizedRun {
  run: RunInput;
  summary: BatterySummary;
}

export interface FindingOptions {
  resamples: number;
  seed: number;
}

/** A number, or 'unbounded' where it is +Infinity (JSON has no Infinity). */
export type Bound = number | 'unbounded';

export const VIEWS: readonly ZeroVectorView[] = ['with', 'without'];
export const VIEW_LABELS: Record<ZeroVectorView, string> = { with: 'with zero-vector flips', without: 'without zero-vector flips' };

/** What each finding claims and the threshold its verdict uses. */
export const FINDINGS: Record<FindingId, { claim: string; test: string }> = {
  F1: {
    claim: 'Erasing the highest-attention item i* changes the output distribution more than erasing a random other item: ΔJS > 0 for most documents.',
    test: 'share of documents (n ≥ 2) with ΔJS > 0, Wilson interval; holds when the interval is above 50%',
  },
  F2: {
    claim: 'Erasing i* alone rarely flips the decision.',
    test: 'share of documents (n ≥ 2) where erasing i* flips, Wilson interval; holds when the interval is below 25%',
  },
  F3: {
    claim: 'With an encoder, ranking by gradient or gradient × attention flips the decision with fewer erasures than ranking by attention.',
    test: 'over documents where both rankings flip, (documents where the ranking needs fewer) ÷ (documents where attention needs fewer), interval from the Wilson interval of the first share of those discordant documents; holds when the interval of either ranking is above 1; at least 10 discordant documents',
  },
  F4: {
    claim: 'Conv encoders need a smaller fraction of items erased before the first flip than rnn encoders.',
    test: 'median fraction erased (attention ranking), rnn minus conv, bootstrap interval over each model’s documents; holds when the interval is above 0',
  },
  F5: {
    claim: 'Without an encoder, attention ranks about as well as gradient.',
    test: 'over documents where both flip, share where gradient needs fewer minus share where attention needs fewer, MOVER-Wilson interval; holds when the interval is below 0.10',
  },
};

export const F2_RARE = 0.25;
export const F5_MARGIN = 0.1;

/** Each run with summarize()'s numbers, seeded as the report is (the same function `attnlab test` uses). */
export function summarizeRuns(runs: readonly RunInput[], opts: FindingOptions): SummarizedRun[] {
  return runs.map((run) => ({ run, summary: summarize(run.documents, [], { seed: opts.seed, bootstrapResamples: opts.resamples }) }));
}

/** The findings of run folders' results: summarizeRuns, then checkFindings. */
export function findingsOf(runs: readonly RunInput[], opts: FindingOptions): Finding[] {
  return checkFindings(summarizeRuns(runs, opts), opts);
}

export function checkFindings(runs: readonly SummarizedRun[], opts: FindingOptions): Finding[] {
  const out: Finding[] = [];
  for (const r of runs) {
    out.push(f1(r), f2(r));
    // F5 is FLAN-noenc's; every other model has an encoder, a transformer's self-attention included: F3.
    for (const view of VIEWS) out.push(r.run.model.encoder === 'noenc' ? f5(r, view) : f3(r, view));
  }
  for (const [rnn, conv] of rnnConvPairs(runs)) for (const view of VIEWS) out.push(f4(rnn.run, conv.run, view, opts));
  const order: FindingId[] = ['F1', 'F2', 'F3', 'F4', 'F5'];
  return out.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

function base(id: FindingId, r: SummarizedRun, view: ZeroVectorView | null) {
  return { id, dataset: r.run.model.dataset, model: modelName(r.run.model), view };
}

function f1(r: SummarizedRun): Finding {
  const s = r.summary.single.attention;
  const p = s.deltaJsPositive!;
  const b = { ...base('F1', r, null), documents: p.documents, p: null, pTest: null };
  if (p.documents < MIN_DOCUMENTS) return { ...b, ...tooFew(p.documents) };
  const verdict: Verdict = p.lo! > 0.5 ? 'holds' : p.hi! <= 0.5 ? 'does not hold' : 'inconclusive';
  return {
    ...b,
    verdict,
    estimate: p.share,
    interval: { lo: p.lo!, hi: p.hi! },
    detail: `ΔJS > 0 for ${p.count} of ${p.documents} documents, ${pct(p.share!)} (95% CI ${pct(p.lo!)}–${pct(p.hi!)})`,
  };
}

function f2(r: SummarizedRun): Finding {
  const s = r.summary.single.attention;
  const p = s.flipTop!;
  const b = { ...base('F2', r, null), documents: p.documents, p: s.flips.mcnemarP, pTest: 'McNemar' as const };
  if (p.documents < MIN_DOCUMENTS) return { ...b, ...tooFew(p.documents) };
  const verdict: Verdict = p.hi! < F2_RARE ? 'holds' : p.lo! >= F2_RARE ? 'does not hold' : 'inconclusive';
  return {
    ...b,
    verdict,
    estimate: p.share,
    interval: { lo: p.lo!, hi: p.hi! },
    detail:
      `erasing i* flips ${p.count} of ${p.documents} documents, ${pct(p.share!)} (95% CI ${pct(p.lo!)}–${pct(p.hi!)}); ` +
      `i* alone flips in ${s.flips.yesNo}, r alone in ${s.flips.noYes} (McNemar ${pEquals(s.flips.mcnemarP)})`,
  };
}

/** The summary's comparison of `first` against attention in this view. */
export function comparison(summary: BatterySummary, first: string, view: ZeroVectorView): RankingComparison {
  const list = view === 'with' ? summary.comparisons : summary.comparisonsWithoutZeroVector!;
  return list.find((c) => c.first === first && c.second === 'attention')!;
}

function f3(r: SummarizedRun, view: ZeroVectorView): Finding {
  const parts = (['gradient', 'gradient_x_attention'] as const).map((first) => {
    const c = comparison(r.summary, first, view);
    const q = c.fewerRatio!;
    const label = first === 'gradient' ? 'gradient' : 'gradient × attention';
    const text =
      `${label} fewer in ${c.firstFewer} (${pct(c.shareFirstFewer)}), attention fewer in ${c.secondFewer} (${pct(c.shareSecondFewer)}), ` +
      `tied in ${c.equal} of ${c.documents} documents where both flip: ` +
      (q.documents < MIN_DOCUMENTS ? `${q.documents} discordant documents, too few for a ratio` : `${ratioText(q)} (95% CI ${ratioIntervalText(q)}), sign test ${pEquals(q.signTestP)}`);
    return { q, text };
  });
  const rated = parts.filter((p) => p.q.documents >= MIN_DOCUMENTS);
  const documents = Math.max(...parts.map((p) => p.q.documents));
  const b = { ...base('F3', r, view), documents };
  if (rated.length === 0) return { ...b, p: null, pTest: null, ...tooFew(documents), detail: parts.map((p) => p.text).join('; ') };
  const lo = (q: RatioOfCounts): number => q.lo ?? 0;
  const best = rated.reduce((a, c) => (lo(c.q) > lo(a.q) ? c : a));
  const verdict: Verdict = rated.some((p) => lo(p.q) > 1)
    ? 'holds'
    : rated.every((p) => !p.q.hiUnbounded && p.q.hi !== null && p.q.hi <= 1)
      ? 'does not hold'
      : 'inconclusive';
  return {
    ...b,
    documents: best.q.documents,
    verdict,
    estimate: best.q.unbounded ? 'unbounded' : best.q.ratio,
    interval: { lo: lo(best.q), hi: best.q.hiUnbounded ? 'unbounded' : best.q.hi! },
    p: best.q.signTestP,
    pTest: 'sign test',
    detail: parts.map((p) => p.text).join('; '),
  };
}

function f5(r: SummarizedRun, view: ZeroVectorView): Finding {
  const c = comparison(r.summary, 'gradient', view);
  const b = { ...base('F5', r, view), documents: c.documents, p: c.signTestP, pTest: 'sign test' as const };
  if (c.documents < MIN_DOCUMENTS) return { ...b, ...tooFew(c.documents) };
  const d = differenceOfShares(c.firstFewer, c.secondFewer, c.documents);
  const verdict: Verdict = d.hi < F5_MARGIN ? 'holds' : d.lo >= F5_MARGIN ? 'does not hold' : 'inconclusive';
  return {
    ...b,
    verdict,
    estimate: d.estimate,
    interval: { lo: d.lo, hi: d.hi },
    detail:
      `gradient fewer in ${c.firstFewer} (${pct(c.shareFirstFewer)}), attention fewer in ${c.secondFewer} (${pct(c.shareSecondFewer)}), ` +
      `tied in ${c.equal} of ${c.documents} documents: gap ${signedPoints(d.estimate)} (95% CI ${signedPoints(d.lo)} to ${signedPoints(d.hi)}), sign test ${pEquals(c.signTestP)}`,
  };
}

/** Attention-ranking fractions erased at the first flip, one per document that flips in this view. */
export function attentionFractions(run: RunInput, view: ZeroVectorView): number[] {
  return flipValues(run.documents, 'attention', 'fraction', view).flat();
}

function f4(rnn: RunInput, conv: RunInput, view: ZeroVectorView, o: FindingOptions): Finding {
  const a = attentionFractions(rnn, view);
  const b = attentionFractions(conv, view);
  const head = {
    id: 'F4' as const,
    dataset: rnn.model.dataset,
    model: `${rnn.model.architecture.toUpperCase()}: conv vs rnn`,
    view,
    p: null,
    pTest: null,
  };
  const documents = Math.min(a.length, b.length);
  const counts = `rnn ${a.length} documents, conv ${b.length}`;
  if (documents < MIN_DOCUMENTS) return { ...head, documents, ...tooFew(documents), detail: `${counts}; a verdict needs at least ${MIN_DOCUMENTS} each` };
  // Two models, independent documents: each model's documents are resampled on their own. No closed form
  // fits a difference of two medians, so this is the one bootstrap among the findings.
  const estimate = median(a) - median(b);
  const interval = stratifiedBootstrapInterval([a, b], ([x, y]) => median(x!) - median(y!), o.resamples, o.seed);
  // Both medians stuck at the same value in every resample (1.0 when most documents flip only at the zero
  // vector): the view cannot tell the encoders apart, which is no evidence either way.
  const stuck = interval.lo === interval.hi && estimate === 0;
  const verdict: Verdict = stuck ? 'inconclusive' : interval.lo > 0 ? 'holds' : interval.hi <= 0 ? 'does not hold' : 'inconclusive';
  const atOne = (xs: number[]): string => pct(xs.filter((x) => x === 1).length / xs.length);
  return {
    ...head,
    documents: a.length + b.length,
    verdict,
    estimate,
    interval,
    detail:
      `median fraction erased: rnn ${fmt(median(a))} (${a.length} documents, ${atOne(a)} at 1.0), conv ${fmt(median(b))} (${b.length}, ${atOne(b)} at 1.0); ` +
      `difference ${fmt(estimate)} (95% bootstrap CI ${fmt(interval.lo)} to ${fmt(interval.hi)})` +
      (stuck ? `; both medians are ${fmt(median(a))} in every resample: this view cannot tell rnn from conv` : ''),
  };
}

function rnnConvPairs(runs: readonly SummarizedRun[]): Array<[SummarizedRun, SummarizedRun]> {
  const out: Array<[SummarizedRun, SummarizedRun]> = [];
  for (const rnn of runs) {
    const m = rnn.run.model;
    if (m.encoder !== 'rnn') continue;
    const conv = runs.find((r) => r.run.model.encoder === 'conv' && r.run.model.architecture === m.architecture && r.run.model.dataset === m.dataset);
    if (conv) out.push([rnn, conv]);
  }
  return out;
}

function tooFew(documents: number): Pick<Finding, 'verdict' | 'estimate' | 'interval' | 'detail'> {
  return { verdict: 'too few documents', estimate: null, interval: null, detail: `${documents} documents; a verdict needs at least ${MIN_DOCUMENTS}` };
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** Two significant digits, "< 0.001" below that: a p-value says how surprising, not a ranking. */
export function pValue(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toPrecision(2);
}

/** "p = 0.041" or "p < 0.001" (in a sentence, pValue's "< 0.001" after "p = " read "p = < 0.001"). */
export function pEquals(p: number): string {
  const v = pValue(p);
  return v.startsWith('<') ? `p ${v}` : `p = ${v}`;
}

function fmt(x: number): string {
  return fixed(x, 3);
}

function signedPoints(x: number): string {
  return `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(1)} points`;
}

export function ratioText(q: RatioOfCounts): string {
  if (q.unbounded) return `${q.first} : 0 (unbounded)`;
  if (q.ratio === null) return '0 : 0';
  return `${q.ratio.toFixed(2)}×`;
}

export function ratioIntervalText(q: RatioOfCounts): string {
  if (q.lo === null) return '—';
  return `${q.lo.toFixed(2)}–${q.hiUnbounded ? '∞' : q.hi!.toFixed(2)}`;
}
