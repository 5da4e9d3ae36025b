// Single-weight tests (docs/method.md §6, §9): erase the top item i* of a ranking, or one item r drawn uniformly
// from the other n − 1, and compare JS divergences and decision flips.
import type { Rng } from '../util/rng.ts';
import { leaveOneOutOf } from './erase.ts';
import { jsDivergence, softmax } from './math.ts';
import type { DocumentContext, SingleWeightRecord, TopItemRankingName } from './types.ts';

/** r uniformly from the items other than `top` (docs/method.md §10.1: never `top` itself, position 0 possible). */
export function drawOther(n: number, top: number, rng: Rng): number {
  const j = rng.int(n - 1);
  return j >= top ? j + 1 : j;
}

/** The single-weight record for the ranking's top item; null when n < 2. */
export function singleWeightTest(
  doc: DocumentContext,
  ranking: TopItemRankingName,
  top: number,
  rng: Rng,
): SingleWeightRecord | null {
  if (doc.n < 2) return null;
  const other = drawOther(doc.n, top, rng);
  const { logits, decisions } = leaveOneOutOf(doc);
  const C = doc.C;
  const jsTop = jsDivergence(doc.p, softmax(logits.subarray(top * C, top * C + C)));
  const jsOther = jsDivergence(doc.p, softmax(logits.subarray(other * C, other * C + C)));
  const alphaTop = doc.alpha[top]!;
  const alphaOther = doc.alpha[other]!;
  return {
    ranking,
    top,
    other,
    alphaTop,
    alphaOther,
    jsTop,
    jsOther,
    deltaAlpha: alphaTop - alphaOther,
    deltaJs: jsTop - jsOther,
    flipTop: decisions[top] !== doc.predicted,
    flipOther: decisions[other] !== doc.predicted,
  };
}
