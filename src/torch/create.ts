// Making tensors: from JS data, and the usual factories.
import { native } from './native.ts';
import { Tensor, type Device, type DType, type TypedData } from './tensor.ts';

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

/**
 * A tensor holding a copy of data. shape defaults to [data.length]. The dtype defaults to the data's own
 * (number[] -> float32, Int32Array -> int64 since that is what indices need, BigInt64Array -> int64).
 */
export function tensor(data: TypedData | readonly number[], shape?: number[], opts: TensorOptions = {}): Tensor {
  const arr: TypedData = Array.isArray(data) ? Float32Array.from(data) : (data as TypedData);
  const dtype = opts.dtype ?? defaultDType(arr);
  const t = new Tensor(native.fromTypedArray(arr, shape ?? [arr.length], dtype, opts.device ?? 'cpu'));
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** A 0-dimensional tensor. */
export function scalar(value: number, opts: TensorOptions = {}): Tensor {
  return tensor(new Float64Array([value]), [], { dtype: 'float32', ...opts });
}

function defaultDType(a: TypedData): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array || a instanceof BigInt64Array) return 'int64';
  return 'bool';
}

// By name, not native.zeros itself: that is a loading stub until the addon's first use (native.ts).
function factory(fn: 'zeros' | 'ones' | 'rand' | 'randn') {
  return (shape: number[], opts: TensorOptions = {}): Tensor => {
    const t = new Tensor(native[fn](shape, opts.dtype ?? 'float32', opts.device ?? 'cpu'));
    if (opts.requiresGrad) t.requiresGrad_(true);
    return t;
  };
}

export const zeros = factory('zeros');
export const ones = factory('ones');
/** Uniform on [0, 1), from libtorch's generator (see manualSeed). */
export const rand = factory('rand');
/** Standard normal, from libtorch's generator. */
export const randn = factory('randn');

export function full(shape: number[], value: number, opts: TensorOptions = {}): Tensor {
  return new Tensor(native.full(shape, value, opts.dtype ?? 'float32', opts.device ?? 'cpu'));
}

/** start, start+step, ... < end (int64 unless a dtype is given). */
export function arange(start: number, end: number, step = 1, opts: TensorOptions = {}): Tensor {
  return new Tensor(native.arange(start, end, step, opts.dtype ?? 'int64', opts.device ?? 'cpu'));
}

export function randperm(n: number, opts: TensorOptions = {}): Tensor {
  return new Tensor(native.randperm(n, opts.dtype ?? 'int64', opts.device ?? 'cpu'));
}
