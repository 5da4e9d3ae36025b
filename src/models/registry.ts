// Every model name the grid (attnlab reproduce --models) accepts: the six HAN/FLAN architectures that
// attnlab train builds, and the transformers trained from scratch by src/train/transformer-train.ts and
// saved as Hugging Face folders (bert-small: 2 layers, 128-d, 4 heads, 256 tokens).
import { ARCHS } from './model.ts';

export const TRANSFORMER_ARCHS = ['bert-small'] as const;
export type TransformerArch = (typeof TRANSFORMER_ARCHS)[number];

export const MODEL_NAMES: readonly string[] = [...ARCHS, ...TRANSFORMER_ARCHS];

export function isTransformerArch(s: string): s is TransformerArch {
  return (TRANSFORMER_ARCHS as readonly string[]).includes(s);
}

export function isModelName(s: string): boolean {
  return MODEL_NAMES.includes(s);
}
