// What the six architectures share: the configuration, the forward output, and the base class.
import type { Tensor } from '../torch/index.ts';
import type { Embedding, Linear } from '../nn/index.ts';
import { Module } from '../nn/index.ts';
import type { Batch, Family } from './batch.ts';
import { ENCODERS, type EncoderKind } from './encoders.ts';
import type { AttentionKind } from './sparse-attention.ts';

export const FAMILIES = ['han', 'flan'] as const;
export const ARCHS = ['han-rnn', 'han-conv', 'han-noenc', 'flan-rnn', 'flan-conv', 'flan-noenc'] as const;
export type Arch = (typeof ARCHS)[number];

export function isArch(s: string): s is Arch {
  return (ARCHS as readonly string[]).includes(s);
}

export function splitArch(arch: Arch): { family: Family; encoder: EncoderKind } {
  const [family, encoder] = arch.split('-') as [Family, EncoderKind];
  if (!ENCODERS.includes(encoder)) throw new Error(`unknown encoder in '${arch}'`);
  return { family, encoder };
}

/**
 * Dropout probabilities (Appendix A.1), named as reference/torch_models.py names them:
 *   word       HAN: before the word encoder            (paper: "pre-sentence-encoder dropout")
 *   sentence   HAN: before the sentence encoder        (paper: "pre-document-encoder dropout")
 *   encoder    FLAN: before its one encoder            (paper: "pre-document-encoder dropout")
 *   classifier both: on the attended vector, before the linear layer ("classification layer dropout")
 * With noenc the "encoder" is the identity, so the dropout sits before the attention layer.
 */
export interface Dropouts {
  word: number;
  sentence: number;
  encoder: number;
  classifier: number;
}

export interface ModelConfig {
  arch: Arch;
  /** Vocabulary size, padding id 0 included. */
  vocab: number;
  classes: number;
  /** Embedding width (200 in the paper). */
  emb: number;
  /** GRU units per direction, or filters per convolution width (50 in the paper). */
  encoderSize: number;
  dropout: Dropouts;
  /** The attention normaliser of every attention layer; absent means softmax (older checkpoints have none). */
  attentionKind?: AttentionKind;
}

/** A forward pass: logits plus the FINAL attention layer (sentence attention for HAN, word attention for FLAN). */
export interface ForwardOutput {
  logits: Tensor; // (B, C)
  /** Final attention weights, exactly 0 at padding. */
  alpha: Tensor; // (B, n)
  /** The vectors the final attention weights (encoder outputs; arbitrary at padding). */
  h: Tensor; // (B, n, D)
  /** true at real items. */
  mask: Tensor; // (B, n) bool
}

export abstract class AttentionClassifier extends Module {
  abstract readonly config: ModelConfig;
  abstract readonly embedding: Embedding;
  abstract readonly classifier: Linear;
  abstract readonly family: Family;
  /** Width of the attended vectors h (the classifier's input). */
  abstract readonly hiddenDim: number;
  abstract forward(batch: Batch): ForwardOutput;
}
