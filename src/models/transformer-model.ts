// What the three transformer classifiers (BERT, DistilBERT, RoBERTa) share: the padded batch, LayerNorm,
// numbered layer lists (so parameter names are Hugging Face's: encoder.layer.3.…), the multi-head split,
// and the base class whose forward is the three steps the erasure tests reuse:
//
//   encodeToLastLayer(batch)            embeddings and every layer but the last -> hidden (B, T, d), mask
//   lastLayerRowInputs(hidden, mask)    the last layer's attention row of query position 0 ([CLS] / <s>):
//                                       probs (B, H, T), values (B, H, T, dh), residual (B, d)
//   rowToLogits(probs, values, residual)   everything downstream of that row, for position 0 only
//
// A sequence classifier reads only position 0 of the last layer, so this IS the whole model, and an
// erasure that changes that one row (probs) re-runs exactly the part of the model that depends on it.
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { Module } from '../nn/index.ts';
import type { TransformerConfig } from './transformer-config.ts';

/** Right-padded token ids of a batch of documents. */
export interface TransformerBatch {
  family: 'transformer';
  inputIds: Tensor; // (B, T) int64
  /** true at real tokens. */
  attentionMask: Tensor; // (B, T) bool
  /** Segment ids (BERT, RoBERTa); null = all 0. */
  tokenTypeIds: Tensor | null; // (B, T) int64
}

/** One document as a transformer reads it: its token ids, special tokens included. */
export interface TransformerInput {
  ids: Int32Array;
  typeIds?: Int32Array;
}

/** Pads each document to the longest one of the batch with padTokenId. */
export function transformerBatch(docs: readonly TransformerInput[], padTokenId: number, device = 'cpu'): TransformerBatch {
  if (docs.length === 0) throw new RangeError('transformerBatch: no documents');
  const B = docs.length;
  const T = Math.max(...docs.map((d) => d.ids.length));
  if (T === 0) throw new RangeError('transformerBatch: every document is empty');
  const ids = new Int32Array(B * T).fill(padTokenId);
  const types = new Int32Array(B * T);
  const mask = new Uint8Array(B * T);
  docs.forEach((d, b) => {
    ids.set(d.ids, b * T);
    if (d.typeIds) types.set(d.typeIds, b * T);
    mask.fill(1, b * T, b * T + d.ids.length);
  });
  return {
    family: 'transformer',
    inputIds: torch.tensor(ids, [B, T], { device }), // (B, T)
    attentionMask: torch.tensor(mask, [B, T], { dtype: 'bool', device }), // (B, T)
    tokenTypeIds: docs.some((d) => d.typeIds) ? torch.tensor(types, [B, T], { device }) : null, // (B, T)
  };
}

export class LayerNorm extends Module {
  readonly weight: Tensor; // (d)
  readonly bias: Tensor; // (d)
  constructor(readonly dim: number, readonly eps: number) {
    super();
    this.weight = this.param('weight', torch.ones([dim]));
    this.bias = this.param('bias', torch.zeros([dim]));
  }
  /** x (..., d) -> (..., d) */
  forward(x: Tensor): Tensor {
    return torch.layerNorm(x, [this.dim], this.weight, this.bias, this.eps);
  }
}

/** Children named 0, 1, 2, … (torch.nn.ModuleList), so layer i's parameters are `layer.i.…`. */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[];
  constructor(items: M[]) {
    super();
    this.items = items.map((m, i) => this.child(String(i), m));
  }
}

/** x (B, T, H*dh) -> (B, H, T, dh) */
export function splitHeads(x: Tensor, heads: number): Tensor {
  const [B, T, d] = x.shape as [number, number, number];
  return x.reshape([B, T, heads, d / heads]).permute([0, 2, 1, 3]); // (B, H, T, dh)
}

/** x (B, H, T, dh) -> (B, T, H*dh) */
export function mergeHeads(x: Tensor): Tensor {
  const [B, H, T, dh] = x.shape as [number, number, number, number];
  return x.permute([0, 2, 1, 3]).reshape([B, T, H * dh]); // (B, T, d)
}

/**
 * Scaled dot-product attention weights: softmax over keys of q k^T / sqrt(dh), padded keys exactly 0.
 * q (B, H, Tq, dh), k (B, H, T, dh), mask (B, T) bool -> (B, H, Tq, T)
 */
export function attentionProbs(q: Tensor, k: Tensor, mask: Tensor): Tensor {
  const dh = q.size(-1);
  const scores = q.matmul(k.transpose(-1, -2)).div(Math.sqrt(dh)); // (B, H, Tq, T)
  const keyMask = mask.unsqueeze(1).unsqueeze(1); // (B, 1, 1, T)
  return torch.maskedSoftmax(scores, keyMask, -1); // (B, H, Tq, T)
}

export function activation(kind: TransformerConfig['activation'], x: Tensor): Tensor {
  return kind === 'gelu' ? x.gelu() : x.relu();
}

export interface LastLayerInput {
  /** The hidden states entering the last layer. */
  hidden: Tensor; // (B, T, d)
  mask: Tensor; // (B, T) bool
  /** With { attentions: true }: the attention weights of every layer before the last, each (B, H, T, T). */
  attentions: Tensor[];
}

export interface RowInputs {
  /** Last layer, query position 0: attention weights over the keys, 0 at padding. */
  probs: Tensor; // (B, H, T)
  /** Last layer's value vectors, per head. */
  values: Tensor; // (B, H, T, dh)
  /** Position 0's hidden state entering the last layer (the residual around its attention). */
  residual: Tensor; // (B, d)
}

export interface TransformerForward {
  logits: Tensor; // (B, C)
  /** The last layer's attention row of position 0 (what the erasure tests erase). */
  probs: Tensor; // (B, H, T)
  mask: Tensor; // (B, T) bool
}

export abstract class TransformerClassifier extends Module {
  abstract readonly config: TransformerConfig;
  /** The prefix of the encoder's parameters: 'bert', 'distilbert' or 'roberta'. */
  abstract readonly prefix: string;

  get heads(): number {
    return this.config.heads;
  }
  get classes(): number {
    return this.config.labels.length;
  }

  abstract encodeToLastLayer(batch: TransformerBatch, opts?: { attentions?: boolean }): LastLayerInput;
  abstract lastLayerRowInputs(hidden: Tensor, mask: Tensor): RowInputs;
  /**
   * probs (K, H, T) with values (K or 1, H, T, dh) and residual (K or 1, d) -> logits (K, C). The weights
   * are used as given (no renormalisation here), so erasures and derivatives both go through this.
   */
  abstract rowToLogits(probs: Tensor, values: Tensor, residual: Tensor): Tensor;
  /** The last layer's attention output projection W_O, (d, H*dh) as Hugging Face stores it (out, in). */
  abstract lastLayerOutputWeight(): Tensor;

  forward(batch: TransformerBatch): TransformerForward {
    const { hidden, mask } = this.encodeToLastLayer(batch); // (B, T, d), (B, T)
    const { probs, values, residual } = this.lastLayerRowInputs(hidden, mask); // (B, H, T), (B, H, T, dh), (B, d)
    return { logits: this.rowToLogits(probs, values, residual), probs, mask }; // (B, C)
  }
}
