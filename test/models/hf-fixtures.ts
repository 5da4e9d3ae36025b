// Shared by the transformer tests: hf-ref's PyTorch fixtures (test/models/fixtures/make_hf_fixtures.py) and
// the batch they were computed on.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as torch from '../../src/torch/index.ts';
import type { TransformerBatch } from '../../src/models/index.ts';
import type { TransformerDocument } from '../../src/erasure/transformer-row.ts';

export const FAMILIES = ['bert', 'distilbert', 'roberta'] as const;
export type FixtureFamily = (typeof FAMILIES)[number];

export function fixtureDir(family: FixtureFamily): string {
  return fileURLToPath(new URL(`./fixtures/hf/${family}`, import.meta.url));
}

export interface FixtureDocument {
  text: string;
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
  length: number;
  special: number[];
  logits: number[];
  probs: number[];
  decided: number;
  attention_row0: number[][];
  hidden_last_input: number[][][];
  grad_alpha: number[][];
  erase_one: number[][];
  ranking: number[];
  erase_prefix: number[][];
  ranking_no_special: number[];
  erase_prefix_no_special: number[][];
  erase_one_per_head: number[][][];
}

export interface Expected {
  batch: { input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][] };
  logits: number[][];
  probs: number[][];
  decided: number[];
  last_attention_row0: number[][][];
  hidden_last_input: number[][][];
  grad_alpha: number[][][];
  document: FixtureDocument;
}

export function expected(family: FixtureFamily): Expected {
  return JSON.parse(readFileSync(`${fixtureDir(family)}/expected.json`, 'utf8')) as Expected;
}

/** The fixture's padded batch as our TransformerBatch. */
export function batchOf(b: { input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][] }): TransformerBatch {
  const B = b.input_ids.length;
  const T = b.input_ids[0]!.length;
  return {
    family: 'transformer',
    inputIds: torch.tensor(Int32Array.from(b.input_ids.flat()), [B, T]),
    attentionMask: torch.tensor(Uint8Array.from(b.attention_mask.flat()), [B, T], { dtype: 'bool' }),
    tokenTypeIds: torch.tensor(Int32Array.from(b.token_type_ids.flat()), [B, T]),
  };
}

/** Largest |a - b| over two flat arrays of the same length (throws on a length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The fixture's 40-token document as the transformer model pass reads it. */
export function fixtureDocument(d: FixtureDocument): TransformerDocument {
  const special = new Uint8Array(d.length);
  for (const t of d.special) special[t] = 1;
  return {
    docId: 'document',
    label: 0,
    input: { ids: Int32Array.from(d.input_ids[0]!), typeIds: Int32Array.from(d.token_type_ids[0]!) },
    special,
  };
}

