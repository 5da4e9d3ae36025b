// Single-weight tests (SPEC §5, §8): erase the top item i* of a ranking, or one item r drawn uniformly
// from the other n − 1, and compare JS divergences and decision flips.
import type { Rng } from '../util/rng.ts';
import { keptDecision, keptLogits } from './erase.ts';
import { jsDivergence, softmax } from './math.ts';
import type { DocumentContext, SingleWeightRecord, TopItemRankingName } from './types.ts';

/** r uniformly from the items other than `top` (SPEC §7.1: never `top` itself, position 0 possible). */
export function drawOther(n: number, top: number, rng: Rng): number {
  const j = rng.int(n - 1);
  return j >= top ? j + 1 : j;
}

/** Output distribution and decision after erasing item i alone. */
export function eraseOne(doc: DocumentContext, i: number): { q: Float64Array; decision: number } {
  const { n, C, alpha, z, b } = doc;
  const num = new Float64Array(C);
  let mass = 0;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const a = alpha[j]!;
    mass += a;
    for (let k = 0; k < C; k++) num[k] += a * z[j * C + k]!;
  }
  return { q: softmax(keptLogits(num, mass, b)), decision: keptDecision(num, mass, n - 1, b) };
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
  const t = eraseOne(doc, top);
  const r = eraseOne(doc, other);
  const jsTop = jsDivergence(doc.p, t.q);
  const jsOther = jsDivergence(doc.p, r.q);
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
    flipTop: t.decision !== doc.predicted,
    flipOther: r.decision !== doc.predicted,
  };
}
