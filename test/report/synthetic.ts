// Hand-shaped erasure results for the report's tests: a document is described by the few numbers a
// test cares about, and every other field gets a consistent filler value.
import { RANKING_NAMES, TOP_ITEM_RANKINGS } from '../../src/erasure/types.ts';
import type { DocumentResult, FlipStatus, MultiWeightRecord, RankingName, SingleWeightRecord } from '../../src/erasure/types.ts';

export interface DocSketch {
  n: number;
  /** Attention single-weight test: ΔJS and whether erasing i* / r flips. */
  deltaJs?: number;
  deltaAlpha?: number;
  flipTop?: boolean;
  flipOther?: boolean;
  /** Erasures until the flip per ranking (null: never flips); missing rankings get n. */
  erased?: Partial<Record<RankingName, number | null>>;
  /** Items erased by the exact minimal set (null: never flips); default: min of `erased`. */
  minimal?: number | null;
  /** Attention mass erased, as a share of the erased fraction (default 1: mass = fraction). */
  massPerFraction?: number;
}

export function makeDocument(index: number, s: DocSketch): DocumentResult {
  const erasedOf = (r: RankingName): number | null => (s.erased && r in s.erased ? s.erased[r]! : s.n);
  const flipping = RANKING_NAMES.map(erasedOf).filter((k): k is number => k !== null);
  const minimal = s.minimal !== undefined ? s.minimal : flipping.length ? Math.min(...flipping) : null;
  const single = (ranking: (typeof TOP_ITEM_RANKINGS)[number]): SingleWeightRecord | null => {
    if (s.n < 2) return null;
    const deltaAlpha = s.deltaAlpha ?? 0.3;
    const deltaJs = s.deltaJs ?? 0.01;
    const jsOther = 0.01;
    return {
      ranking,
      top: 0,
      other: 1,
      alphaTop: 0.5,
      alphaOther: 0.5 - deltaAlpha,
      jsTop: jsOther + deltaJs,
      jsOther,
      deltaAlpha,
      deltaJs,
      flipTop: s.flipTop ?? false,
      flipOther: s.flipOther ?? false,
    };
  };
  const multiRecord = (ranking: RankingName, permutation: number): MultiWeightRecord => {
    const k = erasedOf(ranking);
    if (s.n < 2) return excluded(ranking, permutation, 'single_item');
    if (k === null) return excluded(ranking, permutation, 'never_flips');
    const status: FlipStatus = k === s.n ? 'zero_vector' : 'flipped';
    return {
      ranking,
      permutation,
      status,
      erased: k,
      fraction: k / s.n,
      massErased: Math.min(1, (k / s.n) * (s.massPerFraction ?? 1)),
      flipsTo: 1,
      extraOverMinimal: minimal === null ? null : k - minimal,
    };
  };
  const multi = Object.fromEntries(
    RANKING_NAMES.map((r) => [r, Array.from({ length: r === 'random' ? 5 : 1 }, (_, p) => multiRecord(r, p))]),
  ) as Record<RankingName, MultiWeightRecord[]>;
  const minStatus: FlipStatus = s.n < 2 ? 'single_item' : minimal === null ? 'never_flips' : minimal === s.n ? 'zero_vector' : 'flipped';
  const kept = minStatus === 'flipped' || minStatus === 'zero_vector';
  return {
    docId: `d${index}`,
    index,
    label: 0,
    predicted: 0,
    n: s.n,
    confidence: 0.9,
    single: { attention: single('attention'), gradient: single('gradient'), gradient_x_attention: single('gradient_x_attention') },
    multi,
    minimal: {
      status: minStatus,
      size: kept ? minimal : null,
      fraction: kept ? minimal! / s.n : null,
      massErased: kept ? minimal! / s.n : null,
      flipsTo: kept ? 1 : null,
    },
  };
}

function excluded(ranking: RankingName, permutation: number, status: FlipStatus): MultiWeightRecord {
  return { ranking, permutation, status, erased: null, fraction: null, massErased: null, flipsTo: null, extraOverMinimal: null };
}
