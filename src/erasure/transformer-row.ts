// The transformer erasure backend (backend.ts): erasure at the final attention row.
//
// A sequence classifier reads only position 0 ([CLS] / <s>) of its last layer, and that position's output
// depends on the rest of the document only through one attention row per head, alpha_h (T weights), the
// value vectors v_h and its own residual. So an erasure is exact when it changes that row and re-runs what
// follows it for position 0 alone (TransformerClassifier.rowToLogits: output projection, residual,
// LayerNorm, feed-forward, LayerNorm, pooler / pre-classifier, classifier); nothing upstream of the row
// depends on it. Erasing an item sets its weight to 0 (in every head, or in its own head with heads: 'each')
// and divides each head by its new sum; a head whose whole row is erased contributes the zero vector.
// All the erasure sets a test needs for a document (n single erasures, the prefixes of an order, a greedy
// step's candidates) go through rowToLogits as one batch of K rows.
import type { TransformerClassifier, TransformerInput } from '../models/index.ts';
import { transformerBatch } from '../models/index.ts';
import { inEvalMode } from '../nn/index.ts';
import * as torch from '../torch/index.ts';
import { totalVariation } from '../util/divergence.ts';
import type { ErasureBackend, RowEvaluator } from './backend.ts';
import { testDocument, type BatteryRun } from './battery.ts';
import type { FirstFlip, LeaveOneOut } from './erase.ts';
import { argmax, softmax } from './math.ts';
import type { MinimalFlipSet } from './minimal.ts';
import { summarize } from './summary.ts';
import type { AnyRankingName, BatteryOptions, BatterySummary, DocumentContext, DocumentResult } from './types.ts';

/** What the transformer backend runs (no 'optimal': the exact minimal set has no closed form here). */
export const TRANSFORMER_RANKINGS: readonly AnyRankingName[] = [
  'attention',
  'random',
  'gradient',
  'gradient_x_attention',
  'leave_one_out',
  'attention_norm',
  'rollout',
  'greedy',
];

export interface TransformerErasureOptions {
  /** 'all' (default): item i is position i in every head. 'each': item (h, i) is position i in head h alone. */
  heads?: 'all' | 'each';
  /** Special tokens ([CLS], [SEP], <s>, </s>) in the item set (default) or kept out of it (never erased). */
  specials?: 'in' | 'out';
}

/** One document's last-layer row and what the rankings need, read back from one batched model pass. */
export interface TransformerRowState {
  docId: string | number;
  label: number;
  /** Real tokens (no padding): T. */
  T: number;
  H: number;
  /** Logits of the model's own forward (C). */
  logits: Float64Array;
  /** Last layer, query position 0: alpha_hi, row-major H × T. */
  probs: Float32Array;
  /** Last layer's value vectors, H × T × dh. */
  values: Float32Array;
  /** Position 0's hidden state entering the last layer (d). */
  residual: Float32Array;
  /** 1 at special tokens (T). */
  special: Uint8Array;
  /** ||alpha_hi W_O^h v_hi|| per head, H × T. */
  normsPerHead: Float64Array;
  /** ||sum_h alpha_hi W_O^h v_hi||, T. */
  norms: Float64Array;
  /** Attention rollout of the query row, starting from head h's last-layer row, H × T. */
  rolloutPerHead: Float64Array;
  /** Token strings (T), for the per-document examples. */
  tokens?: string[];
}

/** A document for the transformer model pass. */
export interface TransformerDocument {
  docId: string | number;
  label: number;
  input: TransformerInput;
  /** 1 at special tokens, same length as input.ids. */
  special: Uint8Array;
  tokens?: () => string[];
}

/**
 * The model pass: each batch runs the model once (eval mode, no gradients) and keeps, per document, the
 * last layer's query row, its values and residual, the attention norms and the rollout.
 */
export function transformerRowStates(
  model: TransformerClassifier,
  docs: readonly TransformerDocument[],
  batchSize = 32,
): TransformerRowState[] {
  return inEvalMode(model, () => {
    const out = new Array<TransformerRowState>(docs.length);
    const byLength = docs.map((_, i) => i).sort((i, j) => docs[i]!.input.ids.length - docs[j]!.input.ids.length || i - j);
    for (let start = 0; start < byLength.length; start += batchSize) {
      const idx = byLength.slice(start, start + batchSize);
      const states = torch.noGrad(() => torch.scope(() => statesOfBatch(model, idx.map((i) => docs[i]!))));
      idx.forEach((i, j) => (out[i] = states[j]!));
    }
    return out;
  });
}

function statesOfBatch(model: TransformerClassifier, docs: TransformerDocument[]): TransformerRowState[] {
  const batch = transformerBatch(docs.map((d) => d.input), model.config.padTokenId, model.lastLayerOutputWeight().device);
  const { hidden, mask, attentions } = model.encodeToLastLayer(batch, { attentions: true }); // (B, T, d), (B, T)
  const { probs, values, residual } = model.lastLayerRowInputs(hidden, mask); // (B, H, T), (B, H, T, dh), (B, d)
  const logits = model.rowToLogits(probs, values, residual); // (B, C)
  const [, H, T] = probs.shape as [number, number, number];
  const dh = values.size(-1);
  const d = residual.size(1);
  // Kobayashi et al.: f_hi = alpha_hi W_O^h v_hi, W_O^h = columns h*dh .. (h+1)*dh of W_O (d, H*dh).
  const WOh = model.lastLayerOutputWeight().reshape([d, H, dh]).permute([1, 2, 0]); // (H, dh, d)
  const f = probs.unsqueeze(-1).mul(values).matmul(WOh); // (B, H, T, dh) @ (H, dh, d) -> (B, H, T, d)
  const normsPerHead = f.pow(2).sum(-1).sqrt(); // (B, H, T)
  const norms = f.sum(1).pow(2).sum(-1).sqrt(); // (B, T)
  // Abnar & Zuidema: r = (0.5 alpha_h + 0.5 e_0) A'_{L-1} ... A'_1, A'_l = 0.5 mean_h A_l + 0.5 I.
  const eye = torch.tensor(identity(T), [T, T], { device: probs.device }); // (T, T)
  const e0 = eye.select(0, 0); // (T)
  let r = probs.mul(0.5).add(e0.mul(0.5)).unsqueeze(2); // (B, H, 1, T)
  for (let l = attentions.length - 1; l >= 0; l--) {
    const A = attentions[l]!.mean(1).mul(0.5).add(eye.mul(0.5)); // (B, T, T)
    r = r.matmul(A.unsqueeze(1)); // (B, H, 1, T) @ (B, 1, T, T) -> (B, H, 1, T)
  }
  const rollout = r.squeeze(2); // (B, H, T)

  const P = probs.toFloat32Array();
  const V = values.contiguous().toFloat32Array();
  const R = residual.contiguous().toFloat32Array();
  const X = logits.toFloat64Array();
  const NH = normsPerHead.toFloat64Array();
  const N = norms.toFloat64Array();
  const RO = rollout.contiguous().toFloat64Array();
  const C = logits.size(1);
  return docs.map((doc, b) => {
    const n = doc.input.ids.length; // real tokens come first (right padding)
    const perHead = <A extends Float32Array | Float64Array>(src: A, width: number, make: (len: number) => A): A => {
      const outArr = make(H * n * width);
      for (let h = 0; h < H; h++) outArr.set(src.subarray(((b * H + h) * T) * width, ((b * H + h) * T + n) * width), h * n * width);
      return outArr;
    };
    return {
      docId: doc.docId,
      label: doc.label,
      T: n,
      H,
      logits: X.slice(b * C, (b + 1) * C),
      probs: perHead(P, 1, (len) => new Float32Array(len)),
      values: perHead(V, dh, (len) => new Float32Array(len)),
      residual: R.slice(b * d, (b + 1) * d),
      special: doc.special,
      normsPerHead: perHead(NH, 1, (len) => new Float64Array(len)),
      norms: N.slice(b * T, b * T + n),
      rolloutPerHead: perHead(RO, 1, (len) => new Float64Array(len)),
      ...(doc.tokens ? { tokens: doc.tokens() } : {}),
    };
  });
}

function identity(T: number): Float32Array {
  const a = new Float32Array(T * T);
  for (let i = 0; i < T; i++) a[i * T + i] = 1;
  return a;
}

/** Erasure sets evaluated per rowToLogits call (memory stays bounded for long documents). */
const ROWS_PER_CALL = 256;
/** The fewest prefixes of each order a first-flip round evaluates (however many orders are still going). */
const FIRST_FLIP_MIN_ROUND = 8;

/**
 * The document context of one state, with the transformer backend. Its tensors belong to the caller's
 * torch.scope: use the context inside that scope only (testTransformerDocument does).
 */
export function transformerContext(
  model: TransformerClassifier,
  state: TransformerRowState,
  opts: TransformerErasureOptions = {},
): DocumentContext {
  const { T, H } = state;
  const dh = state.values.length / (H * T);
  const d = state.residual.length;
  const eachHead = opts.heads === 'each';
  const positions: number[] = [];
  for (let t = 0; t < T; t++) if (opts.specials !== 'out' || !state.special[t]) positions.push(t);
  const P = positions.length;
  const n = eachHead ? H * P : P;
  /** The (head or all heads, position) of item j. */
  const headOf = (j: number): number => (eachHead ? Math.floor(j / P) : -1);
  const positionOf = (j: number): number => positions[eachHead ? j % P : j]!;
  const alphaAt = (h: number, t: number): number => state.probs[h * T + t]!;

  const alpha = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = headOf(j);
    const t = positionOf(j);
    let a = 0;
    for (let k = h >= 0 ? h : 0; k < (h >= 0 ? h + 1 : H); k++) a += alphaAt(k, t) / H;
    alpha[j] = a;
  }

  const device = model.lastLayerOutputWeight().device;
  const probs = torch.tensor(state.probs, [1, H, T], { device }); // (1, H, T)
  const values = torch.tensor(state.values, [1, H, T, dh], { device }); // (1, H, T, dh)
  const residual = torch.tensor(state.residual, [1, d], { device }); // (1, d)
  const logits = torch.noGrad(() => torch.scope(() => model.rowToLogits(probs, values, residual).toFloat64Array())); // (C)
  const C = logits.length;
  const p = softmax(logits);
  const predicted = argmax(logits);

  // An erasure row is a keep mask over the row's positions: (T) per row when items span every head
  // (broadcast over the heads), (H, T) per row when each (head, position) is its own item.
  const rowWidth = eachHead ? H * T : T;
  const keepShape = (K: number): number[] => (eachHead ? [K, H, T] : [K, 1, T]);
  /** Zeroes item j in row k of a keep mask. */
  const dropItem = (keep: Float32Array, k: number, j: number): void => {
    const h = headOf(j);
    keep[k * rowWidth + (h >= 0 ? h * T : 0) + positionOf(j)] = 0;
  };

  /** Logits (K × C) of the K rows of a keep mask (K × rowWidth), ROWS_PER_CALL rows per rowToLogits call. */
  const evaluateKeep = (keep: Float32Array, K: number): Float64Array => {
    const out = new Float64Array(K * C);
    for (let s = 0; s < K; s += ROWS_PER_CALL) {
      const k = Math.min(ROWS_PER_CALL, K - s);
      const rows = torch.noGrad(() =>
        torch.scope(() => {
          const mask = torch.tensor(keep.subarray(s * rowWidth, (s + k) * rowWidth), keepShape(k), { device }); // (k, 1|H, T)
          const kept = probs.mul(mask); // (k, H, T)
          // A head with nothing left has sum 0 and stays all 0: its context is the zero vector.
          const renormalised = kept.div(kept.sum(-1, true).clamp(1e-38, Infinity)); // (k, H, T)
          return model.rowToLogits(renormalised, values, residual).toFloat64Array(); // (k, C)
        }),
      );
      out.set(rows, s * C);
    }
    return out;
  };

  /** Logits (K × C) after erasing each of the K item sets (erased[j] = 1). */
  const evaluate = (sets: readonly Uint8Array[]): Float64Array => {
    const keep = new Float32Array(sets.length * rowWidth).fill(1);
    sets.forEach((erased, k) => {
      for (let j = 0; j < n; j++) if (erased[j]) dropItem(keep, k, j);
    });
    return evaluateKeep(keep, sets.length);
  };
  const decisionOf = (rows: Float64Array, k: number): number => argmax(rows, k * C, C);

  /** Logits (K × C) after erasing `erased` and, in row k, candidates[k] with it (a greedy step). */
  const withEach = (erased: Uint8Array, candidates: readonly number[]): Float64Array => {
    const base = new Float32Array(rowWidth).fill(1);
    for (let j = 0; j < n; j++) if (erased[j]) dropItem(base, 0, j);
    const keep = new Float32Array(candidates.length * rowWidth);
    candidates.forEach((j, k) => {
      keep.set(base, k * rowWidth);
      dropItem(keep, k, j);
    });
    return evaluateKeep(keep, candidates.length);
  };

  /**
   * The first flip along each order, all orders together: each round evaluates the next prefixes of every
   * order that has not flipped yet, about ROWS_PER_CALL rows in all, so a document's dozen orders cost a
   * few full rowToLogits calls and only the prefixes of a round past an order's flip are spare work.
   */
  const firstFlips = (orders: readonly ArrayLike<number>[]): FirstFlip[] => {
    const out: (FirstFlip | undefined)[] = orders.map(() => undefined);
    // prefix[a]: order a's keep mask with its first `from` items erased.
    const prefix = orders.map(() => new Float32Array(rowWidth).fill(1));
    let from = 0;
    while (from < n) {
      const active = orders.flatMap((_, a) => (out[a] ? [] : [a]));
      if (active.length === 0) break;
      const width = Math.min(n - from, Math.max(FIRST_FLIP_MIN_ROUND, Math.floor(ROWS_PER_CALL / active.length)));
      const keep = new Float32Array(active.length * width * rowWidth);
      active.forEach((a, r) => {
        const row = prefix[a]!;
        for (let i = 0; i < width; i++) {
          dropItem(row, 0, orders[a]![from + i]!);
          keep.set(row, (r * width + i) * rowWidth);
        }
      });
      const rows = evaluateKeep(keep, active.length * width);
      active.forEach((a, r) => {
        for (let i = 0; i < width; i++) {
          const decision = decisionOf(rows, r * width + i);
          if (decision === predicted) continue;
          const k = from + i + 1;
          out[a] = { erased: k, zeroVector: k === n, massErased: massOf(orders[a]!, k), flipsTo: decision };
          break;
        }
      });
      from += width;
    }
    return out.map((f) => f ?? { erased: null, zeroVector: false, massErased: null, flipsTo: null });
  };

  let gradients: { g: Float64Array; gxa: Float64Array } | undefined;
  const gradientsOf = (): { g: Float64Array; gxa: Float64Array } => {
    if (gradients) return gradients;
    if (!torch.isGradEnabled()) throw new Error('transformer gradient ranking: gradients are turned off (called inside noGrad)');
    const grad = torch.scope(() => {
      const leaf = probs.detach().requiresGrad_(true); // (1, H, T): the row's entries as free variables
      model.rowToLogits(leaf, values, residual).softmax(-1).select(1, predicted).sum().backward();
      const gt = leaf.grad!;
      try {
        return gt.toFloat64Array(); // (1, H, T)
      } finally {
        gt.dispose();
      }
    });
    const g = new Float64Array(n);
    const gxa = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const h = headOf(j);
      const t = positionOf(j);
      let gj = 0;
      let gxaj = 0;
      for (let k = h >= 0 ? h : 0; k < (h >= 0 ? h + 1 : H); k++) {
        gj += grad[k * T + t]!;
        gxaj += alphaAt(k, t) * grad[k * T + t]!;
      }
      g[j] = gj;
      gxa[j] = gxaj;
    }
    return (gradients = { g, gxa });
  };

  // Arbitrary rows (backend.ts RowEvaluator): the P item positions per head come from the caller, every
  // other position keeps its own weight. full = fixed + rows @ S with S (P, T) the 0/1 matrix that puts
  // item j at positions[j]: one term per entry, so the scatter is exact and autograd carries through it.
  const rowWeights = new Float64Array(H * P);
  const fixedMass = new Float64Array(H);
  const fixedRow = new Float32Array(H * T);
  for (let h = 0; h < H; h++) {
    for (let t = 0; t < T; t++) fixedRow[h * T + t] = alphaAt(h, t);
    positions.forEach((t, j) => {
      rowWeights[h * P + j] = alphaAt(h, t);
      fixedRow[h * T + t] = 0;
    });
    for (let t = 0; t < T; t++) fixedMass[h]! += fixedRow[h * T + t]!;
  }
  const scatter = new Float32Array(P * T);
  positions.forEach((t, j) => (scatter[j * T + t] = 1));
  const checkRows = (rows: Float64Array, K: number): void => {
    if (rows.length !== K * H * P) throw new Error(`transformer rows: expected K × H × P = ${K} × ${H} × ${P} weights, got ${rows.length}`);
  };
  /** rows (k, H, P) -> the full rows (k, H, T) that rowToLogits reads. */
  const fullRows = (leaf: torch.Tensor): torch.Tensor => {
    const S = torch.tensor(scatter, [P, T], { device }); // (P, T)
    const fixed = torch.tensor(fixedRow, [1, H, T], { device }); // (1, H, T)
    return leaf.matmul(S).add(fixed); // (k, H, P) @ (P, T) + (1, H, T) -> (k, H, T)
  };
  const tvdOfLogits = (x: Float64Array, k: number): number => totalVariation(softmax(x.subarray(k * C, (k + 1) * C)), p);
  const rows: RowEvaluator = {
    heads: H,
    positions: Int32Array.from(positions),
    weights: rowWeights,
    fixedMass,
    logits(given: Float64Array, K: number): Float64Array {
      checkRows(given, K);
      const out = new Float64Array(K * C);
      for (let s = 0; s < K; s += ROWS_PER_CALL) {
        const k = Math.min(ROWS_PER_CALL, K - s);
        const part = torch.noGrad(() =>
          torch.scope(() => {
            const leaf = torch.tensor(Float32Array.from(given.subarray(s * H * P, (s + k) * H * P)), [k, H, P], { device }); // (k, H, P)
            return model.rowToLogits(fullRows(leaf), values, residual).toFloat64Array(); // (k, C)
          }),
        );
        out.set(part, s * C);
      }
      return out;
    },
    tvdWithGradient(given: Float64Array, K: number) {
      checkRows(given, K);
      if (!torch.isGradEnabled()) throw new Error('transformer rows: gradients are turned off (called inside noGrad)');
      const out = new Float64Array(K * C);
      const gradient = new Float64Array(K * H * P);
      for (let s = 0; s < K; s += ROWS_PER_CALL) {
        const k = Math.min(ROWS_PER_CALL, K - s);
        torch.scope(() => {
          const pt = torch.tensor(Float32Array.from(p), [1, C], { device }); // (1, C)
          const leaf = torch.tensor(Float32Array.from(given.subarray(s * H * P, (s + k) * H * P)), [k, H, P], { device }).requiresGrad_(true); // (k, H, P)
          const x = model.rowToLogits(fullRows(leaf), values, residual); // (k, C)
          // Rows are independent, so the gradient of the sum is each row's own gradient.
          x.softmax(-1).sub(pt).abs().sum().mul(0.5).backward();
          out.set(x.detach().toFloat64Array(), s * C);
          const g = leaf.grad!;
          try {
            gradient.set(g.toFloat64Array(), s * H * P);
          } finally {
            g.dispose();
          }
        });
      }
      return { logits: out, tvd: Float64Array.from({ length: K }, (_, k) => tvdOfLogits(out, k)), gradient };
    },
  };

  const massOf = (items: ArrayLike<number>, count: number): number => {
    let m = 0;
    for (let t = 0; t < count; t++) m += alpha[items[t]!]!;
    return m;
  };

  const backend: ErasureBackend = {
    kind: 'transformer-row',
    rankings: TRANSFORMER_RANKINGS,
    erase: evaluate,
    leaveOneOut(): LeaveOneOut {
      const sets = Array.from({ length: n }, (_, i) => {
        const s = new Uint8Array(n);
        s[i] = 1;
        return s;
      });
      const rows = evaluate(sets);
      return { logits: rows, decisions: Int32Array.from({ length: n }, (_, i) => decisionOf(rows, i)) };
    },
    firstFlip: (order) => firstFlips([order])[0]!,
    firstFlips,
    minimalFlipSet(): MinimalFlipSet {
      return greedyFlipSet(n, predicted, C, withEach, massOf);
    },
    gradient: () => gradientsOf().g.slice(),
    gradientTimesAttention: () => gradientsOf().gxa.slice(),
    itemScores(name: 'attention_norm' | 'rollout'): Float64Array {
      const s = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const h = headOf(j);
        const t = positionOf(j);
        if (name === 'attention_norm') s[j] = h >= 0 ? state.normsPerHead[h * T + t]! : state.norms[t]!;
        else if (h >= 0) s[j] = state.rolloutPerHead[h * T + t]!;
        else {
          let r = 0;
          for (let k = 0; k < H; k++) r += state.rolloutPerHead[k * T + t]! / H;
          s[j] = r;
        }
      }
      return s;
    },
    rows,
  };
  return { n, C, alpha, z: new Float64Array(0), b: new Float64Array(0), logits, p, predicted, backend };
}

/**
 * Candidates a greedy step evaluates once the first step has scored every item: the GREEDY_POOL remaining
 * items with the smallest margin when last evaluated (lazy greedy). Documents of up to GREEDY_POOL items
 * get the full greedy search at every step; longer ones cost n + GREEDY_POOL rows per step instead of n.
 */
export const GREEDY_POOL = 32;

/**
 * Greedy best-first flip set: at each step erase, with those already erased, the candidate that leaves the
 * decided class m the smallest margin logit_m − max_{k≠m} logit_k (a candidate that flips the decision
 * first; ties to the lower item). The candidates of a step are every remaining item on the first step and
 * while at most GREEDY_POOL remain, else the GREEDY_POOL with the smallest margin when last evaluated.
 * Whatever it erases is a flip set, so its size is an upper bound on the minimal one. The order is the
 * greedy sequence, then (after the flip) the rest by their margin when last evaluated.
 */
export function greedyFlipSet(
  n: number,
  m: number,
  C: number,
  /** Logits (K × C) after erasing `erased` together with candidates[k], for each k. */
  withEach: (erased: Uint8Array, candidates: readonly number[]) => Float64Array,
  massOf: (items: ArrayLike<number>, count: number) => number,
): MinimalFlipSet {
  const method = 'greedy_upper_bound' as const;
  if (n === 1) return { status: 'single_item', size: null, flipsTo: null, massErased: null, order: Int32Array.of(0), method };
  const erased = new Uint8Array(n);
  const order: number[] = [];
  const lastMargin = new Float64Array(n); // each item's margin when it was last evaluated
  while (order.length < n) {
    let candidates: number[] = [];
    for (let i = 0; i < n; i++) if (!erased[i]) candidates.push(i);
    if (order.length > 0 && candidates.length > GREEDY_POOL) {
      candidates = candidates
        .sort((a, b) => lastMargin[a]! - lastMargin[b]! || a - b)
        .slice(0, GREEDY_POOL)
        .sort((a, b) => a - b);
    }
    const rows = withEach(erased, candidates);
    const margin = new Float64Array(candidates.length);
    const decision = new Int32Array(candidates.length);
    let best = -1;
    candidates.forEach((_, c) => {
      let other = -Infinity;
      for (let k = 0; k < C; k++) if (k !== m) other = Math.max(other, rows[c * C + k]!);
      margin[c] = rows[c * C + m]! - other;
      lastMargin[candidates[c]!] = margin[c];
      decision[c] = argmax(rows, c * C, C);
      const flips = decision[c] !== m;
      const bestFlips = best >= 0 && decision[best] !== m;
      if (best < 0 || (flips && !bestFlips) || (flips === bestFlips && margin[c] < margin[best]!)) best = c;
    });
    const chosen = candidates[best]!;
    erased[chosen] = 1;
    order.push(chosen);
    if (decision[best] !== m) {
      const size = order.length;
      const rest: number[] = [];
      for (let i = 0; i < n; i++) if (!erased[i]) rest.push(i);
      rest.sort((a, b) => lastMargin[a]! - lastMargin[b]! || a - b);
      return {
        status: size === n ? 'zero_vector' : 'flipped',
        size,
        flipsTo: decision[best]!,
        massErased: massOf(order, size),
        order: Int32Array.from([...order, ...rest]),
        method,
      };
    }
  }
  return { status: 'never_flips', size: null, flipsTo: null, massErased: null, order: Int32Array.from(order), method };
}

/** Runs fn with the model's weights out of autograd (the gradient ranking differentiates the row only). */
export function withFrozenWeights<R>(model: TransformerClassifier, fn: () => R): R {
  const params = model.parameters();
  const was = params.map((p) => p.requiresGrad);
  for (const p of params) p.requiresGrad_(false);
  try {
    return fn();
  } finally {
    params.forEach((p, i) => p.requiresGrad_(was[i] ?? true));
  }
}

/** Tensors made for one document live only while fn runs. */
export function withTransformerContext<R>(
  model: TransformerClassifier,
  state: TransformerRowState,
  opts: TransformerErasureOptions,
  fn: (doc: DocumentContext) => R,
): R {
  return withFrozenWeights(model, () => torch.scope(() => fn(transformerContext(model, state, opts))));
}

/** The items' words for the examples: one token per item (with its head when heads are erased one by one). */
export function transformerItems(state: TransformerRowState, opts: TransformerErasureOptions = {}): string[][] | undefined {
  if (!state.tokens) return undefined;
  const positions = state.tokens.map((_, t) => t).filter((t) => opts.specials !== 'out' || !state.special[t]);
  if (opts.heads !== 'each') return positions.map((t) => [state.tokens![t]!]);
  return Array.from({ length: state.H }, (_, h) => positions.map((t) => [`${state.tokens![t]!} (head ${h})`])).flat();
}

/** Every test of the battery on one transformer document (the same tests and records as HAN/FLAN). */
export function testTransformerDocument(
  model: TransformerClassifier,
  state: TransformerRowState,
  index: number,
  options: BatteryOptions & TransformerErasureOptions,
): DocumentResult {
  return withTransformerContext(model, state, options, (doc) => testDocument(doc, state, index, options));
}

/** The battery over transformer states 0..n-1 of a run, with the summary (as runBattery for HAN/FLAN). */
export function runTransformerBattery(
  model: TransformerClassifier,
  states: readonly TransformerRowState[],
  options: BatteryOptions & TransformerErasureOptions & { run?: BatterySummary['run']; firstIndex?: number },
): BatteryRun {
  const first = options.firstIndex ?? 0;
  const documents = states.map((s, i) => testTransformerDocument(model, s, first + i, options));
  const run = { ...(options.run ?? {}), erasureBackend: 'transformer-row', heads: options.heads ?? 'all', specials: options.specials ?? 'in' };
  return { documents, summary: summarize(documents, model.config.labels, { ...options, run }) };
}
