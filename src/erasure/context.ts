// Turns one stored final-layer state into the document context every test reads: z_i = W h_i once
// per document (the O(n d C) product of the fast path, docs/method.md §3-4), logits recomputed in double precision.
import { UserError } from '../util/errors.ts';
import { argmax, softmax } from './math.ts';
import { msg } from './messages.ts';
import type { ClassifierHead, DocumentContext, FinalLayerState } from './types.ts';

/**
 * How far the stored logits may be from W (sum alpha_i h_i) + b recomputed in double precision before
 * we call the state and the head inconsistent (float32 model arithmetic stays far below this).
 */
const LOGIT_TOLERANCE = 1e-3;

export function buildContext(state: FinalLayerState, head: ClassifierHead): DocumentContext {
  const { b, d, C } = head;
  const n = state.alpha.length;
  const where = `document ${String(state.docId)}`;
  if (n === 0) throw new UserError(msg.emptyDocument(where));
  // A state read from a states file that keeps z only has an empty h (states-io.ts): z is all we read.
  const hKept = state.h.length > 0 || state.z === undefined;
  if (hKept && state.h.length !== n * d) {
    throw new UserError(msg.wrongLength(where, 'h', state.h.length, `n × d = ${n} × ${d} = ${n * d}`));
  }
  if (state.logits.length !== C) throw new UserError(msg.wrongLength(where, 'logits', state.logits.length, `C = ${C}`));
  if (state.z && state.z.length !== n * C) {
    throw new UserError(msg.wrongLength(where, 'z', state.z.length, `n × C = ${n} × ${C} = ${n * C}`));
  }
  const z = state.z ?? productWithHead(state.h, n, head);
  const doc = contextFromZ(state.alpha, z, b, where);
  for (let k = 0; k < C; k++) {
    const stored = state.logits[k]!;
    if (!(Math.abs(doc.logits[k]! - stored) <= LOGIT_TOLERANCE * Math.max(1, Math.abs(stored)))) {
      throw new UserError(msg.logitsDisagree(where, k, stored, doc.logits[k]!));
    }
  }
  return doc;
}

/** z_i = W h_i for every item: row-major n × C. */
export function productWithHead(hRows: Float32Array, n: number, head: ClassifierHead): Float64Array {
  const { W, d, C } = head;
  const z = new Float64Array(n * C);
  const h = hRows;
  const d4 = d - (d % 4);
  for (let i = 0; i < n; i++) {
    const hi = i * d;
    for (let k = 0; k < C; k++) {
      const wk = k * d;
      // Four partial sums: the dot products are most of the battery's arithmetic.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let j = 0;
      for (; j < d4; j += 4) {
        s0 += W[wk + j]! * h[hi + j]!;
        s1 += W[wk + j + 1]! * h[hi + j + 1]!;
        s2 += W[wk + j + 2]! * h[hi + j + 2]!;
        s3 += W[wk + j + 3]! * h[hi + j + 3]!;
      }
      for (; j < d; j++) s0 += W[wk + j]! * h[hi + j]!;
      z[i * C + k] = s0 + s1 + (s2 + s3);
    }
  }
  return z;
}

/** The context from alpha (n), z (n × C) and b (C): logits = sum_i alpha_i z_i + b, p, the decision. */
export function contextFromZ(alpha: Float64Array, z: Float64Array, b: Float64Array, where = 'document'): DocumentContext {
  const n = alpha.length;
  const C = b.length;
  const logits = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    if (!(a >= 0)) throw new UserError(msg.negativeAttention(where, i, a));
    for (let k = 0; k < C; k++) logits[k]! += a * z[i * C + k]!;
  }
  for (let k = 0; k < C; k++) logits[k]! += b[k]!;
  return { n, C, alpha, z, b, logits, p: softmax(logits), predicted: argmax(logits) };
}
