// Initialisers of docs/method.md §1: Xavier-uniform for linear/conv weights, orthogonal for GRU recurrent weights,
// zeros for biases. Same formulas as torch.nn.init; the random stream is libtorch's (manualSeed).
import type { Tensor } from '../torch/index.ts';

/** fan_in / fan_out as torch.nn.init computes them: dims 0 and 1 times the receptive field. */
export function fans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error(`fan in/out need at least 2 dims, got [${shape}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return t.uniform_(-a, a);
}

export function zeros_(t: Tensor): Tensor {
  return t.fill_(0);
}
