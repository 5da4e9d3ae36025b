// Documents too long to train on whole. Training keeps every step's activations for the backward pass,
// and libtorch's GRU backward grows faster than linearly with the sequence: one 20,000-token document
// alone takes 1.1 GB and 86 s per FLAN-rnn step on one core, a 200,000-token one would not fit in 24 GB.
// So a document with more than maxDocTokens tokens is either
//   truncate  cut to its first maxDocTokens tokens (whole sentences, then part of the one that crosses
//             the limit): the default for training, with the count in the log and in model.json;
//   alone     kept whole, in a batch of its own (memory and time grow with it: the user asked for it).
// The erasure pass runs without gradients (a 200,000-token FLAN-rnn document: 1.3 GB), so `attnlab
// test` keeps long documents whole by default.
import type { TokenDoc } from '../models/index.ts';
import { docLength } from '../models/index.ts';

export const LONG_DOC_POLICIES = ['truncate', 'alone'] as const;
export type LongDocPolicy = (typeof LONG_DOC_POLICIES)[number];

/** Tokens above which a training document is long (no built-in or paper data set has one). */
export const DEFAULT_MAX_DOC_TOKENS = 5_000;

/** The first maxTokens tokens of a document (views into its sentences, no copies). */
export function truncateDoc<D extends TokenDoc>(doc: D, maxTokens: number): D {
  if (docLength(doc) <= maxTokens) return doc;
  const sentences: Int32Array[] = [];
  let left = maxTokens;
  for (const s of doc.sentences) {
    if (left <= 0) break;
    sentences.push(s.length <= left ? s : s.subarray(0, left));
    left -= Math.min(left, s.length);
  }
  return { ...doc, sentences };
}

export interface LongDocCount {
  /** Documents longer than maxDocTokens. */
  long: number;
  /** Of those, cut to maxDocTokens (policy truncate) — else trained whole, alone (policy alone). */
  truncated: number;
  /** Tokens of the longest document before truncation. */
  longest: number;
}

/** Applies the policy to a split: the documents to use and what was done to the long ones. */
export function applyLongDocPolicy<D extends TokenDoc>(docs: readonly D[], policy: LongDocPolicy, maxDocTokens: number): { docs: readonly D[]; count: LongDocCount } {
  let long = 0;
  let longest = 0;
  for (const d of docs) {
    const n = docLength(d);
    longest = Math.max(longest, n);
    if (n > maxDocTokens) long++;
  }
  if (long === 0 || policy === 'alone') return { docs, count: { long, truncated: 0, longest } };
  return { docs: docs.map((d) => truncateDoc(d, maxDocTokens)), count: { long, truncated: long, longest } };
}
