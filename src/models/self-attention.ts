// Multi-head self-attention as BERT, RoBERTa and DistilBERT compute it, once for the three families. Each
// family keeps its own module with Hugging Face's parameter names (query/key/value in BERT's
// attention.self, q_lin/k_lin/v_lin in DistilBERT's attention); these functions take its three projections.
//
//   full      context_h = softmax(q_h k_h^T / sqrt(dh)) v_h over every query position
//   row       query position 0 only ([CLS] / <s>): its attention row per head and the value vectors
//   row context   from a (possibly erased) row: c_h = sum_i alpha_hi v_hi, heads concatenated
import type { Tensor } from '../torch/index.ts';
import type { Dropout, Linear } from '../nn/index.ts';
import { attentionProbs, mergeHeads, splitHeads } from './transformer-model.ts';

/** The projections one attention module owns, under whatever names its family gives them. */
export interface Projections {
  query: Linear;
  key: Linear;
  value: Linear;
  /** Dropout on the attention weights (identity in eval mode). */
  dropout: Dropout;
  heads: number;
}

/** x (B, T, d), mask (B, T) -> context (B, T, d) (heads concatenated, before the output projection), weights (B, H, T, T) */
export function selfAttention(p: Projections, x: Tensor, mask: Tensor): { context: Tensor; probs: Tensor } {
  const q = splitHeads(p.query.forward(x), p.heads); // (B, H, T, dh)
  const k = splitHeads(p.key.forward(x), p.heads); // (B, H, T, dh)
  const v = splitHeads(p.value.forward(x), p.heads); // (B, H, T, dh)
  const probs = attentionProbs(q, k, mask); // (B, H, T, T)
  return { context: mergeHeads(p.dropout.forward(probs).matmul(v)), probs }; // (B, T, d)
}

/** Query position 0's row only: x (B, T, d), mask (B, T) -> probs (B, H, T), values (B, H, T, dh) */
export function queryRow(p: Projections, x: Tensor, mask: Tensor): { probs: Tensor; values: Tensor } {
  const q0 = splitHeads(p.query.forward(x.narrow(1, 0, 1)), p.heads); // (B, H, 1, dh)
  const k = splitHeads(p.key.forward(x), p.heads); // (B, H, T, dh)
  const values = splitHeads(p.value.forward(x), p.heads); // (B, H, T, dh)
  return { probs: attentionProbs(q0, k, mask).squeeze(2), values }; // (B, H, T)
}

/**
 * The row's context from (possibly modified) weights: probs (K, H, T), values (K or 1, H, T, dh) -> (K, d),
 * heads concatenated in order. With one document's values for K erasure rows, each head is one
 * (K, T) @ (T, dh) product: broadcasting (K, H, 1, T) @ (1, H, T, dh) instead would copy the values K times.
 */
export function rowContext(probs: Tensor, values: Tensor, dropout: Dropout): Tensor {
  const [K, H] = probs.shape as [number, number];
  const dh = values.size(-1);
  const weights = dropout.forward(probs); // (K, H, T)
  if (values.size(0) === 1 && K > 1) {
    const perHead = weights.permute([1, 0, 2]).matmul(values.squeeze(0)); // (H, K, T) @ (H, T, dh) -> (H, K, dh)
    return perHead.permute([1, 0, 2]).reshape([K, H * dh]); // (K, d)
  }
  return weights.unsqueeze(2).matmul(values).reshape([K, H * dh]); // (K, H, 1, T) @ (K, H, T, dh) -> (K, d)
}
