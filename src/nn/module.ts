// Module: named parameters in PyTorch's layout ("encoder.weight_ih_l0"), children, and the train/eval flag.
import { keep, type Tensor } from '../torch/index.ts';

export abstract class Module {
  private readonly params = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();
  /** Dropout and the GRU read this; eval() turns it off. */
  training = true;

  /** Registers a parameter: it requires grad and is kept out of every scope. */
  protected param(name: string, t: Tensor): Tensor {
    if (this.params.has(name) || this.children.has(name)) throw new Error(`duplicate parameter name '${name}'`);
    keep(t).requiresGrad_(true);
    this.params.set(name, t);
    return t;
  }

  protected child<M extends Module>(name: string, m: M): M {
    if (this.params.has(name) || this.children.has(name)) throw new Error(`duplicate module name '${name}'`);
    this.children.set(name, m);
    return m;
  }

  /** All parameters with dotted names, in registration order (this module's first, then children's). */
  namedParameters(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [k, t] of this.params) out.set(prefix + k, t);
    for (const [k, m] of this.children) for (const [kk, t] of m.namedParameters(`${prefix}${k}.`)) out.set(kk, t);
    return out;
  }

  parameters(): Tensor[] {
    return [...this.namedParameters().values()];
  }

  train(on = true): this {
    this.training = on;
    for (const m of this.children.values()) m.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Moves every parameter to device ('cpu', 'cuda', 'cuda:N') in place. Build optimizers after this. */
  to(device: string): this {
    for (const p of this.namedParameters().values()) p.moveTo_(device);
    return this;
  }

  /** Copies values into the parameters by name; every parameter must be present with the same shape. */
  loadStateDict(state: Map<string, Tensor>, source = 'state dict'): void {
    const mine = this.namedParameters();
    const missing = [...mine.keys()].filter((k) => !state.has(k));
    const extra = [...state.keys()].filter((k) => !mine.has(k));
    if (missing.length || extra.length) {
      throw new Error(
        `${source} does not match the model: ` +
          [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : '']
            .filter(Boolean)
            .join('; '),
      );
    }
    for (const [k, p] of mine) {
      const src = state.get(k)!;
      if (src.shape.join() !== p.shape.join()) {
        throw new Error(`${source}: '${k}' has shape [${src.shape}] but the model expects [${p.shape}]`);
      }
      p.copy_(src);
    }
  }

  /** Frees every parameter. */
  dispose(): void {
    for (const t of this.namedParameters().values()) t.dispose();
  }
}

/**
 * Runs fn with `module` in eval mode (dropout off, the GRU in inference mode) and puts its train/eval flag
 * back afterwards, also when fn throws. The flag is restored with module.train(flag), which sets every
 * child to it, as each caller did by hand before. When fn returns a promise the flag is restored once the
 * promise settles (the module stays in eval mode across fn's awaits). Nested calls restore in turn: the
 * inner one puts back eval mode, the outer one the flag it found.
 */
export function inEvalMode<T>(module: Module, fn: () => T): T {
  const wasTraining = module.training;
  module.eval();
  let result: T;
  try {
    result = fn();
  } catch (err) {
    module.train(wasTraining);
    throw err;
  }
  if (result instanceof Promise) {
    return result.finally(() => module.train(wasTraining)) as T;
  }
  module.train(wasTraining);
  return result;
}
