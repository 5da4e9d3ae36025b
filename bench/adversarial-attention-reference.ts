// THE REFERENCE for bench/adversarial-speed.bench.ts: src/erasure/tests/adversarial-attention.ts's linear-path
// search as it was on main 0217451, before the speed work (issue 13), kept verbatim but for its import paths and
// without the DocumentTest entry. Not used by attnlab itself; do not edit (the bench compares against it).
// Adversarial attention (Jain & Wallace 2019 §4.2.2; docs/faithfulness.md §4.3): the attention distribution
// alpha' farthest from alpha by JS divergence whose output stays within epsilon of the original,
// TVD(p(alpha'), p) <= epsilon, on the final layer's fast path p(alpha') = softmax(sum_i alpha'_i z_i + b).
// An augmented Lagrangian over the one inequality, minimised by Adam on alpha' projected onto the simplex with
// the closed-form gradients in double precision, from several starts (towards vertices, along edges, random,
// and rays from alpha); each end point is pulled back towards alpha into the constraint and slid along its
// boundary. Only points whose TVD was computed and found <= epsilon are answers, and the answer's TVD is
// recomputed at the end (never assumed). Maximising a convex JS over the feasible set has local maxima:
// the brute-force test (n = 2, 3) shows the starts find the global one there.
import { jsDivergence, softmax } from '../src/erasure/math.ts';
import type { DocumentContext } from '../src/erasure/types.ts';
import type { Rng } from '../src/util/rng.ts';
import { outputFor, totalVariation } from '../src/erasure/tests/permutation.ts';

/** Their epsilon for text classification. */
export const EPSILON = 0.01;

export interface AdversarialOptions {
  epsilon: number;
  /**
   * Starts from the segments towards the vertices: for every item j the point alpha + t (e_j − alpha) with
   * the largest feasible t (O(C) per bisection step, since the logits are linear in t); the `vertexStarts`
   * of them farthest from alpha by JS are refined.
   */
  vertexStarts: number;
  /**
   * Edge starts: among the `edgeItems` items of the best vertex starts, on every edge s e_j + (1 − s) e_k of
   * the simplex, the feasible point of EDGE_POINTS evenly spaced ones farthest from alpha (an optimum with a
   * two-item support, which every two-class model's optimum has, lies on such an edge). O(C) per point.
   */
  edgeItems: number;
  /** Further starts from softmax(spread · N(0, 1)) (their code: uniform logits plus Gaussian noise of sd 3). */
  randomStarts: number;
  /** Augmented-Lagrangian rounds per start, Adam steps per round. */
  rounds: number;
  steps: number;
  /** Adam step size on alpha' (each step is projected back onto the simplex). */
  learningRate: number;
  /** Initial penalty rho, multiplied by `rhoGrowth` after each round. */
  rho: number;
  rhoGrowth: number;
  spread: number;
  /**
   * Ray starts: `rays` random targets softmax(3 · N(0, 1)), each pulled back along the segment from alpha to
   * the constraint (O(C) per bisection step once the target's logits are known); the `rayKeep` farthest
   * from alpha are slid along the boundary like the other starts' end points.
   */
  rays: number;
  rayKeep: number;
  /** Tries of the boundary slide (slideAlongBoundary) from each start's end point. */
  slideSteps: number;
}

export const ADVERSARIAL_OPTIONS: AdversarialOptions = {
  epsilon: EPSILON,
  vertexStarts: 4,
  edgeItems: 4,
  randomStarts: 8,
  rounds: 5,
  steps: 40,
  learningRate: 0.05,
  rho: 100,
  rhoGrowth: 2,
  spread: 3,
  slideSteps: 200,
  rays: 64,
  rayKeep: 4,
};

/** Halvings of the pull-back bisection along alpha + t (alpha' − alpha). */
const PULL_BACK_HALVINGS = 50;

export interface AdversarialResult {
  /** The most different feasible distribution found. */
  alpha: Float64Array;
  /** JS(alpha', alpha) in nats. */
  js: number;
  /** TVD(p(alpha'), p), recomputed: <= epsilon. */
  tvd: number;
  /** TVD <= epsilon, recomputed from scratch at the answer (a check: false would be a bug, and is counted). */
  constraintMet: boolean;
}

/** The adversarial search on one document (n >= 1; n = 1 has only alpha itself). */
export function adversarialAttention(doc: DocumentContext, rng: Rng, opts: AdversarialOptions = ADVERSARIAL_OPTIONS): AdversarialResult {
  const { n, C, z, alpha } = doc;
  const eps = opts.epsilon;
  const logits = new Float64Array(C);
  const q = new Float64Array(C);
  const w = new Float64Array(n); // the iterate, on the simplex
  const grad = new Float64Array(n);
  const dx = new Float64Array(C);
  const m1 = new Float64Array(n);
  const m2 = new Float64Array(n);
  const tvdOf = (v: Float64Array): number => totalVariation(doc.p, outputFor(doc, v, logits, q));

  let best: AdversarialResult = { alpha: Float64Array.from(alpha), js: 0, tvd: tvdOf(alpha), constraintMet: true };
  // Only points whose TVD was just computed and is <= epsilon become answers.
  const consider = (v: Float64Array, tvd: number): void => {
    if (!(tvd <= eps)) return;
    const js = jsDivergence(v, alpha);
    if (js > best.js) best = { alpha: Float64Array.from(v), js, tvd, constraintMet: true };
  };
  const slideFrom = (v: Float64Array): void => {
    const slid = slideAlongBoundary(doc, v, inside, tvdOf, opts.slideSteps);
    consider(slid, tvdOf(slid));
  };

  // The bisections aim a hair inside epsilon: the same point summed in another order can round past it.
  const inside = eps * (1 - 1e-9);
  const vertices = vertexStartPoints(doc, inside, Math.max(opts.vertexStarts, opts.edgeItems));
  const starts = [
    ...vertices.slice(0, opts.vertexStarts).filter((v) => v.js > 0).map((v) => v.w),
    ...edgeStartPoints(doc, inside, vertices.slice(0, opts.edgeItems).map((v) => v.item)),
  ];
  for (const v of starts) consider(v, tvdOf(v));
  for (let start = 0; start < starts.length + opts.randomStarts; start++) {
    const from = starts[start];
    if (from) w.set(from);
    else {
      for (let i = 0; i < n; i++) w[i] = opts.spread * rng.normal();
      softmax(w, w);
    }
    m1.fill(0);
    m2.fill(0);
    let t = 0;
    let lambda = 0;
    let rho = opts.rho;
    for (let round = 0; round < opts.rounds; round++) {
      for (let step = 0; step < opts.steps; step++) {
        const tvd = tvdOf(w); // also leaves p(w) in q
        consider(w, tvd);
        // The penalty's weight c = max(0, lambda + rho (tvd − eps)); d TVD / d x'_k = q_k (s_k − Σ_l q_l s_l).
        const c = Math.max(0, lambda + rho * (tvd - eps));
        if (c > 0) {
          let ps = 0;
          for (let k = 0; k < C; k++) ps += q[k]! * 0.5 * Math.sign(q[k]! - doc.p[k]!);
          for (let k = 0; k < C; k++) dx[k] = q[k]! * (0.5 * Math.sign(q[k]! - doc.p[k]!) - ps);
        }
        for (let i = 0; i < n; i++) {
          const wi = w[i]!;
          // d(−JS)/d w_i = −½ log(w_i / m_i), m = (w + alpha) / 2 (bounded at w_i = 0 by a floor of 1e-12).
          let g = -0.5 * Math.log((2 * Math.max(wi, 1e-12)) / (wi + alpha[i]!));
          if (c > 0) {
            let gt = 0;
            for (let k = 0; k < C; k++) gt += z[i * C + k]! * dx[k]!;
            g += c * gt;
          }
          grad[i] = g;
        }
        t++;
        const c1 = 1 - 0.9 ** t;
        const c2 = 1 - 0.999 ** t;
        for (let i = 0; i < n; i++) {
          const gi = grad[i]!;
          m1[i] = 0.9 * m1[i]! + 0.1 * gi;
          m2[i] = 0.999 * m2[i]! + 0.001 * gi * gi;
          w[i]! -= (opts.learningRate * (m1[i]! / c1)) / (Math.sqrt(m2[i]! / c2) + 1e-12);
        }
        projectOntoSimplex(w);
      }
      lambda = Math.max(0, lambda + rho * (tvdOf(w) - eps));
      rho *= opts.rhoGrowth;
    }
    // The end point: inside the constraint as it is, or pulled back along the segment towards alpha; then
    // slid along the constraint's boundary to a local maximum there.
    slideFrom(tvdOf(w) <= inside ? Float64Array.from(w) : pullBack(doc, w, inside, tvdOf).alpha);
  }
  for (const v of rayStartPoints(doc, inside, rng, opts.rays, opts.rayKeep)) slideFrom(v);
  // Verification from scratch: the answer's TVD recomputed by the plain formula.
  const check = totalVariation(doc.p, outputFor(doc, best.alpha));
  return { ...best, tvd: check, constraintMet: check <= eps };
}

/** The `keep` farthest (by JS) of `rays` boundary points on segments from alpha towards random targets. */
function rayStartPoints(doc: DocumentContext, inside: number, rng: Rng, rays: number, keep: number): Float64Array[] {
  const { n, C, alpha, logits: x } = doc;
  const target = new Float64Array(n);
  const xt = new Float64Array(C);
  const y = new Float64Array(C);
  const q = new Float64Array(C);
  const found: { w: Float64Array; js: number }[] = [];
  for (let r = 0; r < rays; r++) {
    for (let i = 0; i < n; i++) target[i] = 3 * rng.normal();
    softmax(target, target);
    outputFor(doc, target, xt, q);
    // xt now holds the target's logits (outputFor leaves them in its logits argument).
    const feasible = (t: number): boolean => {
      for (let k = 0; k < C; k++) y[k] = x[k]! + t * (xt[k]! - x[k]!);
      return totalVariation(doc.p, softmax(y, q)) <= inside;
    };
    let lo = 0;
    let hi = 1;
    if (feasible(1)) lo = 1;
    else
      for (let h = 0; h < PULL_BACK_HALVINGS; h++) {
        const mid = 0.5 * (lo + hi);
        if (feasible(mid)) lo = mid;
        else hi = mid;
      }
    if (lo === 0) continue;
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = alpha[i]! + lo * (target[i]! - alpha[i]!);
    found.push({ w, js: jsDivergence(w, alpha) });
  }
  found.sort((u, v) => v.js - u.js);
  return found.slice(0, keep).map((f) => f.w);
}

/**
 * A feasible-direction ascent of JS(., alpha) from a feasible w: step along the JS gradient made tangent to
 * the constraint (orthogonal to the TVD gradient and to the all-ones vector, no mass taken from an item at
 * 0), clip to the simplex, pull back along the segment from alpha into the constraint, keep the step if JS
 * grew (step × 1.5) and halve it otherwise; stops after `steps` tries or once the step is below 1e-12.
 * Every accepted point is feasible, so JS never decreases.
 */
function slideAlongBoundary(doc: DocumentContext, start: Float64Array, inside: number, tvdOf: (w: Float64Array) => number, steps: number): Float64Array {
  const { n, C, z, alpha } = doc;
  let w: Float64Array = Float64Array.from(start);
  let js = jsDivergence(w, alpha);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const dx = new Float64Array(C);
  const trial = new Float64Array(n);
  const free = new Uint8Array(n);
  const q = new Float64Array(C);
  const logits = new Float64Array(C);
  let step = 0.05;
  for (let it = 0; it < steps && step > 1e-12; it++) {
    outputFor(doc, w, logits, q);
    let ps = 0;
    for (let k = 0; k < C; k++) ps += q[k]! * 0.5 * Math.sign(q[k]! - doc.p[k]!);
    for (let k = 0; k < C; k++) dx[k] = q[k]! * (0.5 * Math.sign(q[k]! - doc.p[k]!) - ps);
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      g[i] = 0.5 * Math.log((2 * Math.max(wi, 1e-12)) / (wi + alpha[i]!));
      let t = 0;
      for (let k = 0; k < C; k++) t += z[i * C + k]! * dx[k]!;
      h[i] = t;
    }
    // Free coordinates, fixed before centring: an item at 0 whose gradient would take mass from it stays at 0.
    let count = 0;
    for (let i = 0; i < n; i++) {
      free[i] = w[i]! > 0 || g[i]! > 0 ? 1 : 0;
      count += free[i]!;
    }
    const centre = (v: Float64Array): void => {
      let sum = 0;
      for (let i = 0; i < n; i++) if (free[i]) sum += v[i]!;
      for (let i = 0; i < n; i++) v[i] = free[i] ? v[i]! - sum / count : 0;
    };
    centre(g);
    centre(h);
    let gh = 0;
    let hh = 0;
    for (let i = 0; i < n; i++) {
      gh += g[i]! * h[i]!;
      hh += h[i]! * h[i]!;
    }
    // On the boundary (TVD at epsilon) move along it; inside it, straight up the gradient.
    const onBoundary = tvdOf(w) > inside * (1 - 1e-6);
    if (onBoundary && hh > 0) for (let i = 0; i < n; i++) g[i]! -= (gh / hh) * h[i]!;
    let norm = 0;
    for (let i = 0; i < n; i++) norm += g[i]! * g[i]!;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-15)) break;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      trial[i] = Math.max(0, w[i]! + (step * g[i]!) / norm);
      sum += trial[i]!;
    }
    for (let i = 0; i < n; i++) trial[i] = trial[i]! / sum;
    const next = tvdOf(trial) <= inside ? Float64Array.from(trial) : pullBack(doc, trial, inside, tvdOf).alpha;
    const nextJs = jsDivergence(next, alpha);
    if (nextJs > js) {
      w = next;
      js = nextJs;
      step *= 1.5;
    } else step *= 0.5;
  }
  return w;
}

/** The Euclidean projection of u onto the simplex, in place: max(u_i − tau, 0) with the sort-based tau. */
export function projectOntoSimplex(u: Float64Array): void {
  const s = Float64Array.from(u).sort().reverse();
  let sum = 0;
  let tau = 0;
  for (let j = 0; j < s.length; j++) {
    sum += s[j]!;
    const t = (sum - 1) / (j + 1);
    if (s[j]! - t > 0) tau = t;
  }
  for (let i = 0; i < u.length; i++) u[i] = Math.max(u[i]! - tau, 0);
}

/**
 * For every item j, the point alpha + t_j (e_j − alpha) with the largest t_j in [0, 1] whose TVD is <= eps
 * (bisection; along the segment the logits are x + t (z_j + b − x), so a step costs O(C)); the `count` of
 * them with the largest JS(., alpha), best first.
 */
export function vertexStartPoints(doc: DocumentContext, eps: number, count: number): { w: Float64Array; js: number; item: number }[] {
  const { n, C, z, b, alpha, logits: x } = doc;
  const y = new Float64Array(C);
  const q = new Float64Array(C);
  const tvdAt = (j: number, t: number): number => {
    for (let k = 0; k < C; k++) y[k] = x[k]! + t * (z[j * C + k]! + b[k]! - x[k]!);
    return totalVariation(doc.p, softmax(y, q));
  };
  const candidates: { w: Float64Array; js: number; item: number }[] = [];
  for (let j = 0; j < n; j++) {
    let lo = 0;
    let hi = 1;
    if (tvdAt(j, 1) <= eps) lo = 1;
    else
      for (let h = 0; h < PULL_BACK_HALVINGS; h++) {
        const mid = 0.5 * (lo + hi);
        if (tvdAt(j, mid) <= eps) lo = mid;
        else hi = mid;
      }
    // lo = 0 (not even a step towards e_j is feasible) still names an item for the edge starts.
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = (1 - lo) * alpha[i]! + (i === j ? lo : 0);
    candidates.push({ w, js: jsDivergence(w, alpha), item: j });
  }
  candidates.sort((u, v) => v.js - u.js);
  return candidates.slice(0, count);
}

/** Evenly spaced points per edge of edgeStartPoints (ends included). */
const EDGE_POINTS = 101;

/** Per pair of `items`, the feasible point of the edge between their vertices farthest from alpha, if any. */
export function edgeStartPoints(doc: DocumentContext, eps: number, items: readonly number[]): Float64Array[] {
  const { n, C, z, b, alpha } = doc;
  const y = new Float64Array(C);
  const q = new Float64Array(C);
  const out: Float64Array[] = [];
  const w = new Float64Array(n);
  for (let u = 0; u < items.length; u++)
    for (let v = u + 1; v < items.length; v++) {
      const j = items[u]!;
      const k = items[v]!;
      let bestJs = -1;
      let bestS = -1;
      for (let e = 0; e < EDGE_POINTS; e++) {
        const s = e / (EDGE_POINTS - 1);
        for (let c = 0; c < C; c++) y[c] = s * z[j * C + c]! + (1 - s) * z[k * C + c]! + b[c]!;
        if (totalVariation(doc.p, softmax(y, q)) > eps) continue;
        w.fill(0);
        w[j] = s;
        w[k] = 1 - s;
        const js = jsDivergence(w, alpha);
        if (js > bestJs) {
          bestJs = js;
          bestS = s;
        }
      }
      if (bestS < 0) continue;
      // The grid's best point, pushed by bisection to the constraint's boundary towards either neighbour.
      const feasible = (t: number): boolean => {
        for (let c = 0; c < C; c++) y[c] = t * z[j * C + c]! + (1 - t) * z[k * C + c]! + b[c]!;
        return totalVariation(doc.p, softmax(y, q)) <= eps;
      };
      const jsAt = (t: number): number => {
        w.fill(0);
        w[j] = t;
        w[k] = 1 - t;
        return jsDivergence(w, alpha);
      };
      for (const dir of [-1, 1]) {
        let lo = bestS;
        let hi = Math.min(1, Math.max(0, bestS + dir / (EDGE_POINTS - 1)));
        if (hi === lo || feasible(hi)) continue;
        for (let h = 0; h < PULL_BACK_HALVINGS; h++) {
          const mid = 0.5 * (lo + hi);
          if (feasible(mid)) lo = mid;
          else hi = mid;
        }
        const js = jsAt(lo);
        if (js > bestJs) {
          bestJs = js;
          bestS = lo;
        }
      }
      const start = new Float64Array(n);
      start[j] = bestS;
      start[k] = 1 - bestS;
      out.push(start);
    }
  return out;
}

/**
 * The point alpha + t (target − alpha) with the largest t in [0, 1] found by bisection whose TVD is <= eps.
 * Along the segment the logits are x + t (x_target − x): one O(n C) product, then O(C) per halving.
 */
function pullBack(doc: DocumentContext, target: Float64Array, eps: number, tvdOf: (w: Float64Array) => number): { alpha: Float64Array; tvd: number } {
  const { alpha, n, C, logits: x } = doc;
  const xt = new Float64Array(C);
  outputFor(doc, target, xt);
  const y = new Float64Array(C);
  const q = new Float64Array(C);
  const feasible = (t: number): boolean => {
    for (let k = 0; k < C; k++) y[k] = x[k]! + t * (xt[k]! - x[k]!);
    return totalVariation(doc.p, softmax(y, q)) <= eps;
  };
  let lo = 0;
  let hi = 1;
  for (let h = 0; h < PULL_BACK_HALVINGS; h++) {
    const mid = 0.5 * (lo + hi);
    if (feasible(mid)) lo = mid;
    else hi = mid;
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = alpha[i]! + lo * (target[i]! - alpha[i]!);
  // The caller's plain formula decides: a point the linear shortcut rounds inside but the sum does not is 0.
  const tvd = tvdOf(w);
  return tvd <= eps ? { alpha: w, tvd } : { alpha: Float64Array.from(alpha), tvd: tvdOf(alpha) };
}
