// Padded batch tensors, the inputs of reference/torch_models.py (all int64, padding id 0):
//   FLAN: tokens (B, L), lengths (B) >= 1
//   HAN:  tokens (B, S, T), sentLengths (B, S) (0 for padding sentences), sentCounts (B) >= 1
// A document arrives as its sentences of token ids; FLAN reads their concatenation. (torch.tensor makes
// int64 tensors from Int32Array.)
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';

/** One document as the models read it: token ids (>= 1) per sentence, sentences in order. */
export interface TokenDoc {
  sentences: readonly Int32Array[];
}

export interface FlanBatch {
  family: 'flan';
  tokens: Tensor; // (B, L) int64
  lengths: Tensor; // (B) int64
}

export interface HanBatch {
  family: 'han';
  tokens: Tensor; // (B, S, T) int64
  sentLengths: Tensor; // (B, S) int64
  sentCounts: Tensor; // (B) int64
}

export type Batch = FlanBatch | HanBatch;
export type Family = Batch['family'];

/** Tokens in a document (FLAN's sequence length). */
export function docLength(doc: TokenDoc): number {
  let n = 0;
  for (const s of doc.sentences) n += s.length;
  return n;
}

/** Real sentences (HAN's upper sequence): empty sentences are skipped. */
export function realSentences(doc: TokenDoc): Int32Array[] {
  return doc.sentences.filter((s) => s.length > 0);
}

/** The number of items the FINAL attention layer sees: words for FLAN, sentences for HAN. */
export function itemCount(family: Family, doc: TokenDoc): number {
  return family === 'flan' ? docLength(doc) : realSentences(doc).length;
}

function emptyDoc(i: number): Error {
  return new Error(`batch: document ${i} has no tokens (empty documents must be dropped before batching)`);
}

export function flanBatch(docs: readonly TokenDoc[]): FlanBatch {
  const B = docs.length;
  const lens = docs.map(docLength);
  const L = Math.max(1, ...lens);
  const tokens = new Int32Array(B * L);
  const lengths = new Int32Array(B);
  docs.forEach((doc, b) => {
    if (lens[b] === 0) throw emptyDoc(b);
    let t = b * L;
    for (const s of doc.sentences) for (const id of s) tokens[t++] = id;
    lengths[b] = lens[b]!;
  });
  return { family: 'flan', tokens: torch.tensor(tokens, [B, L]), lengths: torch.tensor(lengths, [B]) };
}

export function hanBatch(docs: readonly TokenDoc[]): HanBatch {
  const B = docs.length;
  const sents = docs.map(realSentences);
  const S = Math.max(1, ...sents.map((s) => s.length));
  const T = Math.max(1, ...sents.flatMap((ss) => ss.map((s) => s.length)));
  const tokens = new Int32Array(B * S * T);
  const sentLengths = new Int32Array(B * S);
  const sentCounts = new Int32Array(B);
  sents.forEach((ss, b) => {
    if (ss.length === 0) throw emptyDoc(b);
    ss.forEach((s, j) => {
      const base = (b * S + j) * T;
      for (let t = 0; t < s.length; t++) tokens[base + t] = s[t]!;
      sentLengths[b * S + j] = s.length;
    });
    sentCounts[b] = ss.length;
  });
  return {
    family: 'han',
    tokens: torch.tensor(tokens, [B, S, T]),
    sentLengths: torch.tensor(sentLengths, [B, S]),
    sentCounts: torch.tensor(sentCounts, [B]),
  };
}

export function makeBatch(family: Family, docs: readonly TokenDoc[]): Batch {
  return family === 'flan' ? flanBatch(docs) : hanBatch(docs);
}
