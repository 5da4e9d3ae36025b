// The paper's findings, checked on each model with a number and a 95% bootstrap interval (docs/method.md §9).
//
// A verdict is 'holds' or 'does not hold' only when the whole interval lies on one side of the
// finding's threshold; otherwise 'inconclusive'. With fewer than MIN_DOCUMENTS contributing documents
// there is no verdict at all.
import type { DocumentResult, MultiWeightRecord, RankingName } from '../erasure/types.ts';
import type { RunInput } from './run-input.ts';
import { modelName } from './run-input.ts';
import { median } from '../erasure/statistics.ts';
import { bootstrapInterval, stratifiedBootstrapInterval } from './stats.ts';

export type FindingId = 'F1' | 'F2' | 'F3' | 'F4' | 'F5';
export type Verdict = 'holds' | 'does not hold' | 'inconclusive' | 'too few documents';

export interface Finding {
  id: FindingId;
  dataset: string;
  /** "HAN-rnn"; for F4 the pair, "HAN: conv vs rnn". */
  model: string;
  verdict: Verdict;
  /**
   * The number the verdict rests on (a share, a ratio or a difference), null when there is none;
   * 'unbounded' for a ratio whose denominator is 0 (F3 when attention never needs fewer erasures).
   */
  estimate: Bound | null;
  interval: { lo: Bound; hi: Bound } | null;
  /** Documents that contributed. */
  documents: number;
  /** The numbers in words, for the report. */
  detail: string;
}

export interface FindingOptions {
  resamples: number;
  seed: number;
}

/** A number, or 'unbounded' where it is +Infinity (JSON has no Infinity). */
export type Bound = number | 'unbounded';

export const MIN_DOCUMENTS = 10;

/** What each finding claims and the threshold its verdict uses. */
export const FINDINGS: Record<FindingId, { claim: string; test: string }> = {
  F1: {
    claim: 'Erasing the highest-attention item i* changes the output distribution more than erasing a random other item: ΔJS > 0 for most documents.',
    test: 'share of documents (n ≥ 2) with ΔJS > 0; holds when the interval is above 50%',
  },
  F2: {
    claim: 'Erasing i* alone rarely flips the decision.',
    test: 'share of documents (n ≥ 2) where erasing i* flips; holds when the interval is below 25%',
  },
  F3: {
    claim: 'With an encoder, ranking by gradient or gradient × attention flips the decision with fewer erasures than ranking by attention.',
    test: 'over documents where both rankings flip, (documents where the ranking needs fewer) ÷ (documents where attention needs fewer); holds when the interval of the better ranking is above 1',
  },
  F4: {
    claim: 'Conv encoders need a smaller fraction of items erased before the first flip than rnn encoders.',
    test: 'median fraction erased (attention ranking, zero-vector flips included), rnn minus conv; holds when the interval is above 0',
  },
  F5: {
    claim: 'Without an encoder, attention ranks about as well as gradient.',
    test: 'over documents where both flip, share where gradient needs fewer minus share where attention needs fewer; holds when the interval is below 0.10',
  },
};

export const F2_RARE = 0.25;
export const F5_MARGIN = 0.1;

export function checkFindings(runs: readonly RunInput[], opts: FindingOptions): Finding[] {
  const out: Finding[] = [];
  for (const run of runs) {
    out.push(f1(run, opts), f2(run, opts));
    if (run.model.encoder === 'noenc') out.push(f5(run, opts));
    else out.push(f3(run, opts));
  }
  for (const [rnn, conv] of rnnConvPairs(runs)) out.push(f4(rnn, conv, opts));
  const order: FindingId[] = ['F1', 'F2', 'F3', 'F4', 'F5'];
  return out.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

function f1(run: RunInput, o: FindingOptions): Finding {
  const signs = run.documents.flatMap((d) => (d.single.attention ? [d.single.attention.deltaJs > 0 ? 1 : 0] : []));
  return shareFinding('F1', run, signs, o, (lo, hi) => (lo > 0.5 ? 'holds' : hi <= 0.5 ? 'does not hold' : 'inconclusive'), (s) =>
    `ΔJS > 0 for ${pct(s)} of ${signs.length} documents`,
  );
}

function f2(run: RunInput, o: FindingOptions): Finding {
  const flips = run.documents.flatMap((d) => (d.single.attention ? [d.single.attention.flipTop ? 1 : 0] : []));
  return shareFinding('F2', run, flips, o, (lo, hi) => (hi < F2_RARE ? 'holds' : lo >= F2_RARE ? 'does not hold' : 'inconclusive'), (s) =>
    `erasing i* flips ${pct(s)} of ${flips.length} documents`,
  );
}

function shareFinding(
  id: FindingId,
  run: RunInput,
  zeroOnes: number[],
  o: FindingOptions,
  decide: (lo: number, hi: number) => Verdict,
  describe: (share: number) => string,
): Finding {
  const base = { id, dataset: run.model.dataset, model: modelName(run.model), documents: zeroOnes.length };
  if (zeroOnes.length < MIN_DOCUMENTS) return { ...base, ...tooFew(zeroOnes.length) };
  const share = mean(zeroOnes);
  const interval = bootstrapInterval(zeroOnes, mean, o.resamples, o.seed);
  return { ...base, verdict: decide(interval.lo, interval.hi), estimate: share, interval, detail: `${describe(share)} (95% CI ${pct(interval.lo)}–${pct(interval.hi)})` };
}

/** Per document: erasures needed by `first` and by attention, for documents where both flip. */
function pairedErasures(docs: readonly DocumentResult[], first: RankingName): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const d of docs) {
    const a = flipCount(d.multi.attention?.[0]);
    const f = flipCount(d.multi[first]?.[0]);
    if (a !== null && f !== null) out.push([f, a]);
  }
  return out;
}

function flipCount(r: MultiWeightRecord | undefined): number | null {
  return r && (r.status === 'flipped' || r.status === 'zero_vector') ? r.erased : null;
}

/**
 * (first fewer) / (attention fewer); Infinity when attention is never fewer but first sometimes is,
 * 1 (parity) when neither ever is.
 */
function fewerRatio(pairs: readonly (readonly [number, number])[]): number {
  const { firstFewer, attnFewer } = counts(pairs);
  if (attnFewer === 0) return firstFewer === 0 ? 1 : Infinity;
  return firstFewer / attnFewer;
}

function f3(run: RunInput, o: FindingOptions): Finding {
  const base = { id: 'F3' as const, dataset: run.model.dataset, model: modelName(run.model) };
  const parts = (['gradient', 'gradient_x_attention'] as const).map((first) => {
    const pairs = pairedErasures(run.documents, first);
    const ratio = fewerRatio(pairs);
    const interval = pairs.length >= MIN_DOCUMENTS ? bootstrapInterval(pairs, fewerRatio, o.resamples, o.seed) : null;
    const c = counts(pairs);
    const text =
      `${first === 'gradient' ? 'gradient' : 'gradient × attention'} fewer in ${pct(c.firstFewer / pairs.length)}, ` +
      `attention fewer in ${pct(c.attnFewer / pairs.length)} of ${pairs.length} documents: ` +
      (Number.isFinite(ratio) ? `${ratioText(ratio)} as often` : 'ratio unbounded') +
      (interval ? ` (95% CI ${ratioText(interval.lo)}–${ratioText(interval.hi)})` : '');
    return { pairs, ratio, interval, text };
  });
  const documents = Math.max(...parts.map((p) => p.pairs.length));
  if (documents < MIN_DOCUMENTS) return { ...base, documents, ...tooFew(documents) };
  const rated = parts.filter((p) => p.interval !== null);
  const best = rated.reduce((a, b) => (b.interval!.lo > a.interval!.lo ? b : a));
  const verdict: Verdict = rated.some((p) => p.interval!.lo > 1)
    ? 'holds'
    : rated.every((p) => p.interval!.hi <= 1)
      ? 'does not hold'
      : 'inconclusive';
  return {
    ...base,
    documents,
    verdict,
    estimate: bound(best.ratio),
    interval: { lo: bound(best.interval!.lo), hi: bound(best.interval!.hi) },
    detail: parts.map((p) => p.text).join('; '),
  };
}

function f5(run: RunInput, o: FindingOptions): Finding {
  const base = { id: 'F5' as const, dataset: run.model.dataset, model: modelName(run.model) };
  const pairs = pairedErasures(run.documents, 'gradient');
  if (pairs.length < MIN_DOCUMENTS) return { ...base, documents: pairs.length, ...tooFew(pairs.length) };
  const gap = (s: readonly (readonly [number, number])[]): number => {
    const c = counts(s);
    return (c.firstFewer - c.attnFewer) / s.length;
  };
  const c = counts(pairs);
  const interval = bootstrapInterval(pairs, gap, o.resamples, o.seed);
  const verdict: Verdict = interval.hi < F5_MARGIN ? 'holds' : interval.lo >= F5_MARGIN ? 'does not hold' : 'inconclusive';
  return {
    ...base,
    documents: pairs.length,
    verdict,
    estimate: gap(pairs),
    interval,
    detail:
      `gradient fewer in ${pct(c.firstFewer / pairs.length)}, attention fewer in ${pct(c.attnFewer / pairs.length)} ` +
      `of ${pairs.length} documents: gap ${signedPoints(gap(pairs))} (95% CI ${signedPoints(interval.lo)} to ${signedPoints(interval.hi)})`,
  };
}

function f4(rnn: RunInput, conv: RunInput, o: FindingOptions): Finding {
  const fractions = (run: RunInput): number[] =>
    run.documents.flatMap((d) => {
      const r = d.multi.attention?.[0];
      return r && r.fraction !== null && (r.status === 'flipped' || r.status === 'zero_vector') ? [r.fraction] : [];
    });
  const a = fractions(rnn);
  const b = fractions(conv);
  const base = { id: 'F4' as const, dataset: rnn.model.dataset, model: `${rnn.model.architecture.toUpperCase()}: conv vs rnn` };
  const documents = Math.min(a.length, b.length);
  if (documents < MIN_DOCUMENTS) return { ...base, documents, ...tooFew(documents) };
  // Two models, independent documents: each model's documents are resampled on their own.
  const estimate = median(a) - median(b);
  const interval = stratifiedBootstrapInterval([a, b], ([x, y]) => median(x!) - median(y!), o.resamples, o.seed);
  const verdict: Verdict = interval.lo > 0 ? 'holds' : interval.hi <= 0 ? 'does not hold' : 'inconclusive';
  return {
    ...base,
    documents: a.length + b.length,
    verdict,
    estimate,
    interval,
    detail:
      `median fraction erased: rnn ${fmt(median(a))} (${a.length} documents), conv ${fmt(median(b))} (${b.length}); ` +
      `difference ${fmt(estimate)} (95% CI ${fmt(interval.lo)} to ${fmt(interval.hi)})`,
  };
}

function rnnConvPairs(runs: readonly RunInput[]): Array<[RunInput, RunInput]> {
  const out: Array<[RunInput, RunInput]> = [];
  for (const rnn of runs) {
    if (rnn.model.encoder !== 'rnn') continue;
    const conv = runs.find(
      (r) => r.model.encoder === 'conv' && r.model.architecture === rnn.model.architecture && r.model.dataset === rnn.model.dataset,
    );
    if (conv) out.push([rnn, conv]);
  }
  return out;
}

function counts(pairs: readonly (readonly [number, number])[]): { firstFewer: number; attnFewer: number } {
  let firstFewer = 0;
  let attnFewer = 0;
  for (const [f, a] of pairs) {
    if (f < a) firstFewer++;
    else if (a < f) attnFewer++;
  }
  return { firstFewer, attnFewer };
}

function tooFew(documents: number): Pick<Finding, 'verdict' | 'estimate' | 'interval' | 'detail'> {
  return { verdict: 'too few documents', estimate: null, interval: null, detail: `${documents} documents; a verdict needs at least ${MIN_DOCUMENTS}` };
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : NaN;
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function fmt(x: number): string {
  return x.toFixed(3);
}

function signedPoints(x: number): string {
  return `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(1)} points`;
}

function ratioText(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '∞';
}

function bound(x: number): Bound {
  return x === Infinity ? 'unbounded' : x;
}
