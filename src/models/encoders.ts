// The three encoders of docs/method.md §1, each a map (N, T, Din) -> (N, T, Dout) over a padded batch whose padding
// positions are zero on input:
//   rnn:   bidirectional GRU, `size` units per direction (50 in the paper); padding never enters either direction.
//   conv:  two parallel 1-D convolutions, widths 5 and 3, `size` filters each (50), zero "same" padding, ReLU,
//          outputs concatenated. Because padding is zero on input, a position near the end of a short
//          sequence sees exactly what it would see alone.
//   noenc: identity.
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { Conv1d, GRU, Module } from '../nn/index.ts';

export const ENCODERS = ['rnn', 'conv', 'noenc'] as const;
export type EncoderKind = (typeof ENCODERS)[number];

export abstract class Encoder extends Module {
  abstract readonly outDim: number;
  /** x (N, T, Din) zero at padding, lengths (N) int64 in 1..T -> (N, T, outDim). */
  abstract forward(x: Tensor, lengths: Tensor): Tensor;
}

export class RnnEncoder extends Encoder {
  readonly gru: GRU;
  readonly outDim: number;
  constructor(dIn: number, hidden: number) {
    super();
    this.gru = this.child('gru', new GRU(dIn, hidden, true));
    this.outDim = 2 * hidden;
  }
  forward(x: Tensor, lengths: Tensor): Tensor {
    return this.gru.forward(x, lengths); // (N, T, 2H), zero at padding
  }
}

export class ConvEncoder extends Encoder {
  readonly conv5: Conv1d;
  readonly conv3: Conv1d;
  readonly outDim: number;
  constructor(dIn: number, filters: number) {
    super();
    this.conv5 = this.child('conv5', new Conv1d(dIn, filters, 5));
    this.conv3 = this.child('conv3', new Conv1d(dIn, filters, 3));
    this.outDim = 2 * filters;
  }
  forward(x: Tensor, _lengths: Tensor): Tensor {
    const xt = x.transpose(1, 2); // (N, Din, T)
    const y = torch.cat([this.conv5.forward(xt).relu(), this.conv3.forward(xt).relu()], 1); // (N, 2F, T)
    return y.transpose(1, 2); // (N, T, 2F)
  }
}

export class NoEncoder extends Encoder {
  constructor(readonly outDim: number) {
    super();
  }
  forward(x: Tensor, _lengths: Tensor): Tensor {
    return x; // (N, T, Din)
  }
}

/** size: GRU units per direction (rnn) or filters per width (conv); ignored by noenc. */
export function makeEncoder(kind: EncoderKind, dIn: number, size: number): Encoder {
  switch (kind) {
    case 'rnn':
      return new RnnEncoder(dIn, size);
    case 'conv':
      return new ConvEncoder(dIn, size);
    case 'noenc':
      return new NoEncoder(dIn);
  }
}
