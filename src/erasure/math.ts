// Small numeric helpers on Float64Arrays shared by the erasure tests: softmax, argmax with the
// project's tie rule, and Jensen-Shannon divergence in nats (docs/method.md §4; it lives in
// src/util/divergence.ts, so src/train's adversary measures with the same function).
export { jsDivergence } from '../util/divergence.ts';

/** argmax with ties to the lower index (docs/method.md §5, §8). */
export function argmax(x: ArrayLike<number>, offset = 0, length = x.length - offset): number {
  let best = 0;
  let bestValue = x[offset]!;
  for (let k = 1; k < length; k++) {
    const v = x[offset + k]!;
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  return best;
}

/** softmax(x) into `out` (allocated when omitted), shifted by the max so exp never overflows. */
export function softmax(x: ArrayLike<number>, out: Float64Array = new Float64Array(x.length)): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < x.length; k++) if (x[k]! > max) max = x[k]!;
  let sum = 0;
  for (let k = 0; k < x.length; k++) {
    const e = Math.exp(x[k]! - max);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < x.length; k++) out[k] = out[k]! / sum;
  return out;
}
