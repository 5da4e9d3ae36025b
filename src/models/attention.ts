// Additive attention (Bahdanau et al. 2015; Yang et al. 2016), docs/method.md §1:
//   u_i = tanh(W h_i + b),  score_i = u_i . c,  alpha = softmax over the real (unmasked) positions,
//   s = sum_i alpha_i h_i.
// The normaliser may instead be sparsemax or entmax-1.5 (sparse-attention.ts, docs/faithfulness.md §1),
// or uniform (1/n, the scores never computed: proj and context stay at their initial values).
// c is a learned context vector with no bias. Padding gets alpha exactly 0, so it never reaches s.
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { Linear, Module } from '../nn/index.ts';
import { maskedUniform, normalise, type AttentionKind } from './sparse-attention.ts';

export class Attention extends Module {
  readonly proj: Linear;
  readonly context: Tensor; // (D)

  constructor(
    readonly dim: number,
    readonly kind: AttentionKind = 'softmax',
  ) {
    super();
    this.proj = this.child('proj', new Linear(dim, dim));
    // uniform(-1/sqrt(D), 1/sqrt(D)), as reference/torch_models.py's init_weights.
    const bound = 1 / Math.sqrt(dim);
    this.context = this.param('context', torch.zeros([dim]).uniform_(-bound, bound));
  }

  /** h (N, T, D), mask (N, T) bool, every row with at least one true -> alpha (N, T), s (N, D). */
  forward(h: Tensor, mask: Tensor): { alpha: Tensor; s: Tensor } {
    if (this.kind === 'uniform') {
      const alpha = maskedUniform(mask, h.dtype); // (N, T)
      return { alpha, s: alpha.unsqueeze(1).matmul(h).squeeze(1) }; // (N, D)
    }
    const scores = this.proj.forward(h).tanh().matmul(this.context); // (N, T)
    const alpha = normalise(this.kind, scores, mask); // (N, T), 0 at padding
    const s = alpha.unsqueeze(1).matmul(h).squeeze(1); // (N, 1, T) @ (N, T, D) -> (N, D)
    return { alpha, s };
  }
}
