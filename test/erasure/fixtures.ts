// Small random models and documents for the erasure tests (not a test file itself).
import { softmax } from '../../src/erasure/math.ts';
import type { ClassifierHead, FinalLayerState } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';

/** A random linear head: W ~ N(0, scale²), b ~ N(0, 0.1²). */
export function randomHead(rng: Rng, C: number, d: number, scale = 1): ClassifierHead {
  const W = new Float64Array(C * d).map(() => scale * rng.normal());
  const b = new Float64Array(C).map(() => 0.1 * rng.normal());
  return { W, b, C, d, classes: Array.from({ length: C }, (_, k) => `class${k}`) };
}

/** A random document: softmax attention over random scores (sharpness `temperature`), random h. */
export function randomState(rng: Rng, head: ClassifierHead, n: number, docId: string | number = 0, temperature = 2): FinalLayerState {
  const scores = new Float64Array(n).map(() => temperature * rng.normal());
  const alpha = softmax(scores);
  const h = new Float32Array(n * head.d).map(() => rng.normal());
  return { docId, label: rng.int(head.C), alpha, h, logits: logitsOf(head, alpha, h) };
}

/** W (sum alpha_i h_i) + b, straight from the definition (no z_i). */
export function logitsOf(head: ClassifierHead, alpha: Float64Array, h: Float32Array): Float64Array {
  const { W, b, d, C } = head;
  const s = new Float64Array(d);
  for (let i = 0; i < alpha.length; i++) for (let j = 0; j < d; j++) s[j]! += alpha[i]! * h[i * d + j]!;
  const x = new Float64Array(C);
  for (let k = 0; k < C; k++) {
    x[k] = b[k]!;
    for (let j = 0; j < d; j++) x[k]! += W[k * d + j]! * s[j]!;
  }
  return x;
}
