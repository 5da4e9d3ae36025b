// The exact minimal flip set (SPEC §6b). With m the original decision and K the kept items,
//   A_K (logit'_k − logit'_m) = sum_{i in K} w_ik,  w_ik = alpha_i (z_ik − z_im + b_k − b_m),
// so erasing S makes k beat m iff that sum is > 0 (or = 0 with k < m: argmax ties go to the lower
// index). For a fixed k the best kept set of size t is the top t items by w_ik, so the largest kept
// set that flips is found by one sort and a prefix sum per class: O(C n log n), no subset search.
import { argmax } from './math.ts';
import { decisionAfterErasing } from './erase.ts';
import type { DocumentContext, FlipStatus } from './types.ts';

export interface MinimalFlipSet {
  status: FlipStatus;
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

export function minimalFlipSet(doc: DocumentContext): MinimalFlipSet {
  const { n, C, alpha, z, b, predicted: m } = doc;
  if (C < 2) throw new RangeError('minimalFlipSet: a classifier needs at least 2 classes');
  const w = new Float64Array(n);
  let bestKept = 0; // largest kept set that flips, over all classes; 0 = none with an item kept
  let bestClass = -1;
  let strongestClass = -1; // largest sum of w over all items: the ranking's class when nothing flips
  let strongestTotal = -Infinity;
  for (let k = 0; k < C; k++) {
    if (k === m) continue;
    let total = 0;
    for (let i = 0; i < n; i++) {
      w[i] = alpha[i]! * (z[i * C + k]! - z[i * C + m]! + b[k]! - b[m]!);
      total += w[i]!;
    }
    if (total > strongestTotal) {
      strongestTotal = total;
      strongestClass = k;
    }
    // Prefix sums need only the sorted values (the order among ties does not change them), so a native
    // numeric sort suffices here; the item order is built once, for the winning class.
    w.sort();
    // The whole document (t = n) is the original decision; only proper subsets count.
    let sum = 0;
    let keptHere = 0;
    for (let t = 1; t < n; t++) {
      sum += w[n - t]!; // t-th largest
      if (sum > 0 || (sum === 0 && k < m)) keptHere = t;
    }
    if (keptHere > bestKept) {
      bestKept = keptHere;
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
 * Items in ascending order of w_ik (erase the least helpful to class k first), ties to the higher index
 * first so that the kept set (read from the end) is the descending order with ties to the lower index.
 */
function erasureOrder(doc: DocumentContext, k: number): Int32Array {
  const { n, C, alpha, z, b, predicted: m } = doc;
  const w = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = alpha[i]! * (z[i * C + k]! - z[i * C + m]! + b[k]! - b[m]!);
    order[i] = i;
  }
  return order.sort((i, j) => w[i]! - w[j]! || j - i);
}

// The battery and the "optimal" ranking both need the minimal set of a document; compute it once.
const cache = new WeakMap<DocumentContext, MinimalFlipSet>();

export function minimalFlipSetOf(doc: DocumentContext): MinimalFlipSet {
  let found = cache.get(doc);
  if (!found) {
    found = minimalFlipSet(doc);
    cache.set(doc, found);
  }
  return found;
}
