// Sparse normalisers for the additive attention (docs/faithfulness.md §1), over the last dimension of
// scores (N, T) with a bool mask (N, T), every row with at least one true. Padding gets exactly 0.
//   sparsemax (Martins & Astudillo 2016): the Euclidean projection of z onto the simplex,
//     p_i = max(z_i - tau, 0) with sum p = 1.
//   entmax-1.5 (Peters et al. 2019): p_i = max(x_i - tau, 0)^2 with x = z / 2 and sum p = 1.
// Both in two steps: (1) without gradient, the exact sort-based search finds the support S (the items
// with p_i > 0); (2) with gradient, tau is written in closed form over S and p recomputed from it. For a
// fixed S the closed form satisfies sum p = 1 identically, so autograd through step 2 gives the exact
// Jacobian (sparsemax: diag(s) - s s^T / |S|; entmax: the implicit-function one), not an approximation.
// S is piecewise constant in z, so its own derivative is 0 almost everywhere.
//   uniform (Wiegreffe & Pinter 2019's baseline): alpha_i = 1/n over the n real items, whatever the
//     scores; it depends on the mask only, so no gradient reaches the scorer (docs/faithfulness.md).
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';

export const ATTENTION_KINDS = ['softmax', 'sparsemax', 'entmax15', 'uniform'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export function isAttentionKind(s: unknown): s is AttentionKind {
  return typeof s === 'string' && (ATTENTION_KINDS as readonly string[]).includes(s);
}

/** Ranks 1..T along the last dimension, shaped (1, T), in x's dtype and device. */
function ranks(x: Tensor): Tensor {
  const T = x.size(1);
  return torch.arange(1, T + 1, 1, { dtype: x.dtype, device: x.device }).unsqueeze(0); // (1, T)
}

/** Float 1 where the sorted position k (1-based) is within the row's real length. */
function realPrefix(x: Tensor, maskF: Tensor): Tensor {
  const len = maskF.sum(1, true); // (N, 1)
  return ranks(x).sub(len).lt(0.5).to(x.dtype); // (N, T): k <= len
}

/** The support of sparsemax(z) as a float mask (N, T); no gradient. */
function sparsemaxSupport(z: Tensor, mask: Tensor): Tensor {
  return torch.noGrad(() =>
    torch.scope(() => {
      const maskF = mask.to(z.dtype); // (N, T)
      const sorted = z.maskedFill(mask.logicalNot(), -Infinity).sort(1, true).values; // (N, T), padding last
      const k = ranks(z); // (1, T)
      const cs = sorted.cumsum(1); // (N, T)
      // k is in the support iff 1 + k z_(k) > sum_{j<=k} z_(j) (Martins & Astudillo 2016, Alg. 1).
      const inS = sorted.mul(k).add(1).sub(cs).gt(0).to(z.dtype).mul(realPrefix(z, maskF)); // (N, T)
      const kStar = inS.sum(1, true); // (N, 1), >= 1
      const idx = kStar.sub(1).to('int64'); // (N, 1)
      const tau = cs.gather(1, idx).sub(1).div(kStar); // (N, 1)
      return z.sub(tau).gt(0).to(z.dtype).mul(maskF); // (N, T)
    }),
  );
}

/** sparsemax over the real positions of each row; (N, T) -> (N, T), exactly 0 outside the support. */
export function maskedSparsemax(scores: Tensor, mask: Tensor): Tensor {
  return torch.scope(() => {
    const S = sparsemaxSupport(scores, mask); // (N, T)
    const tau = scores.mul(S).sum(1, true).sub(1).div(S.sum(1, true)); // (N, 1)
    return scores.sub(tau).relu().mul(S); // (N, T)
  });
}

/** The support of entmax-1.5(z) as a float mask (N, T); no gradient. Peters et al. (2019), Alg. 2. */
function entmax15Support(x: Tensor, mask: Tensor): Tensor {
  return torch.noGrad(() =>
    torch.scope(() => {
      const maskF = mask.to(x.dtype); // (N, T)
      const notMask = mask.logicalNot(); // (N, T)
      const shifted = x.sub(x.maskedFill(notMask, -Infinity).amax(1, true)); // (N, T), <= 0 at real positions
      // Padding sorts last (a finite -1e30, so no inf - inf) and is then zeroed and never counted (prefix).
      const prefix = realPrefix(x, maskF); // (N, T)
      const d = shifted.maskedFill(notMask, -1e30).sort(1, true).values.mul(prefix); // (N, T)
      const k = ranks(x); // (1, T)
      const mean = d.cumsum(1).div(k); // (N, T)
      const meanSq = d.mul(d).cumsum(1).div(k); // (N, T)
      const ss = meanSq.sub(mean.mul(mean)).mul(k); // (N, T)
      const tau = mean.sub(ss.rsub(1).div(k).relu().sqrt()); // (N, T)
      // The support size is the number of k with tau_k <= x_(k) (the reference's count).
      const kStar = tau.sub(d).gt(0).logicalNot().to(x.dtype).mul(prefix).sum(1, true); // (N, 1), >= 1
      const tauStar = tau.gather(1, kStar.sub(1).to('int64')); // (N, 1)
      return shifted.sub(tauStar).gt(0).to(x.dtype).mul(maskF); // (N, T)
    }),
  );
}

/** entmax-1.5 over the real positions of each row; (N, T) -> (N, T), exactly 0 outside the support. */
export function maskedEntmax15(scores: Tensor, mask: Tensor): Tensor {
  return torch.scope(() => {
    const x = scores.div(2); // (N, T)
    const S = entmax15Support(x, mask); // (N, T)
    const k = S.sum(1, true); // (N, 1)
    const mean = x.mul(S).sum(1, true).div(k); // (N, 1)
    const centred = x.sub(mean).mul(S); // (N, T)
    const ss = centred.mul(centred).sum(1, true); // (N, 1)
    const tau = mean.sub(ss.rsub(1).div(k).relu().sqrt()); // (N, 1): sum_S (x_i - tau)^2 = 1
    const r = x.sub(tau).relu().mul(S); // (N, T)
    return r.mul(r); // (N, T)
  });
}

/** 1/n at each of the n real positions of a row, exactly 0 at padding; (N, T) bool -> (N, T), no gradient path. */
export function maskedUniform(mask: Tensor, dtype: Tensor['dtype']): Tensor {
  return torch.scope(() => {
    const m = mask.to(dtype); // (N, T)
    return m.div(m.sum(1, true)); // (N, T): 1 / n, correctly rounded
  });
}

/** The attention normaliser of one kind, masked: softmax is torch.maskedSoftmax unchanged. */
export function normalise(kind: AttentionKind, scores: Tensor, mask: Tensor): Tensor {
  switch (kind) {
    case 'softmax':
      return torch.maskedSoftmax(scores, mask, 1);
    case 'sparsemax':
      return maskedSparsemax(scores, mask);
    case 'entmax15':
      return maskedEntmax15(scores, mask);
    case 'uniform':
      return maskedUniform(mask, scores.dtype);
  }
}
