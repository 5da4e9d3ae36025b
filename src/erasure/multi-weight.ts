// Multi-weight tests (docs/method.md §7): erase in ranking order until the first flip; record what it took.
import { firstFlip, type FirstFlip } from './erase.ts';
import type { MinimalFlipSet } from './minimal.ts';
import type { AnyRankingName, DocumentContext, MultiWeightRecord } from './types.ts';

export function multiWeightTest(
  doc: DocumentContext,
  ranking: AnyRankingName,
  permutation: number,
  order: ArrayLike<number>,
  minimal: MinimalFlipSet,
  /** The first flip along `order` when already computed (a backend's firstFlips over all orders). */
  computed?: FirstFlip,
): MultiWeightRecord {
  const excluded = { erased: null, fraction: null, massErased: null, flipsTo: null, extraOverMinimal: null };
  if (doc.n < 2) return { ranking, permutation, status: 'single_item', ...excluded };
  const flip = computed ?? (doc.backend ? doc.backend.firstFlip(order) : firstFlip(doc, order));
  if (flip.erased === null) return { ranking, permutation, status: 'never_flips', ...excluded };
  return {
    ranking,
    permutation,
    status: flip.zeroVector ? 'zero_vector' : 'flipped',
    erased: flip.erased,
    fraction: flip.erased / doc.n,
    massErased: flip.massErased,
    flipsTo: flip.flipsTo,
    extraOverMinimal: minimal.size === null ? null : flip.erased - minimal.size,
  };
}
