// The exact minimal flip set (docs/method.md §8). With m the original decision and K the kept items,
//   A_K (logit'_k − logit'_m) = sum_{i in K} w_ik,  w_ik = alpha_i (z_ik − z_im + b_k − b_m),
// so erasing S makes k beat m iff that sum is > 0 (or = 0 with k < m: argmax ties go to the lower
// index). For a fixed k the best kept set of size t is the top t items by w_ik, so the largest kept
// set that flips is found by one sort and a prefix sum per class: O(C n log n), no subset search.
import { argmax } from './math.ts';
import { decisionAfterErasing } from './erase.ts';
import { oncePerDocument } from './per-document.ts';
import { orderByScoreDescending } from './rankings/order.ts';
import type { DocumentContext, FlipStatus } from './types.ts';

export interface MinimalFlipSet {
  status: FlipStatus;
  /** Absent: exact. 'greedy_upper_bound': the backend's greedy set, an upper bound on the minimal size. */
  method?: 'greedy_upper_bound';
  /** Size of the minimal flip set (null when status is never_flips or single_item). */
  size: number | null;
  /** The class the decision moves to after erasing that set (null when excluded). */
  flipsTo: number | null;
  /** Attention mass of the set (null when excluded). */
  massErased: number | null;
  /**
   * An erasure order whose first `size` items are a minimal flip set: the "optimal" ranking, items in
   * ascending order of w_{i,k*} for the class k* that allows the largest kept set.
   */
  order: Int32Array;
}

/**
 * Items with alpha_i = 0 (sparse attention, or softmax underflow) carry no mass: erasing them changes nothing,
 * and a kept set made only of them is the zero vector (logits = b), which the tie rule below would misread.
 * So the search runs on the support and the zero-weight items go last in the order; erasing the whole
 * support is the zero-vector flip, of size |support| (docs/faithfulness.md §2).
 */
export function minimalFlipSet(doc: DocumentContext): MinimalFlipSet {
  const { n, C, alpha, z, b, predicted: m } = doc;
  let support = 0;
  for (let i = 0; i < n; i++) if (alpha[i]! > 0) support++;
  if (support === n || support === 0) return minimalFlipSetDense(doc);
  const index = new Int32Array(support);
  const zeros: number[] = [];
  for (let i = 0, j = 0; i < n; i++) if (alpha[i]! > 0) index[j++] = i;
  else zeros.push(i);
  const subAlpha = Float64Array.from(index, (i) => alpha[i]!);
  const subZ = new Float64Array(support * C);
  index.forEach((i, j) => subZ.set(z.subarray(i * C, i * C + C), j * C));
  const sub = minimalFlipSetDense({ ...doc, n: support, alpha: subAlpha, z: subZ });
  const order = Int32Array.from([...Array.from(sub.order, (j) => index[j]!), ...zeros]);
  if (sub.status !== 'single_item') return { ...sub, order };
  // One item holds all the mass: erasing it is the zero vector.
  const zeroDecision = argmax(b);
  if (zeroDecision !== m) return { status: 'zero_vector', size: 1, flipsTo: zeroDecision, massErased: alpha[index[0]!]!, order };
  return { status: 'never_flips', size: null, flipsTo: null, massErased: null, order };
}

function minimalFlipSetDense(doc: DocumentContext): MinimalFlipSet {
  const { n, C, alpha, z, b, predicted: m } = doc;
  if (C < 2) throw new RangeError('minimalFlipSet: a classifier needs at least 2 classes');
  const w = new Float64Array(n);
  const magnitudes = new Float64Array(n);
  let bestKept = 0; // largest kept set that flips, over all classes; 0 = none with an item kept
  let bestClass = -1;
  let strongestClass = -1; // largest sum of w over all items: the ranking's class when nothing flips
  let strongestTotal = -Infinity;
  for (let k = 0; k < C; k++) {
    if (k === m) continue;
    const tieWins = k < m; // a sum of exactly 0 is a tie, which k wins only from a lower index
    let positive = 0; // sum of the positive w
    let nonNegative = 0; // how many w >= 0
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = alpha[i]! * (z[i * C + k]! - z[i * C + m]! + b[k]! - b[m]!);
      w[i] = v;
      total += v;
      if (v >= 0) {
        nonNegative++;
        positive += v;
      }
    }
    if (total > strongestTotal) {
      strongestTotal = total;
      strongestClass = k;
    }
    // The best kept set of size t is the top t items by w, and those sums rise while w >= 0 and fall
    // after. So keep every w >= 0 (if that already beats m), then add negative w of the smallest
    // magnitude first while the sum stays > 0 (>= 0 on a tie k wins). Only negatives with magnitude
    // below the positive sum can ever be added, so only those are sorted, and a class that cannot beat
    // the best so far is not sorted at all.
    if (nonNegative === 0 || !(positive > 0 || (positive === 0 && tieWins))) continue;
    let candidates = 0;
    for (let i = 0; i < n; i++) {
      const v = -w[i]!;
      if (v > 0 && (v < positive || (v === positive && tieWins))) magnitudes[candidates++] = v;
    }
    if (Math.min(n - 1, nonNegative + candidates) <= bestKept) continue;
    const sorted = magnitudes.subarray(0, candidates).sort();
    let sum = positive;
    let added = 0;
    while (added < candidates) {
      const rest = sum - sorted[added]!;
      if (!(rest > 0 || (rest === 0 && tieWins))) break;
      sum = rest;
      added++;
    }
    // The whole document (t = n) is the original decision; only proper subsets count.
    const kept = Math.min(n - 1, nonNegative + added);
    if (kept > bestKept) {
      bestKept = kept;
      bestClass = k;
    }
  }
  const order = erasureOrder(doc, bestClass >= 0 ? bestClass : strongestClass);
  if (n === 1) return { status: 'single_item', size: null, flipsTo: null, massErased: null, order };
  if (bestClass >= 0) {
    const size = n - bestKept;
    const erased = new Uint8Array(n);
    let massErased = 0;
    for (let t = 0; t < size; t++) {
      erased[order[t]!] = 1;
      massErased += alpha[order[t]!]!;
    }
    const flipsTo = decisionAfterErasing(doc, erased);
    return { status: 'flipped', size, flipsTo, massErased, order };
  }
  const zeroDecision = argmax(b);
  if (zeroDecision !== m) {
    let mass = 0;
    for (let i = 0; i < n; i++) mass += alpha[i]!;
    return { status: 'zero_vector', size: n, flipsTo: zeroDecision, massErased: mass, order };
  }
  return { status: 'never_flips', size: null, flipsTo: null, massErased: null, order };
}

/**
 * Items in ascending order of w_ik (erase the least helpful to class k first): the reverse of the kept-first
 * order (descending, ties to the lower index), so the kept set read from the end is that order's prefix.
 */
function erasureOrder(doc: DocumentContext, k: number): Int32Array {
  const { n, C, alpha, z, b, predicted: m } = doc;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = alpha[i]! * (z[i * C + k]! - z[i * C + m]! + b[k]! - b[m]!);
  return orderByScoreDescending(w).reverse();
}

/** minimalFlipSet, computed once per document: the battery and the "optimal" ranking share it. */
export const minimalFlipSetOf = oncePerDocument((doc) => (doc.backend ? doc.backend.minimalFlipSet() : minimalFlipSet(doc)));
