// Gradient mode and gradient utilities.
import { native } from './native.ts';
import type { Tensor } from './tensor.ts';

/** Runs fn with gradient recording off, restoring the previous mode afterwards (also on throw). */
export function noGrad<R>(fn: () => R): R {
  const prev: boolean = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/** Drops the gradients of ts (set to none, as PyTorch's zero_grad()). */
export function zeroGrad(ts: Tensor[]): void {
  native.zeroGrad(ts.map((t) => t.handle));
}

/** Scales the gradients of params so that their joint 2-norm is at most maxNorm (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping. */
export function clipGradNorm(params: Tensor[], maxNorm: number): number {
  return native.clipGradNorm(params.map((t) => t.handle), maxNorm);
}
