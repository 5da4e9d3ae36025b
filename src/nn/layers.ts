// The layers the six architectures need, with PyTorch's parameter names and shapes.
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { Module } from './module.ts';
import { xavierUniform_, zeros_ } from './init.ts';

export class Linear extends Module {
  readonly weight: Tensor; // (out, in)
  readonly bias: Tensor | null; // (out)
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean } = {}) {
    super();
    this.weight = this.param('weight', xavierUniform_(torch.zeros([outFeatures, inFeatures])));
    this.bias = opts.bias === false ? null : this.param('bias', zeros_(torch.zeros([outFeatures])));
  }
  /** x (..., in) -> (..., out) */
  forward(x: Tensor): Tensor {
    return torch.linear(x, this.weight, this.bias);
  }
}

export class Embedding extends Module {
  readonly weight: Tensor; // (V, E)
  /** Row paddingIdx starts at zero and never receives a gradient (torch.nn.Embedding(padding_idx=...)). */
  constructor(readonly numEmbeddings: number, readonly dim: number, readonly paddingIdx = 0) {
    super();
    const w = torch.randn([numEmbeddings, dim]);
    // A block body: an expression body would return the view, and the scope would let it escape.
    if (paddingIdx >= 0) torch.scope(() => {
      w.select(0, paddingIdx).fill_(0);
    });
    this.weight = this.param('weight', w);
  }
  /** ids (...) int64 -> (..., E) */
  forward(ids: Tensor): Tensor {
    return torch.embedding(this.weight, ids, this.paddingIdx);
  }
  /** Overwrites the rows with vectors (V*E row-major), e.g. word2vec; the padding row stays zero. */
  setWeights(vectors: Float32Array): void {
    if (vectors.length !== this.numEmbeddings * this.dim) {
      throw new Error(`embedding vectors: expected ${this.numEmbeddings}x${this.dim} values, got ${vectors.length}`);
    }
    torch.scope(() => {
      this.weight.copy_(torch.tensor(vectors, [this.numEmbeddings, this.dim]));
      if (this.paddingIdx >= 0) this.weight.select(0, this.paddingIdx).fill_(0);
    });
  }
}

/** 1-D convolution over (B, Cin, L) with "same" zero padding for odd kernel sizes. */
export class Conv1d extends Module {
  readonly weight: Tensor; // (Cout, Cin, k)
  readonly bias: Tensor; // (Cout)
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number) {
    super();
    if (kernelSize % 2 !== 1) throw new Error(`Conv1d: "same" padding needs an odd kernel size, got ${kernelSize}`);
    this.weight = this.param('weight', xavierUniform_(torch.zeros([outChannels, inChannels, kernelSize])));
    this.bias = this.param('bias', zeros_(torch.zeros([outChannels])));
  }
  /** x (B, Cin, L) -> (B, Cout, L) */
  forward(x: Tensor): Tensor {
    return torch.conv1d(x, this.weight, this.bias, 1, (this.kernelSize - 1) / 2);
  }
}

/** One-layer GRU, batch first, optionally bidirectional; parameters named as torch.nn.GRU's. */
export class GRU extends Module {
  private readonly weights: Tensor[] = [];
  constructor(readonly inputSize: number, readonly hiddenSize: number, readonly bidirectional = true) {
    super();
    const H = hiddenSize;
    for (const suffix of bidirectional ? ['', '_reverse'] : ['']) {
      const wIh = xavierUniform_(torch.zeros([3 * H, inputSize]));
      // Orthogonal per gate block (r, z, n): each (H, H) recurrent matrix is orthogonal.
      const wHh = torch.zeros([3 * H, H]);
      torch.scope(() => {
        for (let g = 0; g < 3; g++) wHh.narrow(0, g * H, H).orthogonal_();
      });
      this.weights.push(
        this.param(`weight_ih_l0${suffix}`, wIh),
        this.param(`weight_hh_l0${suffix}`, wHh),
        this.param(`bias_ih_l0${suffix}`, torch.zeros([3 * H])),
        this.param(`bias_hh_l0${suffix}`, torch.zeros([3 * H])),
      );
    }
  }
  get outputSize(): number {
    return this.hiddenSize * (this.bidirectional ? 2 : 1);
  }
  /** x (B, T, D), lengths (B) int64 in 1..T -> (B, T, dirs*H), zero at padding. */
  forward(x: Tensor, lengths: Tensor): Tensor {
    const { output, hidden } = torch.gru(x, lengths, { weights: this.weights, bidirectional: this.bidirectional }, this.training);
    hidden.dispose();
    return output;
  }
}

export class Dropout extends Module {
  constructor(readonly p: number) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return this.p === 0 || !this.training ? x : torch.dropout(x, this.p, true);
  }
}
