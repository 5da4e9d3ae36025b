// Adversarial attention on a transformer backend (docs/faithfulness.md §4.3): the rows of the classifier
// query's last-layer attention, each head on its own simplex over the item positions (the specials under
// `--specials out` keep their weights), whose item weights — the `attention` the rankings use, mean over
// heads per position (or alpha_hi / H per (head, position) item with `--heads each`) — are farthest from
// the model's own by JS divergence while the output stays within TVD epsilon. The same search as the linear
// path (adversarial-attention.ts: augmented Lagrangian with Adam projected onto the simplex, pull-back along
// the segment from alpha, boundary slide), but every evaluation is a batch of rows through the backend's
// RowEvaluator (rowToLogits, float32) with the TVD's gradient by autograd; all starts advance together, one
// call per step. Only points whose TVD was computed from their own logits and found <= epsilon are answers;
// the answer is evaluated again on its own at the end and recorded only if it passes there too.
import type { RowEvaluator } from '../backend.ts';
import { jsDivergence, softmax } from '../math.ts';
import type { DocumentContext } from '../types.ts';
import type { Rng } from '../../util/rng.ts';
import { totalVariation } from '../../util/divergence.ts';
import type { AdversarialResult } from './adversarial-attention.ts';
import { projectOntoSimplex } from './adversarial-attention.ts';

export interface TransformerAdversarialOptions {
  epsilon: number;
  /** Vertex starts: for every item position j, every head's movable mass on j, pulled back; the best `vertexStarts`. */
  vertexStarts: number;
  /** Starts softmax(spread · N(0, 1)) per head. */
  randomStarts: number;
  /** Ray starts: `rays` random targets (as the random starts) pulled back from alpha; the best `rayKeep`. */
  rays: number;
  rayKeep: number;
  spread: number;
  /** Augmented-Lagrangian rounds, Adam steps per round, Adam step size, initial penalty and its growth. */
  rounds: number;
  steps: number;
  learningRate: number;
  rho: number;
  rhoGrowth: number;
  /** Tries of the boundary slide from each start's end point. */
  slideSteps: number;
  /** Halvings of a pull-back bisection from alpha (precision 2^-halvings of the segment). */
  halvings: number;
  /** Halvings of the slide's pull-back, from the current point towards the trial (a short segment). */
  slideHalvings: number;
}

export const TRANSFORMER_ADVERSARIAL_OPTIONS: TransformerAdversarialOptions = {
  // EPSILON of adversarial-attention.ts (which imports this file, so its constant is not read at load time here).
  epsilon: 0.01,
  vertexStarts: 4,
  randomStarts: 8,
  rays: 32,
  rayKeep: 4,
  spread: 3,
  rounds: 5,
  steps: 30,
  learningRate: 0.05,
  rho: 100,
  rhoGrowth: 2,
  slideSteps: 30,
  halvings: 20,
  slideHalvings: 8,
};

/**
 * Bisections aim this far inside epsilon: the logits come from float32 arithmetic whose rounding depends on
 * the batch a row is evaluated in, so a point found at TVD = epsilon in one batch could read epsilon + 1e-7
 * alone. The answer's final check is the plain TVD <= epsilon.
 */
const INSIDE = 1 - 1e-4;

/** The items' weights of rows (K × H × P), as doc.alpha weighs them, divided by doc.alpha's sum (a distribution). */
export class ItemWeights {
  readonly H: number;
  readonly P: number;
  readonly n: number;
  /** 'position': item j = position j in every head (mean over heads); 'head': item h·P + j. */
  readonly mode: 'position' | 'head';
  /** The model's own item distribution. */
  readonly own: Float64Array;
  private readonly scale: number;

  constructor(doc: DocumentContext, rows: RowEvaluator) {
    this.H = rows.heads;
    this.P = rows.positions.length;
    this.n = doc.n;
    if (doc.n === this.P) this.mode = 'position';
    else if (doc.n === this.H * this.P) this.mode = 'head';
    else throw new Error(`adversarial attention: ${doc.n} items are neither the ${this.P} positions nor ${this.H} × ${this.P} (head, position) pairs`);
    let sum = 0;
    for (let i = 0; i < doc.n; i++) sum += doc.alpha[i]!;
    this.scale = sum;
    this.own = this.of(rows.weights, 0);
  }

  /** Row k's item distribution. */
  of(rows: Float64Array, k: number): Float64Array {
    const { H, P } = this;
    const u = new Float64Array(this.n);
    const base = k * H * P;
    for (let h = 0; h < H; h++)
      for (let j = 0; j < P; j++) u[this.mode === 'position' ? j : h * P + j]! += rows[base + h * P + j]! / (H * this.scale);
    return u;
  }

  /** JS(row k's items, own) in nats. */
  js(rows: Float64Array, k: number): number {
    return jsDivergence(this.of(rows, k), this.own);
  }

  /**
   * d JS(items(row), own) / d row_hj into out (H × P): ½ log(u'_i / m_i) / (H · scale), m = (u' + u) / 2,
   * i the item of (h, j); u'_i floored at 1e-12 inside the log (the gradient is unbounded at 0).
   */
  jsGradient(rows: Float64Array, k: number, out: Float64Array): void {
    const { H, P } = this;
    const u = this.of(rows, k);
    const c = 1 / (H * this.scale);
    for (let h = 0; h < H; h++)
      for (let j = 0; j < P; j++) {
        const i = this.mode === 'position' ? j : h * P + j;
        const a = u[i]!;
        out[h * P + j] = c * 0.5 * Math.log((2 * Math.max(a, 1e-12)) / (a + this.own[i]!));
      }
  }
}

/** Each head of each row (K × H × P) projected in place onto {w >= 0, Σ_j w_j = mass_h} (Euclidean). */
export function projectRows(rows: Float64Array, K: number, H: number, P: number, mass: Float64Array): void {
  const head = new Float64Array(P);
  for (let k = 0; k < K; k++)
    for (let h = 0; h < H; h++) {
      const at = (k * H + h) * P;
      const m = mass[h]!;
      if (!(m > 0)) {
        rows.fill(0, at, at + P);
        continue;
      }
      for (let j = 0; j < P; j++) head[j] = rows[at + j]! / m;
      projectOntoSimplex(head);
      for (let j = 0; j < P; j++) rows[at + j] = head[j]! * m;
    }
}

/** The adversarial search on one transformer document (n >= 2, P >= 2). */
export function adversarialAttentionOfRows(
  doc: DocumentContext,
  rows: RowEvaluator,
  rng: Rng,
  opts: TransformerAdversarialOptions = TRANSFORMER_ADVERSARIAL_OPTIONS,
): AdversarialResult & { rows: Float64Array } {
  const H = rows.heads;
  const P = rows.positions.length;
  const W = H * P; // weights per row
  const C = doc.C;
  const eps = opts.epsilon;
  const inside = eps * INSIDE;
  const items = new ItemWeights(doc, rows);
  const own = rows.weights;
  const mass = Float64Array.from({ length: H }, (_, h) => 1 - rows.fixedMass[h]!);
  const tvdOf = (logits: Float64Array, k: number): number => totalVariation(doc.p, softmax(logits.subarray(k * C, (k + 1) * C)));
  const tvds = (X: Float64Array, K: number): Float64Array => {
    const logits = rows.logits(X, K);
    return Float64Array.from({ length: K }, (_, k) => tvdOf(logits, k));
  };

  let best = { rows: Float64Array.from(own), js: 0, tvd: 0 };
  /** Rows of X whose TVD was just computed (tvd[k]) and is <= epsilon may become the answer. */
  const consider = (X: Float64Array, tvd: ArrayLike<number>, K: number): void => {
    for (let k = 0; k < K; k++) {
      if (!(tvd[k]! <= eps)) continue;
      const js = items.js(X, k);
      if (js > best.js) best = { rows: X.slice(k * W, (k + 1) * W), js, tvd: tvd[k]! };
    }
  };

  /**
   * Each row of T moved to O_k + t (T_k − O_k) with the largest t in [0, 1] found feasible (TVD <= inside) by
   * bisection, all rows in one call per halving; O_k is alpha (TVD ~0) unless feasible origins are given
   * with their TVDs. Returns the points and their computed TVDs.
   */
  const pullBack = (
    T: Float64Array,
    K: number,
    halvings = opts.halvings,
    origin?: { X: Float64Array; tvd: Float64Array },
  ): { X: Float64Array; tvd: Float64Array } => {
    const lo = new Float64Array(K);
    const hi = new Float64Array(K).fill(1);
    const loTvd = origin ? Float64Array.from(origin.tvd) : new Float64Array(K); // alpha: ~0 (the model's own row)
    const from = (k: number, i: number): number => (origin ? origin.X[k * W + i]! : own[i]!);
    const at = (t: Float64Array): Float64Array => {
      const X = new Float64Array(K * W);
      for (let k = 0; k < K; k++)
        for (let i = 0; i < W; i++) {
          const o = from(k, i);
          X[k * W + i] = o + t[k]! * (T[k * W + i]! - o);
        }
      return X;
    };
    const full = tvds(T, K);
    const done = Uint8Array.from(full, (v) => (v <= inside ? 1 : 0));
    done.forEach((d, k) => {
      if (d) {
        lo[k] = 1;
        loTvd[k] = full[k]!;
      }
    });
    for (let h = 0; h < halvings && !done.every((d) => d === 1); h++) {
      const mid = Float64Array.from({ length: K }, (_, k) => 0.5 * (lo[k]! + hi[k]!));
      const v = tvds(at(mid), K);
      for (let k = 0; k < K; k++) {
        if (done[k]) continue;
        if (v[k]! <= inside) {
          lo[k] = mid[k]!;
          loTvd[k] = v[k]!;
        } else hi[k] = mid[k]!;
      }
    }
    const X = at(lo);
    // lo = 0 is alpha itself: its TVD is that of the model's own row.
    return { X, tvd: loTvd };
  };

  const randomRows = (K: number): Float64Array => {
    const X = new Float64Array(K * W);
    const head = new Float64Array(P);
    for (let k = 0; k < K; k++)
      for (let h = 0; h < H; h++) {
        for (let j = 0; j < P; j++) head[j] = opts.spread * rng.normal();
        softmax(head, head);
        for (let j = 0; j < P; j++) X[k * W + h * P + j] = head[j]! * mass[h]!;
      }
    return X;
  };
  /** The best `keep` rows of X by JS, in a new array. */
  const bestRows = (X: Float64Array, K: number, keep: number): Float64Array => {
    const order = Array.from({ length: K }, (_, k) => k)
      .map((k) => ({ k, js: items.js(X, k) }))
      .sort((a, b) => b.js - a.js || a.k - b.k)
      .slice(0, keep);
    const out = new Float64Array(order.length * W);
    order.forEach(({ k }, r) => out.set(X.subarray(k * W, (k + 1) * W), r * W));
    return out;
  };

  // Starts: vertex segments (every head's movable mass on one position), random rows, rays from alpha.
  const vertexTargets = new Float64Array(P * W);
  for (let j = 0; j < P; j++) for (let h = 0; h < H; h++) vertexTargets[j * W + h * P + j] = mass[h]!;
  const vertices = pullBack(vertexTargets, P);
  consider(vertices.X, vertices.tvd, P);
  const rays = pullBack(randomRows(opts.rays), opts.rays);
  consider(rays.X, rays.tvd, opts.rays);
  const startRows = [bestRows(vertices.X, P, opts.vertexStarts), randomRows(opts.randomStarts), bestRows(rays.X, opts.rays, opts.rayKeep)];
  const S = startRows.reduce((s, x) => s + x.length / W, 0);
  const X = new Float64Array(S * W);
  let offset = 0;
  for (const x of startRows) {
    X.set(x, offset);
    offset += x.length;
  }

  // Augmented Lagrangian, all starts together: minimise −JS + (ρ/2)(max(0, g + λ/ρ)² − (λ/ρ)²), g = TVD − ε.
  const m1 = new Float64Array(S * W);
  const m2 = new Float64Array(S * W);
  const lambda = new Float64Array(S);
  const gJs = new Float64Array(W);
  let rho = opts.rho;
  let t = 0;
  for (let round = 0; round < opts.rounds; round++) {
    for (let step = 0; step < opts.steps; step++) {
      const { tvd, gradient } = rows.tvdWithGradient(X, S);
      consider(X, tvd, S);
      t++;
      const c1 = 1 - 0.9 ** t;
      const c2 = 1 - 0.999 ** t;
      for (let k = 0; k < S; k++) {
        const c = Math.max(0, lambda[k]! + rho * (tvd[k]! - eps));
        items.jsGradient(X, k, gJs);
        for (let i = 0; i < W; i++) {
          const at = k * W + i;
          const g = -gJs[i]! + c * gradient[at]!;
          m1[at] = 0.9 * m1[at]! + 0.1 * g;
          m2[at] = 0.999 * m2[at]! + 0.001 * g * g;
          X[at]! -= (opts.learningRate * (m1[at] / c1)) / (Math.sqrt(m2[at] / c2) + 1e-12);
        }
      }
      projectRows(X, S, H, P, mass);
    }
    const tvd = tvds(X, S);
    consider(X, tvd, S);
    for (let k = 0; k < S; k++) lambda[k] = Math.max(0, lambda[k]! + rho * (tvd[k]! - eps));
    rho *= opts.rhoGrowth;
  }

  // End points inside the constraint, then slid along its boundary.
  const ends = pullBack(X, S);
  consider(ends.X, ends.tvd, S);
  slide(ends.X, ends.tvd, S);

  // The answer evaluated again, alone. Should float32 rounding in another batch put it past epsilon, the
  // points alpha + f (answer − alpha), f = 1 − 2^-10, 1 − 2^-9, ..., 0 (alpha itself), are tried in turn.
  let answer = best.rows;
  let check = tvds(answer, 1)[0]!;
  for (let e = -10; !(check <= eps) && e <= 0; e++) {
    const f = 1 - 2 ** e;
    answer = Float64Array.from(own, (a, i) => a + f * (best.rows[i]! - a));
    check = tvds(answer, 1)[0]!;
  }
  const u = items.of(answer, 0);
  return { alpha: u, rows: answer, js: jsDivergence(u, items.own), tvd: check, constraintMet: check <= eps };

  /**
   * Feasible-direction ascent from feasible points (all rows together): the JS gradient, centred per head
   * over the free weights (an item at 0 whose gradient would take mass from it stays at 0), made orthogonal
   * to the centred TVD gradient where the point is on the boundary, a step of length `step` along it, clipped
   * at 0 and rescaled per head; an infeasible trial is pulled back towards the current point. A step is kept
   * if JS grew (step × 1.5), else halved.
   */
  function slide(X0: Float64Array, tvd0: Float64Array, K: number): void {
    const Xs = Float64Array.from(X0);
    const js = Float64Array.from({ length: K }, (_, k) => items.js(Xs, k));
    const step = new Float64Array(K).fill(0.05);
    const g = new Float64Array(W);
    const free = new Uint8Array(W);
    let tvd = tvd0;
    for (let it = 0; it < opts.slideSteps; it++) {
      const active = Array.from({ length: K }, (_, k) => k).filter((k) => step[k]! > 1e-9);
      if (active.length === 0) break;
      const A = active.length;
      const cur = new Float64Array(A * W);
      active.forEach((k, a) => cur.set(Xs.subarray(k * W, (k + 1) * W), a * W));
      const { gradient } = rows.tvdWithGradient(cur, A);
      const trials = new Float64Array(A * W);
      active.forEach((k, a) => {
        items.jsGradient(cur, a, g);
        const hgrad = gradient.subarray(a * W, (a + 1) * W);
        for (let i = 0; i < W; i++) free[i] = cur[a * W + i]! > 0 || g[i]! > 0 ? 1 : 0;
        const hc = new Float64Array(W);
        for (let h = 0; h < H; h++) {
          let count = 0;
          let sg = 0;
          let sh = 0;
          for (let j = 0; j < P; j++)
            if (free[h * P + j]) {
              count++;
              sg += g[h * P + j]!;
              sh += hgrad[h * P + j]!;
            }
          for (let j = 0; j < P; j++) {
            const i = h * P + j;
            g[i] = free[i] && count > 0 ? g[i]! - sg / count : 0;
            hc[i] = free[i] && count > 0 ? hgrad[i]! - sh / count : 0;
          }
        }
        let gh = 0;
        let hh = 0;
        for (let i = 0; i < W; i++) {
          gh += g[i]! * hc[i]!;
          hh += hc[i]! * hc[i]!;
        }
        if (tvd[k]! > inside * (1 - 1e-3) && hh > 0) for (let i = 0; i < W; i++) g[i]! -= (gh / hh) * hc[i]!;
        let norm = 0;
        for (let i = 0; i < W; i++) norm += g[i]! * g[i]!;
        norm = Math.sqrt(norm);
        if (!(norm > 1e-15)) {
          step[k] = 0;
          trials.set(cur.subarray(a * W, (a + 1) * W), a * W);
          return;
        }
        for (let i = 0; i < W; i++) trials[a * W + i] = Math.max(0, cur[a * W + i]! + (step[k]! * g[i]!) / norm);
        for (let h = 0; h < H; h++) {
          let sum = 0;
          for (let j = 0; j < P; j++) sum += trials[a * W + h * P + j]!;
          for (let j = 0; j < P; j++) trials[a * W + h * P + j] = sum > 0 ? (trials[a * W + h * P + j]! * mass[h]!) / sum : 0;
        }
      });
      const next = pullBack(trials, A, opts.slideHalvings, { X: cur, tvd: Float64Array.from(active, (k) => tvd[k]!) });
      consider(next.X, next.tvd, A);
      tvd = Float64Array.from(tvd);
      active.forEach((k, a) => {
        if (step[k] === 0) return;
        const nextJs = items.js(next.X, a);
        if (nextJs > js[k]!) {
          Xs.set(next.X.subarray(a * W, (a + 1) * W), k * W);
          js[k] = nextJs;
          tvd[k] = next.tvd[a]!;
          step[k]! *= 1.5;
        } else step[k]! *= 0.5;
      });
    }
  }
}
