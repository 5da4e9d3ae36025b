// Kendall's tau-b between attention and another importance measure, per document (Jain & Wallace 2019;
// docs/faithfulness.md §4): tau_b = (P − Q) / sqrt((P + Q + X)(P + Q + Y)) over the n(n−1)/2 item pairs,
// P concordant, Q discordant, X tied in the first measure only, Y in the second only (pairs tied in both
// count nowhere). null when either measure is constant (tau_b undefined) or n < 2.
import { attentionGradient, leaveOneOutDivergence } from '../rankings/index.ts';
import type { DocumentContext, MedianWithInterval } from '../types.ts';
import type { DocumentTest } from './document-test.ts';

/** Kendall tau-b between alpha and each measure over the document's items (null: undefined, e.g. n < 2). */
export interface KendallTauRecord {
  /** Against d p_m / d alpha_i (signed). */
  gradient: number | null;
  /** Against the JS divergence of leaving the item out. */
  leaveOneOut: number | null;
}

/** Medians (with intervals) of the per-document tau-b, over all documents and by predicted class. */
export interface KendallTauSummary {
  /** Documents with a record (the test ran and n >= 2). */
  documents: number;
  /** Documents where the test ran but tau is undefined (n < 2): left out of every median, counted here. */
  notApplicable: number;
  gradient: MedianWithInterval;
  leaveOneOut: MedianWithInterval;
  /** Keyed by class name: the documents the model assigns to that class. */
  byPredictedClass: Record<string, { gradient: MedianWithInterval; leaveOneOut: MedianWithInterval }>;
}

export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`kendallTauB: ${n} and ${y.length} values`);
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[j]! - x[i]!);
      const dy = Math.sign(y[j]! - y[i]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiedX++;
      else if (dy === 0) tiedY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiedX) * (concordant + discordant + tiedY));
  return denominator > 0 ? (concordant - discordant) / denominator : null;
}

/**
 * tau_b of attention against the gradient (signed, docs/method.md §5) and the leave-one-out JS divergence
 * (its single-item erasures are shared with the leave_one_out ranking: computed once per document).
 */
export function kendallTauOf(doc: DocumentContext): KendallTauRecord {
  const gradient = doc.backend ? doc.backend.gradient() : attentionGradient(doc);
  return { gradient: kendallTauB(doc.alpha, gradient), leaveOneOut: kendallTauB(doc.alpha, leaveOneOutDivergence(doc)) };
}

export const kendallTau: DocumentTest<KendallTauRecord, KendallTauSummary> = {
  description: 'Kendall tau-b between attention and the gradient / leave-one-out importance of each item (Jain & Wallace 2019)',
  docs: 'docs/faithfulness.md §4',
  suite: 'default',
  backends: true,
  run: ({ doc }) => (doc.n < 2 ? null : kendallTauOf(doc)),
  summarize(records, { classes, documents, median }) {
    const tau = (field: keyof KendallTauRecord, predicted?: number): MedianWithInterval =>
      median(
        records.map((r, i) => {
          const t = r?.[field];
          return t === undefined || t === null || (predicted !== undefined && documents[i]!.predicted !== predicted) ? [] : [t];
        }),
      );
    return {
      documents: records.filter((r) => r != null).length,
      notApplicable: records.filter((r) => r === null).length,
      gradient: tau('gradient'),
      leaveOneOut: tau('leaveOneOut'),
      byPredictedClass: Object.fromEntries(classes.map((name, k) => [name, { gradient: tau('gradient', k), leaveOneOut: tau('leaveOneOut', k) }])),
    };
  },
};
