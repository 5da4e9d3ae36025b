// Per-document, per-purpose generators derived from the run seed (SPEC §7.5). Deriving by position
// instead of drawing from one running stream keeps a chunked or resumed run identical to a run in
// one go, and adding a ranking does not shift another ranking's draws.
import { Rng } from '../util/rng.ts';

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

/** Purposes, so each random choice of a document has its own stream. */
export const STREAM = { ranking: 1, singleWeight: 2, sample: 3 } as const;
