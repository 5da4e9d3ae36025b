// Adam (Kingma & Ba), PyTorch 1.13's arithmetic, one native call per step for all parameters.
import { native } from './native.ts';
import { keep } from './scope.ts';
import { tensor, zeros } from './create.ts';
import type { Tensor } from './tensor.ts';

export interface AdamOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adam {
  /** Changeable between steps (learning-rate schedules). */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly expAvg: Tensor[];
  readonly expAvgSq: Tensor[];
  /** Per-parameter step counts (float64, CPU), as PyTorch keeps them. */
  readonly steps: Tensor;

  constructor(readonly params: Tensor[], opts: AdamOptions) {
    this.lr = opts.lr;
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.expAvg = params.map((p) => keep(zeros(p.shape, { dtype: p.dtype, device: p.device })));
    this.expAvgSq = params.map((p) => keep(zeros(p.shape, { dtype: p.dtype, device: p.device })));
    this.steps = keep(tensor(new Float64Array(params.length), [params.length], { dtype: 'float64' }));
  }

  step(): void {
    native.adamStep(
      this.params.map((p) => p.handle),
      this.expAvg.map((t) => t.handle),
      this.expAvgSq.map((t) => t.handle),
      this.steps.handle,
      this.lr,
      this.beta1,
      this.beta2,
      this.eps,
      this.weightDecay,
    );
  }

  zeroGrad(): void {
    native.zeroGrad(this.params.map((p) => p.handle));
  }

  /** The optimizer state as named tensors (for checkpoints); load with loadState. */
  state(): Map<string, Tensor> {
    const m = new Map<string, Tensor>();
    this.expAvg.forEach((t, i) => m.set(`exp_avg.${i}`, t));
    this.expAvgSq.forEach((t, i) => m.set(`exp_avg_sq.${i}`, t));
    m.set('step', this.steps);
    return m;
  }

  loadState(state: Map<string, Tensor>): void {
    const get = (k: string): Tensor => {
      const t = state.get(k);
      if (!t) throw new Error(`optimizer state lacks '${k}' (was it saved for a different model?)`);
      return t;
    };
    this.expAvg.forEach((t, i) => t.copy_(get(`exp_avg.${i}`)));
    this.expAvgSq.forEach((t, i) => t.copy_(get(`exp_avg_sq.${i}`)));
    this.steps.copy_(get('step'));
  }

  dispose(): void {
    for (const t of [...this.expAvg, ...this.expAvgSq, this.steps]) t.dispose();
  }
}
