// Every seed attnlab derives from a run's seed, in one place (docs/method.md §10.5). Deriving by position
// (seed, epoch or document, purpose) instead of drawing from one running stream keeps a resumed or chunked
// run identical to a run in one go, and adding a purpose does not shift another one's draws.
//
// Two mixes, both kept bit-for-bit so that trained models and erasure results stay reproducible:
// training seeds libtorch per (epoch, purpose) with epochSeed; the erasure tests seed an Rng per
// (document, purpose, ...) with derivedRng. They mix differently, so equal keys in the two never meet.
import { Rng } from './rng.ts';

/** The purposes a derived seed serves, each with the key it mixes in. */
export const STREAM = {
  // training (epochSeed): weight initialisation, batch order, dropout masks, the sample of training documents
  init: 0,
  batches: 1,
  dropout: 2,
  sample: 3, // also the erasure run's sample of test documents (derivedRng)
  // erasure (derivedRng): random rankings, the single-weight test's random item
  ranking: 1,
  singleWeight: 2,
  test: 3, // the per-document tests of erasure/tests/index.ts, one sub-stream per table position
} as const;

/** A 32-bit seed for (seed, epoch, stream): independent streams per epoch make resuming a training run exact. */
export function epochSeed(seed: number, epoch: number, stream: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const v of [epoch, stream]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** A generator for (seed, keys...): a 32-bit hash of the keys (murmur3 finaliser after each mix). */
export function derivedRng(seed: number, ...keys: number[]): Rng {
  let h = seed >>> 0;
  for (const key of keys) {
    h = Math.imul(h ^ (key >>> 0), 0x9e3779b1) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return new Rng(h >>> 0);
}
