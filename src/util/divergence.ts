// Distances between two probability vectors (plain arrays, no tensors), shared by the erasure tests
// (src/erasure) and the adversarial training's comparison (src/train): one definition of each, so the
// JS and TVD a report shows mean the same thing wherever they were measured. Definitions:
// docs/method.md §4 (JS), docs/faithfulness.md (TVD).

/**
 * JS(p, q) = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2, natural log; terms with a zero
 * probability contribute 0 (the limit of t log t). Result in [0, ln 2].
 */
export function jsDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < p.length; k++) {
    const a = p[k]!;
    const b = q[k]!;
    const m = 0.5 * (a + b);
    if (a > 0) s += a * Math.log(a / m);
    if (b > 0) s += b * Math.log(b / m);
  }
  // Rounding can leave a tiny negative value when p = q.
  return Math.max(0, 0.5 * s);
}

/** Total variation distance ½ Σ_k |p_k − q_k|, in [0, 1]. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < p.length; k++) s += Math.abs(p[k]! - q[k]!);
  return 0.5 * s;
}
