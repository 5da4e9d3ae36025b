// Finite-difference gradient check: compares autograd's gradient of L = sum(f(x) * R) (R fixed random)
// with central differences of L in every input element, in float64.
import * as torch from '../../src/torch/index.ts';
import type { Tensor } from '../../src/torch/index.ts';
import { Rng } from '../../src/util/rng.ts';

export interface GradcheckResult {
  maxAbsErr: number;
  maxRelErr: number;
  worst: string;
}

/** inputs: float64 data for each differentiable input; f builds the output from tensors. */
export function gradcheck(
  f: (xs: Tensor[]) => Tensor,
  inputs: { data: number[] | Float64Array; shape: number[] }[],
  seed = 1,
  eps = 1e-6,
): GradcheckResult {
  return torch.scope(() => {
    const rng = new Rng(seed);
    const xs = inputs.map((i) => torch.tensor(Float64Array.from(i.data), i.shape, { dtype: 'float64', requiresGrad: true }));
    const out0 = f(xs);
    const R = torch.tensor(Float64Array.from({ length: out0.numel }, () => rng.normal()), out0.shape, { dtype: 'float64' });
    const loss = out0.mul(R).sum();
    loss.backward();
    const analytic = xs.map((x) => x.grad?.toFloat64Array() ?? new Float64Array(x.numel));
    const lossAt = (k: number, data: Float64Array): number =>
      torch.noGrad(() =>
        torch.scope(() => {
          const ys = xs.map((x, j) => (j === k ? torch.tensor(data, x.shape, { dtype: 'float64' }) : x.detach()));
          return f(ys).mul(R).sum().item();
        }),
      );
    let maxAbsErr = 0;
    let maxRelErr = 0;
    let worst = '';
    xs.forEach((x, k) => {
      const base = Float64Array.from(inputs[k]!.data);
      for (let i = 0; i < base.length; i++) {
        const v = base[i]!;
        base[i] = v + eps;
        const up = lossAt(k, base);
        base[i] = v - eps;
        const down = lossAt(k, base);
        base[i] = v;
        const numeric = (up - down) / (2 * eps);
        const a = analytic[k]![i]!;
        const abs = Math.abs(numeric - a);
        const rel = abs / Math.max(1, Math.abs(numeric), Math.abs(a));
        if (rel > maxRelErr) worst = `input ${k} element ${i}: numeric ${numeric}, autograd ${a}`;
        maxAbsErr = Math.max(maxAbsErr, abs);
        maxRelErr = Math.max(maxRelErr, rel);
      }
    });
    return { maxAbsErr, maxRelErr, worst };
  });
}

export function randomData(n: number, rng: Rng, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal() * scale);
}
