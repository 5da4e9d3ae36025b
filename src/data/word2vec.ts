// Word vectors for a prepared data set (docs/method.md §1): word2vec trained on train + dev with negative sampling
// in native/word2vec.cc (CBOW by default, as gensim; skip-gram with sg), 200-d, rows L2-normalised.
// Padding stays zero; <unk> gets a small random vector (counted as missing): it is never a training word.
import { availableParallelism } from 'node:os';
import { native } from '../torch/native.ts';
import { Rng } from '../util/rng.ts';
import { PAD_ID, UNK_ID } from './prepare.ts';
import type { Dataset } from './dataset.ts';

export interface Word2VecOptions {
  dim?: number; // 200, as in the paper
  window?: number; // 5 (gensim's default)
  negative?: number; // 5
  epochs?: number; // 30 (docs/method.md §1)
  alpha?: number; // 0.025 -> minAlpha 0.0001, linear
  minAlpha?: number;
  sample?: number; // 1e-3 subsampling of frequent words
  sg?: boolean; // skip-gram instead of CBOW
  // Default 1: a seed then gives the same vectors every run (and so the same models). More threads (0 = all
  // cores) are faster, Hogwild, and not bit-reproducible: the threads race on the shared vectors.
  threads?: number;
  seed?: number;
  /** Called after each epoch (progress for long runs); not a setting, so not part of any cache key. */
  onEpoch?: (done: number, epochs: number) => void;
}

/** Word vectors, one row per vocabulary id (row 0 = padding = zeros). */
export interface WordVectors {
  dim: number;
  values: Float32Array; // (V, dim) row-major
  /** Vocabulary rows that got a small random vector instead of a learned / looked-up one. */
  missing: number;
  source: string;
}

export const WORD2VEC_DEFAULTS: Required<Omit<Word2VecOptions, 'onEpoch'>> = {
  dim: 200, window: 5, negative: 5, epochs: 30, alpha: 0.025, minAlpha: 0.0001, sample: 1e-3, sg: false, threads: 1, seed: 1,
};

/** Defaults filled in; an option given as undefined (an absent CLI flag) keeps its default. */
export function word2vecSettings(opts: Word2VecOptions): typeof WORD2VEC_DEFAULTS {
  const o = { ...WORD2VEC_DEFAULTS };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && k in o) (o as Record<string, unknown>)[k] = v;
  return o;
}

export interface TrainStats {
  /** Words processed (all epochs, before subsampling). */
  words: number;
  seconds: number;
}

/** Raw word2vec over a token stream (ids below 2, i.e. padding and UNK, are skipped): syn0, not normalised. */
export async function trainWord2VecRaw(tokens: Int32Array, sentOffsets: Int32Array, vocabSize: number, opts: Word2VecOptions = {}): Promise<{ values: Float32Array; stats: TrainStats }> {
  const o = word2vecSettings(opts);
  const threads = o.threads > 0 ? o.threads : availableParallelism();
  const values = new Float32Array(vocabSize * o.dim);
  const stats = await native.word2vecTrain(tokens, sentOffsets, vocabSize, values, { ...o, threads, ignoreBelow: UNK_ID + 1, onEpoch: opts.onEpoch });
  return { values, stats };
}

/** Train + dev as one corpus (sentence offsets rebased). */
export function trainDevCorpus(ds: Dataset): { tokens: Int32Array; sentOffsets: Int32Array } {
  const a = ds.train;
  const b = ds.dev;
  const tokens = new Int32Array(a.tokens.length + b.tokens.length);
  tokens.set(a.tokens);
  tokens.set(b.tokens, a.tokens.length);
  const na = a.sentOffsets.length - 1;
  const sentOffsets = new Int32Array(na + b.sentOffsets.length);
  sentOffsets.set(a.sentOffsets.subarray(0, na));
  for (let j = 0; j < b.sentOffsets.length; j++) sentOffsets[na + j] = b.sentOffsets[j]! + a.tokens.length;
  return { tokens, sentOffsets };
}

export async function word2vecVectors(ds: Dataset, opts: Word2VecOptions = {}): Promise<WordVectors & { stats: TrainStats }> {
  const o = word2vecSettings(opts);
  const { tokens, sentOffsets } = trainDevCorpus(ds);
  const { values, stats } = await trainWord2VecRaw(tokens, sentOffsets, ds.vocab.length, { ...o, onEpoch: opts.onEpoch });
  normaliseRows(values, o.dim);
  const rng = new Rng(o.seed);
  values.fill(0, PAD_ID * o.dim, (PAD_ID + 1) * o.dim);
  fillSmallRandom(values, UNK_ID, o.dim, rng);
  return { dim: o.dim, values, missing: 1, source: `word2vec ${o.sg ? 'skip-gram' : 'CBOW'} ${o.dim}-d, ${o.epochs} epochs, train+dev`, stats };
}

/** Scales each row to unit L2 norm (all-zero rows stay zero). */
export function normaliseRows(values: Float32Array, dim: number): void {
  for (let r = 0; r < values.length / dim; r++) {
    let s = 0;
    for (let k = r * dim; k < (r + 1) * dim; k++) s += values[k]! * values[k]!;
    if (s === 0) continue;
    const inv = 1 / Math.sqrt(s);
    for (let k = r * dim; k < (r + 1) * dim; k++) values[k]! *= inv;
  }
}

/** A small random vector (normal, s.d. 0.01) for a row with no learned value. */
export function fillSmallRandom(values: Float32Array, row: number, dim: number, rng: Rng): void {
  for (let k = 0; k < dim; k++) values[row * dim + k] = 0.01 * rng.normal();
}
