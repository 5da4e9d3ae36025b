// Reference implementations through the tensor engine, for tests and benchmarks only: they re-run the
// classifier on the renormalised attention for every erasure (what the authors' code did) and take the
// gradient by autograd, so the fast path of docs/method.md §4 and the closed form of docs/method.md §5 can be checked
// against an independent computation.
import { linear, noGrad, scope, tensor, type Tensor } from '../torch/index.ts';
import type { ClassifierHead, FinalLayerState } from './types.ts';

function headTensors(head: ClassifierHead): { W: Tensor; b: Tensor } {
  return {
    W: tensor(head.W, [head.C, head.d], { dtype: 'float64' }),
    b: tensor(head.b, [head.C], { dtype: 'float64' }),
  };
}

/**
 * logits' = W (sum_i alpha'_i h_i) + b with alpha' the renormalised attention after erasing the items
 * with erased[i] set (the zero vector, logits' = b, when all are erased). Double precision.
 */
export function slowLogitsAfterErasing(
  state: FinalLayerState,
  head: ClassifierHead,
  erased: ArrayLike<boolean | number>,
): Float64Array {
  const n = state.alpha.length;
  return scope(() =>
    noGrad(() => {
      const { W, b } = headTensors(head);
      const keep = Float64Array.from({ length: n }, (_, i) => (erased[i] ? 0 : 1));
      const kept = tensor(state.alpha, [n], { dtype: 'float64' }).mul(tensor(keep, [n], { dtype: 'float64' })); // (n)
      const mass = kept.sum().item();
      const alphaPrime = mass > 0 ? kept.div(mass) : kept; // all zero when everything is erased
      const h = tensor(state.h, [n, head.d]).to('float64'); // (n, d)
      const s = alphaPrime.unsqueeze(0).matmul(h); // (1, d)
      return linear(s, W, b).toFloat64Array(); // (1, C) -> C values
    }),
  );
}

/**
 * d p_m / d alpha_i by autograd at the unmodified alpha (no renormalisation), m = argmax of the logits:
 * the quantity docs/method.md §5 ranks by.
 */
export function autogradAttentionGradient(state: FinalLayerState, head: ClassifierHead): Float64Array {
  const n = state.alpha.length;
  return scope(() => {
    const { W, b } = headTensors(head);
    const alpha = tensor(state.alpha, [n], { dtype: 'float64', requiresGrad: true }); // (n)
    const h = tensor(state.h, [n, head.d]).to('float64'); // (n, d)
    const x = linear(alpha.unsqueeze(0).matmul(h), W, b).squeeze(0); // (C)
    const p = x.softmax(0);
    const m = x.argmax(0).item();
    p.select(0, m).backward();
    const g = alpha.grad!;
    try {
      return g.toFloat64Array();
    } finally {
      g.dispose();
    }
  });
}
