// An erasure backend: how the battery's quantities are computed for one document. Two exist:
//   the linear fast path (HAN/FLAN, docs/method.md §4): the classifier is linear in the attended vector, so every
//     erasure, the exact minimal flip set and the gradient have closed forms over alpha, z = W h and b
//     (erase.ts, minimal.ts, rankings/gradient.ts). A DocumentContext WITHOUT a backend field uses it.
//   the transformer row path (transformer-row.ts): erasures change the last layer's attention row of the
//     classifier's query position and re-run everything downstream of that row, batched over all the
//     erasure sets a test needs; the minimal flip set becomes a greedy upper bound.
// The tests (single-weight, multi-weight, the rankings) call the same functions for both; only these
// quantities differ.
import type { FirstFlip, LeaveOneOut } from './erase.ts';
import type { MinimalFlipSet } from './minimal.ts';
import type { AnyRankingName } from './types.ts';

export interface ErasureBackend {
  /** Names the backend in summary.json and the docs. */
  readonly kind: 'transformer-row';
  /** The rankings this backend runs, in column order. */
  readonly rankings: readonly AnyRankingName[];
  /** Logits (K × C, row-major) after erasing each of K item sets (sets[k][i] = 1: item i erased). */
  erase(sets: readonly Uint8Array[]): Float64Array;
  /** Every single-item erasure: logits n × C and the decisions. */
  leaveOneOut(): LeaveOneOut;
  /** Sequential erasure in `order` until the decision changes. */
  firstFlip(order: ArrayLike<number>): FirstFlip;
  /** firstFlip of each order, computed together (the battery hands over all of a document's orders at once). */
  firstFlips(orders: readonly ArrayLike<number>[]): FirstFlip[];
  /** The smallest flip set the backend can find, with an order whose prefix is that set (method says how exact). */
  minimalFlipSet(): MinimalFlipSet;
  /** d p_m / d alpha_i at the unmodified weights, per item (docs/method.md §5). */
  gradient(): Float64Array;
  /** Gradient times attention per item (a sum over heads when an item spans several heads). */
  gradientTimesAttention(): Float64Array;
  /** Scores of the rankings only this backend has (attention norm, rollout), per item. */
  itemScores(name: 'attention_norm' | 'rollout'): Float64Array;
  /**
   * Optional (additive): arbitrary weight rows for the classifier's attention, not only erasures of it
   * (the permutation and adversarial tests, docs/faithfulness.md §4.2, §4.3). Absent: those tests record null.
   */
  rows?: RowEvaluator;
}

/**
 * Arbitrary attention rows of the classifier query, per head over the document's item positions. The
 * positions that are not items (the special tokens under `--specials out`) keep their own weight in every
 * row, as they do in every erasure; a row gives each head's weights over the P item positions only, and
 * each head's P weights must sum to 1 − fixedMass[h] for the head to stay a distribution (rows are used as
 * given, never renormalised, so that a gradient is the gradient of what was evaluated).
 */
export interface RowEvaluator {
  /** H: the heads of the row. */
  readonly heads: number;
  /** The item positions (token indices) in item order, P of them. */
  readonly positions: Int32Array;
  /** The model's own row over the item positions: alpha_hj at positions[j], row-major H × P. */
  readonly weights: Float64Array;
  /** Per head, the weight the fixed (non-item) positions keep (0 for every head unless specials are out). */
  readonly fixedMass: Float64Array;
  /** Logits (K × C, row-major) of K rows given as K × H × P weights, batched. */
  logits(rows: Float64Array, K: number): Float64Array;
  /**
   * The logits of K rows, each row's output change TVD(softmax(logits_k), p) (computed from the returned
   * logits in double precision) and its gradient with respect to the row's K × H × P weights, by autograd
   * through the model's float32 computation.
   */
  tvdWithGradient(rows: Float64Array, K: number): { logits: Float64Array; tvd: Float64Array; gradient: Float64Array };
}
