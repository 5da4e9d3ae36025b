// Erasure on the fast path of docs/method.md §4. With z_i = W h_i precomputed, erasing S gives
//   logits' = (sum_{i not in S} alpha_i z_i) / (sum_{i not in S} alpha_i) + b,
// and logits' = b when S is everything. The decision after an erasure is decided without the division:
// A_K × (logit'_k − logit'_m) = num_k − num_m + A_K (b_k − b_m), so argmax_k (num_k + A_K b_k) is the
// new decision — the same quantity docs/method.md §8's minimal flip set sums, so both agree exactly on ties.
import { argmax } from './math.ts';
import { oncePerDocument } from './per-document.ts';
import type { DocumentContext } from './types.ts';

/** Logits after erasing the items with erased[i] true (the general, any-set erasure). */
export function logitsAfterErasing(doc: DocumentContext, erased: ArrayLike<boolean | number>): Float64Array {
  const { n, C, alpha, z, b } = doc;
  const num = new Float64Array(C);
  let mass = 0;
  for (let i = 0; i < n; i++) {
    if (erased[i]) continue;
    const a = alpha[i]!;
    mass += a;
    for (let k = 0; k < C; k++) num[k]! += a * z[i * C + k]!;
  }
  return keptLogits(num, mass, b);
}

/** The decision (argmax, ties to the lower index) after erasing the items with erased[i] true. */
export function decisionAfterErasing(doc: DocumentContext, erased: ArrayLike<boolean | number>): number {
  const { n, C, alpha, z, b } = doc;
  const num = new Float64Array(C);
  let mass = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (erased[i]) continue;
    kept++;
    const a = alpha[i]!;
    mass += a;
    for (let k = 0; k < C; k++) num[k]! += a * z[i * C + k]!;
  }
  return keptDecision(num, mass, kept, b);
}

/** logits' from the kept numerator sum_K alpha_i z_i and mass A_K; the zero vector when A_K = 0. */
export function keptLogits(num: Float64Array, mass: number, b: Float64Array, out = new Float64Array(b.length)): Float64Array {
  for (let k = 0; k < b.length; k++) out[k] = mass > 0 ? num[k]! / mass + b[k]! : b[k]!;
  return out;
}

/**
 * The decision from the kept numerator (num[offset .. offset + C)) and mass; `kept` = items kept (0 means
 * the zero vector).
 */
export function keptDecision(num: Float64Array, mass: number, kept: number, b: Float64Array, offset = 0): number {
  if (kept === 0 || !(mass > 0)) return argmax(b);
  let best = 0;
  let bestValue = num[offset]! + mass * b[0]!;
  for (let k = 1; k < b.length; k++) {
    const v = num[offset + k]! + mass * b[k]!;
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  return best;
}

/** Every single-item erasure of a document: what the leave-one-out ranking and the single-weight tests read. */
export interface LeaveOneOut {
  /** Logits after erasing item i alone, row-major n × C. */
  logits: Float64Array;
  /** The decision after erasing item i alone (n values). */
  decisions: Int32Array;
}

/**
 * Every single-item erasure in O(n C). Prefix and suffix sums (not total minus one) so erasing an item
 * that holds almost all of the mass does not cancel digits.
 */
export function leaveOneOut(doc: DocumentContext): LeaveOneOut {
  const { n, C, alpha, z, b } = doc;
  const logits = new Float64Array(n * C);
  const decisions = new Int32Array(n);
  // suffix[i] = sum_{j >= i} alpha_j z_j, suffixMass likewise.
  const suffix = new Float64Array((n + 1) * C);
  const suffixMass = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    const a = alpha[i]!;
    suffixMass[i] = suffixMass[i + 1]! + a;
    for (let k = 0; k < C; k++) suffix[i * C + k] = suffix[(i + 1) * C + k]! + a * z[i * C + k]!;
  }
  const prefix = new Float64Array(C);
  let prefixMass = 0;
  const num = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < C; k++) num[k] = prefix[k]! + suffix[(i + 1) * C + k]!;
    const mass = prefixMass + suffixMass[i + 1]!;
    const row = logits.subarray(i * C, i * C + C);
    keptLogits(num, mass, b, row);
    decisions[i] = keptDecision(num, mass, n - 1, b);
    const a = alpha[i]!;
    prefixMass += a;
    for (let k = 0; k < C; k++) prefix[k]! += a * z[i * C + k]!;
  }
  return { logits, decisions };
}

/** leaveOneOut, computed once per document: the leave-one-out ranking and the single-weight tests share it. */
export const leaveOneOutOf = oncePerDocument((doc) => (doc.backend ? doc.backend.leaveOneOut() : leaveOneOut(doc)));

/** Where sequential erasure in `order` first changes the decision (docs/method.md §7). */
export interface FirstFlip {
  /** Items erased at the first flip; null if even the zero vector keeps the decision. */
  erased: number | null;
  /** True when the flip came only with every item of positive weight erased (logits = b). */
  zeroVector: boolean;
  /** Attention mass of the erased items at the flip (null when it never flips). */
  massErased: number | null;
  /** The class decided after the flip (null when it never flips). */
  flipsTo: number | null;
}

/**
 * Erase items in `order` one more at a time until the decision changes. After k erasures the kept set
 * is the suffix order[k..n), so sums over it are accumulated from the end: O(n C) for the whole
 * sequence, without subtracting from a running total (which cancels digits once most mass is gone).
 */
export function firstFlip(doc: DocumentContext, order: ArrayLike<number>): FirstFlip {
  const { n, C, alpha, z, b, predicted } = doc;
  // The battery calls this about ten times per document: reuse one scratch buffer instead of allocating.
  const suffix = scratch((n + 1) * C);
  const suffixMass = scratchMass(n + 1);
  suffix.fill(0, n * C, (n + 1) * C);
  suffixMass[n] = 0;
  for (let t = n - 1; t >= 0; t--) {
    const i = order[t]!;
    const a = alpha[i]!;
    suffixMass[t] = suffixMass[t + 1]! + a;
    for (let k = 0; k < C; k++) suffix[t * C + k] = suffix[(t + 1) * C + k]! + a * z[i * C + k]!;
  }
  let massErased = 0;
  for (let k = 1; k <= n; k++) {
    massErased += alpha[order[k - 1]!]!;
    const decision = keptDecision(suffix, suffixMass[k]!, n - k, b, k * C);
    // Zero vector: nothing kept, or only zero-weight items kept (sparse attention), so logits = b.
    if (decision !== predicted) return { erased: k, zeroVector: k === n || !(suffixMass[k]! > 0), massErased, flipsTo: decision };
  }
  return { erased: null, zeroVector: false, massErased: null, flipsTo: null };
}

let suffixBuffer = new Float64Array(4096);
let massBuffer = new Float64Array(512);

function scratch(size: number): Float64Array {
  if (suffixBuffer.length < size) suffixBuffer = new Float64Array(Math.max(size, 2 * suffixBuffer.length));
  return suffixBuffer;
}

function scratchMass(size: number): Float64Array {
  if (massBuffer.length < size) massBuffer = new Float64Array(Math.max(size, 2 * massBuffer.length));
  return massBuffer;
}
