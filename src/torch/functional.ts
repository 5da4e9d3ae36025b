// Ops that take several tensors or are layers: the functional face of the op table.
import { native } from './native.ts';
import { Tensor } from './tensor.ts';

export function cat(ts: Tensor[], dim: number): Tensor {
  return new Tensor(native.cat(ts.map((t) => t.handle), dim));
}

export function stack(ts: Tensor[], dim: number): Tensor {
  return new Tensor(native.stack(ts.map((t) => t.handle), dim));
}

/** cond ? a : b, elementwise with broadcasting. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return new Tensor(native.where(cond.handle, a.handle, b.handle));
}

/** x (..., in) @ weight (out, in)^T + bias (out). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return new Tensor(native.linear(x.handle, weight.handle, bias?.handle ?? null));
}

/** Rows of weight (V, E) for indices (any shape, int64); rows equal to paddingIdx get no gradient. */
export function embedding(weight: Tensor, indices: Tensor, paddingIdx = -1): Tensor {
  return new Tensor(native.embedding(weight.handle, indices.handle, paddingIdx));
}

/** x (B, Cin, L), weight (Cout, Cin, k) -> (B, Cout, L'), zero padding of `padding` on both sides. */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null, stride = 1, padding = 0): Tensor {
  return new Tensor(native.conv1d(x.handle, weight.handle, bias?.handle ?? null, [stride], [padding]));
}

/**
 * Layer normalisation over the trailing dims `normalizedShape`: (x − mean) / sqrt(var + eps) · weight + bias,
 * the biased variance, as torch.nn.functional.layer_norm.
 */
export function layerNorm(x: Tensor, normalizedShape: number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  return new Tensor(native.layerNorm(x.handle, normalizedShape, weight?.handle ?? null, bias?.handle ?? null, eps));
}

/** Inverted dropout (scales kept units by 1/(1-p)); identity when !train. */
export function dropout(x: Tensor, p: number, train: boolean): Tensor {
  return new Tensor(native.dropout(x.handle, p, train));
}

/** logits (B, C), target (B) int64 class ids. */
export function crossEntropy(logits: Tensor, target: Tensor, reduction: 'mean' | 'sum' | 'none' = 'mean'): Tensor {
  return new Tensor(native.crossEntropy(logits.handle, target.handle, reduction));
}

/** Softmax over dim where mask is true; masked positions get exactly 0. A row with no true entry is NaN. */
export function maskedSoftmax(scores: Tensor, mask: Tensor, dim: number): Tensor {
  const filled = scores.maskedFill(mask.logicalNot(), -Infinity);
  return filled.softmax(dim);
}

export interface GruParams {
  /** [w_ih, w_hh, b_ih, b_hh] for the forward direction, then the same for the reverse one. */
  weights: Tensor[];
  bidirectional: boolean;
}

/**
 * GRU over a padded batch: x (B, T, D), lengths (B) int64 with every entry in 1..T.
 * Returns output (B, T, dirs*H), exactly zero at padding, and the last hidden state (dirs, B, H).
 * Padding never reaches either direction (the sequences are packed, as torch.nn.GRU with a PackedSequence).
 */
export function gru(x: Tensor, lengths: Tensor, p: GruParams, train: boolean): { output: Tensor; hidden: Tensor } {
  const [o, h] = native.gru(x.handle, lengths.handle, p.weights.map((w) => w.handle), p.bidirectional, train);
  return { output: new Tensor(o), hidden: new Tensor(h) };
}
