// Tensor: a libtorch tensor owned from TypeScript. Every op returns a new Tensor registered with the
// innermost scope (see scope.ts). Dims may be negative, as in PyTorch. Errors from libtorch arrive as JS
// Errors carrying libtorch's own message.
import { native, type Handle } from './native.ts';
import { track, type Owned } from './scope.ts';

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'uint8';
/** 'cpu', 'cuda' or 'cuda:N'. */
export type Device = string;
export type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export class Tensor implements Owned {
  kept = false;
  private h: Handle | null;
  private cachedShape: number[] | undefined;

  /** Wraps a handle returned by the addon. Library code only. */
  constructor(handle: Handle) {
    this.h = handle;
    track(this);
  }

  /** The addon handle; throws if disposed. */
  get handle(): Handle {
    if (this.h === null) throw new Error('tensor was already disposed');
    return this.h;
  }

  /** Frees the tensor's memory now. Idempotent. */
  dispose(): void {
    if (this.h !== null) {
      native.dispose(this.h);
      this.h = null;
    }
  }

  get disposed(): boolean {
    return this.h === null;
  }

  // ---- metadata ----
  get shape(): number[] {
    return (this.cachedShape ??= native.shape(this.handle));
  }
  get dim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  get dtype(): DType {
    return native.dtype(this.handle);
  }
  get device(): Device {
    return native.device(this.handle);
  }
  size(d: number): number {
    const s = this.shape;
    return s[d < 0 ? s.length + d : d]!;
  }

  // ---- read-back (copies) ----
  toTypedArray(): TypedData {
    return native.toTypedArray(this.handle);
  }
  toFloat32Array(): Float32Array {
    return this.dtype === 'float32' ? (native.toTypedArray(this.handle) as Float32Array) : this.via('float32');
  }
  toFloat64Array(): Float64Array {
    return this.dtype === 'float64' ? (native.toTypedArray(this.handle) as Float64Array) : this.via('float64');
  }
  toInt32Array(): Int32Array {
    return this.dtype === 'int32' ? (native.toTypedArray(this.handle) as Int32Array) : this.via('int32');
  }
  /** Nested plain numbers are rarely needed; this gives a flat number[]. */
  toArray(): number[] {
    return Array.from(this.toFloat64Array());
  }
  item(): number {
    return native.item(this.handle);
  }
  private via<A extends TypedData>(dtype: DType): A {
    const t = new Tensor(native.toDType(this.handle, dtype));
    try {
      return native.toTypedArray(t.handle) as A; // the typed array of `dtype`
    } finally {
      t.dispose();
    }
  }

  // ---- autograd ----
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  /** Sets requires_grad in place; returns this. */
  requiresGrad_(on = true): this {
    native.setRequiresGrad(this.handle, on);
    return this;
  }
  /** The accumulated gradient as a new tensor (sharing storage with libtorch's), or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }
  backward(gradient?: Tensor): void {
    native.backward(this.handle, gradient?.handle ?? null);
  }
  detach(): Tensor {
    return new Tensor(native.detach(this.handle));
  }

  // ---- conversion ----
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- Device is string; the union documents both kinds
  to(dtypeOrDevice: DType | Device): Tensor {
    return isDType(dtypeOrDevice)
      ? new Tensor(native.toDType(this.handle, dtypeOrDevice))
      : new Tensor(native.toDevice(this.handle, dtypeOrDevice));
  }
  clone(): Tensor {
    return new Tensor(native.clone(this.handle));
  }
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this.handle));
  }

  // ---- arithmetic (broadcasting) ----
  add(o: Tensor | number): Tensor {
    return new Tensor(typeof o === 'number' ? native.addScalar(this.handle, o) : native.add(this.handle, o.handle));
  }
  sub(o: Tensor | number): Tensor {
    return new Tensor(typeof o === 'number' ? native.addScalar(this.handle, -o) : native.sub(this.handle, o.handle));
  }
  /** o - this. */
  rsub(o: number): Tensor {
    return new Tensor(native.rsubScalar(this.handle, o));
  }
  mul(o: Tensor | number): Tensor {
    return new Tensor(typeof o === 'number' ? native.mulScalar(this.handle, o) : native.mul(this.handle, o.handle));
  }
  div(o: Tensor | number): Tensor {
    return new Tensor(typeof o === 'number' ? native.divScalar(this.handle, o) : native.div(this.handle, o.handle));
  }
  pow(e: number): Tensor {
    return new Tensor(native.powScalar(this.handle, e));
  }
  neg(): Tensor {
    return new Tensor(native.neg(this.handle));
  }
  matmul(o: Tensor): Tensor {
    return new Tensor(native.matmul(this.handle, o.handle));
  }

  // ---- elementwise ----
  tanh(): Tensor {
    return new Tensor(native.tanh(this.handle));
  }
  sigmoid(): Tensor {
    return new Tensor(native.sigmoid(this.handle));
  }
  relu(): Tensor {
    return new Tensor(native.relu(this.handle));
  }
  exp(): Tensor {
    return new Tensor(native.exp(this.handle));
  }
  log(): Tensor {
    return new Tensor(native.log(this.handle));
  }
  sqrt(): Tensor {
    return new Tensor(native.sqrt(this.handle));
  }
  abs(): Tensor {
    return new Tensor(native.abs(this.handle));
  }
  sign(): Tensor {
    return new Tensor(native.sign(this.handle));
  }
  /** GELU with the exact erf form, x Φ(x) (not the tanh approximation): what BERT's "gelu" means. */
  gelu(): Tensor {
    return new Tensor(native.gelu(this.handle));
  }
  clamp(min: number, max: number): Tensor {
    return new Tensor(native.clamp(this.handle, min, max));
  }

  // ---- reductions ----
  /** Sum over dims (all when omitted). */
  sum(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.sum(this.handle, dimList(dims), keepdim));
  }
  mean(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.mean(this.handle, dimList(dims), keepdim));
  }
  amax(dims: number | number[], keepdim = false): Tensor {
    return new Tensor(native.amax(this.handle, typeof dims === 'number' ? [dims] : dims, keepdim));
  }
  max(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    const [v, i] = native.max(this.handle, dim, keepdim);
    return { values: new Tensor(v), indices: new Tensor(i) };
  }
  sort(dim: number, descending = false): { values: Tensor; indices: Tensor } {
    const [v, i] = native.sort(this.handle, dim, descending);
    return { values: new Tensor(v), indices: new Tensor(i) };
  }
  /** Running sum along dim (sparsemax / entmax support search, src/models/sparse-attention.ts). */
  cumsum(dim: number): Tensor {
    return new Tensor(native.cumsum(this.handle, dim));
  }
  argmax(dim: number, keepdim = false): Tensor {
    return new Tensor(native.argmax(this.handle, dim, keepdim));
  }
  /** The 2-norm of all elements. */
  norm(): Tensor {
    return new Tensor(native.norm(this.handle));
  }
  softmax(dim: number): Tensor {
    return new Tensor(native.softmax(this.handle, dim));
  }
  logSoftmax(dim: number): Tensor {
    return new Tensor(native.logSoftmax(this.handle, dim));
  }

  // ---- comparison and masking ----
  eq(o: Tensor | number): Tensor {
    return new Tensor(typeof o === 'number' ? native.eqScalar(this.handle, o) : native.eq(this.handle, o.handle));
  }
  ne(o: number): Tensor {
    return new Tensor(native.neScalar(this.handle, o));
  }
  gt(o: number): Tensor {
    return new Tensor(native.gtScalar(this.handle, o));
  }
  lt(o: number): Tensor {
    return new Tensor(native.ltScalar(this.handle, o));
  }
  logicalNot(): Tensor {
    return new Tensor(native.logicalNot(this.handle));
  }
  /** Where mask (bool, broadcastable) is true, value. */
  maskedFill(mask: Tensor, value: number): Tensor {
    return new Tensor(native.maskedFill(this.handle, mask.handle, value));
  }

  // ---- shape and indexing ----
  reshape(shape: number[]): Tensor {
    return new Tensor(native.reshape(this.handle, shape));
  }
  transpose(d0: number, d1: number): Tensor {
    return new Tensor(native.transpose(this.handle, d0, d1));
  }
  permute(dims: number[]): Tensor {
    return new Tensor(native.permute(this.handle, dims));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.handle, dim));
  }
  squeeze(dim: number): Tensor {
    return new Tensor(native.squeeze(this.handle, dim));
  }
  expand(shape: number[]): Tensor {
    return new Tensor(native.expand(this.handle, shape));
  }
  /** length elements of dim starting at start (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(native.narrow(this.handle, dim, start, length));
  }
  /** Index i of dim, removing that dim (a view). */
  select(dim: number, i: number): Tensor {
    return new Tensor(native.select(this.handle, dim, i));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, dim, index.handle));
  }
  /** A copy of this with rows `index` of dim replaced by source (differentiable in both). */
  indexCopy(dim: number, index: Tensor, source: Tensor): Tensor {
    return new Tensor(native.indexCopy(this.handle, dim, index.handle, source.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, dim, index.handle));
  }
  split(sizes: number[], dim: number): Tensor[] {
    return native.split(this.handle, sizes, dim).map((h) => new Tensor(h));
  }

  // ---- in place, outside autograd (weights, optimizer state) ----
  copy_(src: Tensor): this {
    native.copyInto(this.handle, src.handle);
    return this;
  }
  /** Moves the data to device in place (the tensor keeps its identity: parameters stay parameters). */
  moveTo_(device: Device): this {
    native.moveTo_(this.handle, device);
    return this;
  }
  uniform_(low: number, high: number): this {
    native.uniform_(this.handle, low, high);
    return this;
  }
  normal_(mean: number, std: number): this {
    native.normal_(this.handle, mean, std);
    return this;
  }
  fill_(value: number): this {
    native.fill_(this.handle, value);
    return this;
  }
  orthogonal_(gain = 1): this {
    native.orthogonal_(this.handle, gain);
    return this;
  }

  toString(): string {
    return this.disposed ? 'Tensor(disposed)' : `Tensor(${this.dtype}, [${this.shape.join(', ')}], ${this.device})`;
  }
}

const DTYPES: ReadonlySet<string> = new Set(['float32', 'float64', 'int64', 'int32', 'bool', 'uint8']);
function isDType(s: string): s is DType {
  return DTYPES.has(s);
}

function dimList(d: number | number[] | undefined): number[] | null {
  return d === undefined ? null : typeof d === 'number' ? [d] : d;
}
