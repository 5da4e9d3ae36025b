// Adversarial attention (Jain & Wallace 2019 §4.2.2; docs/faithfulness.md §4.3): the attention distribution
// alpha' farthest from alpha by JS divergence whose output stays within epsilon of the original,
// TVD(p(alpha'), p) <= epsilon, on the final layer's fast path p(alpha') = softmax(sum_i alpha'_i z_i + b).
// An augmented Lagrangian over the one inequality, minimised by Adam on alpha' projected onto the simplex with
// the closed-form gradients in double precision, from several starts (towards vertices, along edges, random,
// and rays from alpha); each end point is pulled back towards alpha into the constraint and slid along its
// boundary. Only points whose TVD was computed and found <= epsilon are answers, and the answer's TVD is
// recomputed at the end (never assumed). Maximising a convex JS over the feasible set has local maxima:
// the brute-force test (n = 2, 3) shows the starts find the global one there.
// A transformer backend's document goes to adversarial-transformer.ts (the same search through its rows).
import { jsDivergence, softmax } from '../math.ts';
import { proportion } from '../statistics.ts';
import type { DocumentContext, MedianWithInterval, Proportion } from '../types.ts';
import type { Rng } from '../../util/rng.ts';
import type { DocumentTest } from './document-test.ts';
import { binnedMedians, maxOf, outputFor, totalVariation, type BinnedMedian } from './permutation.ts';
import { adversarialAttentionOfRows } from './adversarial-transformer.ts';

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
  /**
   * Edge starts go on through the augmented Lagrangian and the slide only on documents with n <= this; on
   * longer ones they are candidate answers as they are. On 400 documents of each of five FLAN models
   * (n 114–504) those refinements never ended more than 1e-10 nats above the other starts' best, at a third
   * of the cost; on HAN (n ≈ 8) they did, and cost little (docs/faithfulness.md §4.4).
   */
  refineEdgesUpTo: number;
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
  refineEdgesUpTo: 64,
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

export interface AdversarialRecord {
  maxJs: number;
  tvd: number;
  constraintMet: boolean;
  maxAttention: number;
}

export interface AdversarialSummary {
  epsilon: number;
  documents: number;
  notApplicable: number;
  maxJs: MedianWithInterval;
  byMaxAttention: BinnedMedian[];
  /** Documents whose answer passed the final recomputed check TVD <= epsilon (should be all). */
  constraintMet: Proportion;
  /** The largest recorded TVD (<= epsilon; null: no document). */
  maxTvd: number | null;
}

/**
 * The adversarial search on one document (n >= 1; n = 1 has only alpha itself).
 *
 * Cost (docs/faithfulness.md §4.4): every step is O(n) plus O(C) per item with a non-zero weight, and a log
 * only where a weight is non-zero; the projected iterates are sparse, so the O(n) logs and O(n log n) sorts a
 * step of the plain formulas would spend are not spent. Each shortcut computes what the plain formula
 * computes, bit for bit (bench/adversarial-speed.bench.ts runs both on the same documents); the one
 * shortcut that skips work, the early stop, stops only once the answer has reached max_j JS(e_j, alpha), the
 * maximum of JS over the whole simplex, which no feasible point can exceed.
 */
export function adversarialAttention(doc: DocumentContext, rng: Rng, opts: AdversarialOptions = ADVERSARIAL_OPTIONS): AdversarialResult {
  const { n, C, z, alpha } = doc;
  const eps = opts.epsilon;
  const work = new Workspace(doc);
  const { logits, q } = work;
  const w = new Float64Array(n); // the iterate, on the simplex
  const u = new Float64Array(n); // the Adam step before its projection
  const active = new Int32Array(n); // w's support, in index order
  const dx = new Float64Array(C);
  const m1 = new Float64Array(n);
  const m2 = new Float64Array(n);
  const tvdOf = (v: Float64Array): number => totalVariation(doc.p, outputFor(doc, v, logits, q));

  const bestAlpha = Float64Array.from(alpha);
  let best = { js: 0, tvd: tvdOf(alpha) };
  // Only points whose TVD was just computed and is <= epsilon become answers.
  const consider = (v: Float64Array, tvd: number): void => {
    if (!(tvd <= eps)) return;
    const js = jsToAlpha(v, alpha);
    if (js > best.js) {
      bestAlpha.set(v);
      best = { js, tvd };
    }
  };
  const slideFrom = (v: Float64Array): void => {
    const slid = slideAlongBoundary(work, v, inside, opts.slideSteps);
    consider(slid, tvdOf(slid));
  };
  // JS(., alpha) is convex, so over the simplex it peaks at a vertex: at e_j with the smallest alpha_j.
  let smallest = 0;
  for (let i = 1; i < n; i++) if (alpha[i]! < alpha[smallest]!) smallest = i;
  const vertex = new Float64Array(n);
  vertex[smallest] = 1;
  const ceiling = jsToAlpha(vertex, alpha);
  const done = (): boolean => best.js >= ceiling - 1e-12;

  // The bisections aim a hair inside epsilon: the same point summed in another order can round past it.
  const inside = eps * (1 - 1e-9);
  const vertices = vertexStartPoints(doc, inside, Math.max(opts.vertexStarts, opts.edgeItems));
  const vertexPoints = vertices.slice(0, opts.vertexStarts).filter((v) => v.js > 0).map((v) => v.w);
  const edgePoints = edgeStartPoints(doc, inside, vertices.slice(0, opts.edgeItems).map((v) => v.item));
  for (const v of [...vertexPoints, ...edgePoints]) consider(v, tvdOf(v));
  const starts = n <= opts.refineEdgesUpTo ? [...vertexPoints, ...edgePoints] : vertexPoints;
  for (let start = 0; start < starts.length + opts.randomStarts && !done(); start++) {
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
    let tvdEnd = tvdOf(w);
    let size = support(w, active);
    for (let round = 0; round < opts.rounds; round++) {
      for (let step = 0; step < opts.steps; step++) {
        // p(w) over w's support, in index order: outputFor's sum, without its scan of the zeros.
        logits.set(doc.b);
        for (let a = 0; a < size; a++) {
          const i = active[a]!;
          const wi = w[i]!;
          for (let k = 0; k < C; k++) logits[k]! += wi * z[i * C + k]!;
        }
        const tvd = totalVariation(doc.p, softmax(logits, q));
        const feasible = tvd <= eps;
        // The penalty's weight c = max(0, lambda + rho (tvd − eps)); d TVD / d x'_k = q_k (s_k − Σ_l q_l s_l).
        const c = Math.max(0, lambda + rho * (tvd - eps));
        if (c > 0) {
          let ps = 0;
          for (let k = 0; k < C; k++) ps += q[k]! * 0.5 * Math.sign(q[k]! - doc.p[k]!);
          for (let k = 0; k < C; k++) dx[k] = q[k]! * (0.5 * Math.sign(q[k]! - doc.p[k]!) - ps);
        }
        t++;
        const c1 = 1 - 0.9 ** t;
        const c2 = 1 - 0.999 ** t;
        // One pass: JS(w, alpha) as jsToAlpha sums it (for consider), the gradient, Adam's step into u.
        let s = 0;
        let max = -Infinity;
        let positive = 0;
        let positives = 0;
        let deferred = 0;
        for (let i = 0; i < n; i++) {
          const wi = w[i]!;
          const ai = alpha[i]!;
          let g: number;
          if (wi === 0) {
            if (feasible && ai > 0) s += ai * LOG2;
            g = -0.5 * work.logAtZero[i]!;
          } else {
            if (feasible) {
              const mi = 0.5 * (wi + ai);
              if (wi > 0) s += wi * Math.log(wi / mi);
              if (ai > 0) s += ai * Math.log(ai / mi);
            }
            // d(−JS)/d w_i = −½ log(w_i / m_i), m = (w + alpha) / 2 (bounded at w_i = 0 by a floor of 1e-12).
            g = -0.5 * Math.log((2 * Math.max(wi, 1e-12)) / (wi + ai));
          }
          if (c > 0) {
            let gt = 0;
            for (let k = 0; k < C; k++) gt += z[i * C + k]! * dx[k]!;
            g += c * gt;
          }
          const mo = 0.9 * m1[i]! + 0.1 * g;
          const mt = 0.999 * m2[i]! + 0.001 * g * g;
          m1[i] = mo;
          m2[i] = mt;
          // An item at 0 whose first moment is positive steps below 0: u_i < 0, its exact value needed only
          // if tau turns out below 1e-7 (projectFrom), so its square root and divisions wait.
          if (wi === 0 && mo > 1e-300) {
            u[i] = -Infinity;
            deferred++;
            continue;
          }
          const ui = wi - (opts.learningRate * (mo / c1)) / (Math.sqrt(mt / c2) + 1e-12);
          u[i] = ui;
          if (ui > max) max = ui;
          if (ui > 0) {
            positive += ui;
            positives++;
          }
        }
        if (feasible) {
          const js = Math.max(0, 0.5 * s);
          if (js > best.js) {
            bestAlpha.set(w);
            best = { js, tvd };
          }
        }
        let estimate = max - 1; // a lower bound on tau (max over a subset of u: lower still)
        if (positives > 0) estimate = Math.max(estimate, (positive - 1) / positives);
        let tau = tauOf(u, estimate, work.sorted);
        if (deferred > 0 && !(tau >= 1e-7)) {
          // A deferred u_i (< 0) could sit near or above tau: compute them as the step would have, then tau.
          for (let i = 0; i < n; i++)
            if (u[i] === -Infinity) u[i] = w[i]! - (opts.learningRate * (m1[i]! / c1)) / (Math.sqrt(m2[i]! / c2) + 1e-12);
          tau = tauOf(u, estimate, work.sorted);
        }
        size = 0;
        for (let i = 0; i < n; i++) {
          const v = Math.max(u[i]! - tau, 0);
          w[i] = v;
          if (v !== 0) active[size++] = i;
        }
      }
      tvdEnd = tvdOf(w); // leaves w's logits in `logits` for the pull-back below
      lambda = Math.max(0, lambda + rho * (tvdEnd - eps));
      rho *= opts.rhoGrowth;
    }
    // The end point: inside the constraint as it is, or pulled back along the segment towards alpha; then
    // slid along the constraint's boundary to a local maximum there.
    slideFrom(tvdEnd <= inside ? Float64Array.from(w) : pullBackFrom(work, w, logits, inside));
  }
  if (!done()) for (const v of rayStartPoints(doc, inside, rng, opts.rays, opts.rayKeep)) slideFrom(v);
  // Verification from scratch: the answer's TVD and JS recomputed by the plain formulas (the JS is jsToAlpha's
  // bit for bit: tests-adversarial-fast.test.ts).
  const check = totalVariation(doc.p, outputFor(doc, bestAlpha));
  return { alpha: bestAlpha, js: jsDivergence(bestAlpha, alpha), tvd: check, constraintMet: check <= eps };
}

const LOG2 = Math.log(2);

/**
 * JS(w, alpha) summed exactly as jsDivergence(w, alpha) sums it, without its two logs where w_i = 0: there
 * m_i = alpha_i / 2 exactly, so alpha_i log(alpha_i / m_i) is alpha_i · log 2 bit for bit. `logs` (optional)
 * receives log(w_i / m_i) where w_i > 0.
 */
export function jsToAlpha(w: Float64Array, alpha: Float64Array, logs?: Float64Array): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) {
    const a = w[k]!;
    const b = alpha[k]!;
    if (a === 0) {
      if (b > 0) s += b * LOG2;
      continue;
    }
    const m = 0.5 * (a + b);
    if (a > 0) {
      const l = Math.log(a / m);
      if (logs) logs[k] = l;
      s += a * l;
    }
    if (b > 0) s += b * Math.log(b / m);
  }
  return Math.max(0, 0.5 * s);
}

/** One document's buffers and the constants its steps reuse. */
class Workspace {
  readonly logits: Float64Array<ArrayBuffer>;
  readonly q: Float64Array<ArrayBuffer>;
  /** log(2 · 1e-12 / alpha_i): the log of the JS gradient at w_i = 0 (its floor), the same for every step. */
  readonly logAtZero: Float64Array;
  /** Scratch for the projection's sort. */
  readonly sorted: Float64Array;
  /** The slide's buffers. */
  readonly g: Float64Array;
  readonly h: Float64Array;
  readonly dx: Float64Array;
  readonly trial: Float64Array;
  readonly free: Uint8Array;
  readonly y: Float64Array;
  readonly yq: Float64Array;

  constructor(readonly doc: DocumentContext) {
    const { n, C, alpha } = doc;
    this.logits = new Float64Array(C);
    this.q = new Float64Array(C);
    this.logAtZero = new Float64Array(n);
    for (let i = 0; i < n; i++) this.logAtZero[i] = Math.log((2 * Math.max(0, 1e-12)) / (0 + alpha[i]!));
    this.sorted = new Float64Array(n);
    this.g = new Float64Array(n);
    this.h = new Float64Array(n);
    this.dx = new Float64Array(C);
    this.trial = new Float64Array(n);
    this.free = new Uint8Array(n);
    this.y = new Float64Array(C);
    this.yq = new Float64Array(C);
  }
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
    found.push({ w, js: jsToAlpha(w, alpha) });
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
function slideAlongBoundary(work: Workspace, start: Float64Array, inside: number, steps: number): Float64Array {
  const { doc, g, h, dx, trial, free, logAtZero } = work;
  const { n, C, z, alpha } = doc;
  let w = Float64Array.from(start);
  let spare = new Float64Array(n); // the next point, swapped with w when accepted (no allocation a try)
  // log(w_i / m_i) from JS(w, alpha), which is the gradient's log(2 w_i / (w_i + alpha_i)) bit for bit where
  // w_i >= 1e-12 (m_i = (w_i + alpha_i) / 2 exactly, so both divide 2 w_i by the same rounded sum).
  let logs = new Float64Array(n);
  let spareLogs = new Float64Array(n);
  let js = jsToAlpha(w, alpha, logs);
  const q = new Float64Array(C);
  const logits = new Float64Array(C);
  let step = 0.05;
  // The direction at w; a rejected try leaves w as it was, and so its direction (the same sums, bit for bit).
  let ready = false;
  let norm = 0;
  for (let it = 0; it < steps && step > 1e-12; it++) {
    if (!ready) {
      outputFor(doc, w, logits, q);
      const tvd = totalVariation(doc.p, q);
      let ps = 0;
      for (let k = 0; k < C; k++) ps += q[k]! * 0.5 * Math.sign(q[k]! - doc.p[k]!);
      for (let k = 0; k < C; k++) dx[k] = q[k]! * (0.5 * Math.sign(q[k]! - doc.p[k]!) - ps);
      for (let i = 0; i < n; i++) {
        const wi = w[i]!;
        g[i] = 0.5 * (wi === 0 ? logAtZero[i]! : wi >= 1e-12 ? logs[i]! : Math.log((2 * Math.max(wi, 1e-12)) / (wi + alpha[i]!)));
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
      centre(g, free, count);
      centre(h, free, count);
      let gh = 0;
      let hh = 0;
      for (let i = 0; i < n; i++) {
        gh += g[i]! * h[i]!;
        hh += h[i]! * h[i]!;
      }
      // On the boundary (TVD at epsilon) move along it; inside it, straight up the gradient.
      const onBoundary = tvd > inside * (1 - 1e-6);
      if (onBoundary && hh > 0) for (let i = 0; i < n; i++) g[i]! -= (gh / hh) * h[i]!;
      norm = 0;
      for (let i = 0; i < n; i++) norm += g[i]! * g[i]!;
      norm = Math.sqrt(norm);
      if (!(norm > 1e-15)) break;
      ready = true;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      trial[i] = Math.max(0, w[i]! + (step * g[i]!) / norm);
      sum += trial[i]!;
    }
    for (let i = 0; i < n; i++) trial[i] = trial[i]! / sum;
    // tvd of the trial; its logits stay in `logits` for the pull-back.
    if (totalVariation(doc.p, outputFor(doc, trial, logits, q)) <= inside) spare.set(trial);
    else pullBackFrom(work, trial, logits, inside, spare);
    const nextJs = jsToAlpha(spare, alpha, spareLogs);
    if (nextJs > js) {
      [w, spare] = [spare, w];
      [logs, spareLogs] = [spareLogs, logs];
      js = nextJs;
      step *= 1.5;
      ready = false;
    } else step *= 0.5;
  }
  return w;
}

/** v_i − mean of v over the free coordinates, in place; 0 on the others. */
function centre(v: Float64Array, free: Uint8Array, count: number): void {
  let sum = 0;
  for (let i = 0; i < v.length; i++) if (free[i]) sum += v[i]!;
  for (let i = 0; i < v.length; i++) v[i] = free[i] ? v[i]! - sum / count : 0;
}

/** The Euclidean projection of u onto the simplex, in place: max(u_i − tau, 0) with the sort-based tau. */
export function projectOntoSimplex(u: Float64Array): void {
  projectInto(u, new Float64Array(u.length));
}

/** The indices of v's non-zero entries, in order, into `into`; returns their count. */
function support(v: Float64Array, into: Int32Array): number {
  let size = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) into[size++] = i;
  return size;
}

/**
 * projectOntoSimplex with a scratch buffer, sorting only the values near or above tau. tau is
 * max_j (s_1 + … + s_j − 1) / j over the values sorted in decreasing order, and the last j where
 * s_j > (s_1 + … + s_j − 1) / j holds is the support's size; a value below tau by more than rounding fails
 * that test wherever it sits. So the sort-based loop over the values above tau − 1e-7 (an estimate of tau by
 * Michelot's fixed point, (sum of the values above it − 1) / their count, O(n) a round) gives the same
 * partial sums and so the same tau bit for bit as the loop over all of them.
 */
function projectInto(u: Float64Array, scratch: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < u.length; i++) if (u[i]! > max) max = u[i]!;
  const tau = tauOf(u, max - 1, scratch);
  for (let i = 0; i < u.length; i++) u[i] = Math.max(u[i]! - tau, 0);
}

/** The sort-based tau of projectOntoSimplex, from a lower bound `estimate` on it (see projectInto). */
function tauOf(u: Float64Array, estimate: number, scratch: Float64Array): number {
  const n = u.length;
  // Michelot's rounds only raise a lower bound, and stay below tau.
  for (let round = 0; round <= n; round++) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++)
      if (u[i]! > estimate) {
        sum += u[i]!;
        count++;
      }
    const next = (sum - 1) / count;
    if (!(next > estimate)) break;
    estimate = next;
  }
  let m = 0;
  for (let i = 0; i < n; i++) if (u[i]! > estimate - 1e-7) scratch[m++] = u[i]!;
  // Decreasing order; few candidates (about the support's size) are sorted by insertion, in place, which
  // allocates nothing (equal values are interchangeable in the sums below).
  if (m <= 32)
    for (let j = 1; j < m; j++) {
      const v = scratch[j]!;
      let k = j - 1;
      while (k >= 0 && scratch[k]! < v) {
        scratch[k + 1] = scratch[k]!;
        k--;
      }
      scratch[k + 1] = v;
    }
  else scratch.subarray(0, m).sort().reverse();
  let sum = 0;
  let tau = 0;
  for (let j = 0; j < m; j++) {
    sum += scratch[j]!;
    const t = (sum - 1) / (j + 1);
    if (scratch[j]! - t > 0) tau = t;
  }
  return tau;
}

/**
 * For every item j, the point alpha + t_j (e_j − alpha) with the largest t_j in [0, 1] whose TVD is <= eps
 * (bisection; along the segment the logits are x + t (z_j + b − x), so a step costs O(C)); the `count` of
 * them with the largest JS(., alpha), best first (ties in item order).
 *
 * Without O(n) per item: JS along the segment has a closed form (below), within rounding of the summed
 * value; items are visited by increasing alpha_j (decreasing JS(e_j, alpha), the most any t_j can give),
 * and once that bound is below the count-th best closed form by more than 1e-9 no later item can enter.
 * Only the items within 1e-9 of the count-th best get the summed JS, and those rank the answer: the same
 * items, order and values as summing for every item.
 */
export function vertexStartPoints(doc: DocumentContext, eps: number, count: number): { w: Float64Array; js: number; item: number }[] {
  const { n, C, z, b, alpha, logits: x } = doc;
  const y = new Float64Array(C);
  const q = new Float64Array(C);
  const tvdAt = (j: number, t: number): number => {
    for (let k = 0; k < C; k++) y[k] = x[k]! + t * (z[j * C + k]! + b[k]! - x[k]!);
    return totalVariation(doc.p, softmax(y, q));
  };
  let mass = 0;
  for (let i = 0; i < n; i++) mass += alpha[i]!;
  const byAlpha = Array.from({ length: n }, (_, i) => i).sort((i, j) => alpha[i]! - alpha[j]! || i - j);
  const reach = new Float64Array(n).fill(-1); // t_j, for the items visited
  const closed = new Float64Array(n).fill(-Infinity);
  const top: number[] = []; // the count largest closed forms so far, decreasing
  const bar = (): number => (top.length < count ? -Infinity : top[count - 1]!);
  for (const j of byAlpha) {
    if (closedJs(alpha[j]!, mass, 1) < bar() - 1e-9) break;
    let lo = 0;
    let hi = 1;
    if (tvdAt(j, 1) <= eps) lo = 1;
    else
      for (let h = 0; h < PULL_BACK_HALVINGS; h++) {
        const mid = 0.5 * (lo + hi);
        if (tvdAt(j, mid) <= eps) lo = mid;
        else hi = mid;
      }
    reach[j] = lo;
    const value = closedJs(alpha[j]!, mass, lo);
    closed[j] = value;
    if (top.length < count || value > bar()) {
      top.push(value);
      top.sort((u, v) => v - u);
      if (top.length > count) top.pop();
    }
  }
  const pointAt = (j: number): Float64Array => {
    const lo = reach[j]!;
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = (1 - lo) * alpha[i]! + (i === j ? lo : 0);
    return w;
  };
  // lo = 0 (not even a step towards e_j is feasible) still names an item for the edge starts; its point is
  // alpha itself, at JS 0 exactly.
  const candidates: { js: number; item: number }[] = [];
  for (let j = 0; j < n; j++)
    if (reach[j]! >= 0 && closed[j]! >= bar() - 1e-9) candidates.push({ js: reach[j] === 0 ? 0 : jsToAlpha(pointAt(j), alpha), item: j });
  candidates.sort((u, v) => v.js - u.js);
  return candidates.slice(0, count).map((c) => ({ w: pointAt(c.item), js: c.js, item: c.item }));
}

/**
 * JS((1 − t) alpha + t e_j, alpha) from alpha_j and the total mass of alpha alone: every other item keeps
 * the share (1 − t) of its weight, so its terms are alpha_i times a function of t.
 */
function closedJs(aj: number, mass: number, t: number): number {
  if (t === 0) return 0;
  const rest = mass - aj;
  const r = 1 - t / 2;
  const others = t >= 1 ? rest * LOG2 : rest * ((1 - t) * Math.log((1 - t) / r) - Math.log(r));
  const a = (1 - t) * aj + t;
  const m = 0.5 * (a + aj);
  const own = a * Math.log(a / m) + (aj > 0 ? aj * Math.log(aj / m) : 0);
  return Math.max(0, 0.5 * (others + own));
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
        const js = jsToAlpha(w, alpha);
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
        return jsToAlpha(w, alpha);
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
 * The point alpha + t (target − alpha) with the largest t in [0, 1] found by bisection whose TVD is <= eps,
 * given the target's logits xt (its caller has them from the target's TVD). Along the segment the logits
 * are x + t (xt − x): O(C) per halving. Falls back to alpha itself (TVD 0) when the plain formula finds the
 * point outside: a point the linear shortcut rounds inside but the sum does not is not an answer. Written
 * into `w` (which must not be `target`).
 */
function pullBackFrom(work: Workspace, target: Float64Array, xt: Float64Array, eps: number, w = new Float64Array(work.doc.n)): Float64Array {
  const { doc, y, yq } = work;
  const { alpha, n, C, logits: x } = doc;
  const feasible = (t: number): boolean => {
    for (let k = 0; k < C; k++) y[k] = x[k]! + t * (xt[k]! - x[k]!);
    return totalVariation(doc.p, softmax(y, yq)) <= eps;
  };
  let lo = 0;
  let hi = 1;
  for (let h = 0; h < PULL_BACK_HALVINGS; h++) {
    const mid = 0.5 * (lo + hi);
    if (feasible(mid)) lo = mid;
    else hi = mid;
  }
  for (let i = 0; i < n; i++) w[i] = alpha[i]! + lo * (target[i]! - alpha[i]!);
  if (!(totalVariation(doc.p, outputFor(doc, w, work.logits, work.q)) <= eps)) w.set(alpha);
  return w;
}

export const adversarialAttentionTest: DocumentTest<AdversarialRecord, AdversarialSummary> = {
  description: `Max JS divergence of an attention distribution whose output stays within TVD ${EPSILON} of the original (Jain & Wallace 2019)`,
  docs: 'docs/faithfulness.md §4.3',
  suite: 'full',
  backends: true,
  run({ doc, rng }) {
    if (doc.n < 2) return null;
    // A transformer backend: the rows of its classifier query, searched through the backend (adversarial-transformer.ts).
    const rows = doc.backend?.rows;
    if (doc.backend && !(rows && rows.positions.length >= 2)) return null;
    const r = rows ? adversarialAttentionOfRows(doc, rows, rng) : adversarialAttention(doc, rng);
    return { maxJs: r.js, tvd: r.tvd, constraintMet: r.constraintMet, maxAttention: maxOf(doc.alpha) };
  },
  summarize(records, { median }) {
    const kept = records.filter((r): r is AdversarialRecord => r != null);
    return {
      epsilon: EPSILON,
      documents: kept.length,
      notApplicable: records.filter((r) => r === null).length,
      maxJs: median(records.map((r) => (r == null ? [] : [r.maxJs]))),
      byMaxAttention: binnedMedians(records, (r) => r.maxJs, median),
      constraintMet: proportion(kept.filter((r) => r.constraintMet).length, kept.length),
      maxTvd: kept.length === 0 ? null : kept.reduce((mx, r) => Math.max(mx, r.tvd), 0),
    };
  },
};
