// safetensors files (the format of Hugging Face's `safetensors`): 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}, __metadata__: {string: string}}, then the raw little-endian data.
// Written atomically; read with every header field checked so a damaged file says what is wrong.
import { readFileSync } from 'node:fs';
import * as torch from '../torch/index.ts';
import type { DType, Tensor } from '../torch/index.ts';
import { writeFileAtomic } from '../util/atomic.ts';

const CODES: Record<string, DType> = { F32: 'float32', F64: 'float64', I64: 'int64', I32: 'int32', BOOL: 'bool', U8: 'uint8' };
const NAMES: Record<string, string> = Object.fromEntries(Object.entries(CODES).map(([k, v]) => [v, k]));

export function saveSafetensors(path: string, tensors: Map<string, Tensor>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const code = NAMES[t.dtype];
    if (!code) throw new Error(`safetensors: cannot store dtype ${t.dtype} ('${name}')`);
    const data = t.toTypedArray();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: code, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  // Pad the header with spaces to a multiple of 8 so the data is aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  writeFileAtomic(path, [head, Buffer.from(json), ...blobs]);
}

export interface Loaded {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

export function loadSafetensors(path: string, opts: { device?: string } = {}): Loaded {
  const buf = readFileSync(path);
  const bad = (what: string): Error => new Error(`${path}: not a valid safetensors file (${what})`);
  if (buf.length < 8) throw bad('shorter than its 8-byte header length');
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw bad(`header length ${n} runs past the end of the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as typeof header;
  } catch {
    throw bad('header is not JSON');
  }
  const base = 8 + n;
  const tensors = new Map<string, Tensor>();
  const metadata = (header.__metadata__ ?? {}) as unknown as Record<string, string>;
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const dtype = CODES[info.dtype];
    if (!dtype) throw bad(`'${name}' has unsupported dtype ${info.dtype}`);
    const [b, e] = info.data_offsets;
    if (!(b >= 0 && e >= b && base + e <= buf.length)) throw bad(`'${name}' data offsets [${b}, ${e}] are out of range`);
    // Copy into an aligned buffer of the right element type.
    const raw = new Uint8Array(e - b);
    raw.set(buf.subarray(base + b, base + e));
    const data = typed(dtype, raw.buffer);
    const numel = info.shape.reduce((x, y) => x * y, 1);
    if (data.length !== numel) throw bad(`'${name}' has ${data.length} elements but shape [${info.shape}]`);
    tensors.set(name, torch.tensor(data, info.shape, { dtype, device: opts.device }));
  }
  return { tensors, metadata };
}

function typed(dtype: DType, ab: ArrayBuffer): torch.TypedData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(ab);
    case 'float64':
      return new Float64Array(ab);
    case 'int64':
      return new BigInt64Array(ab);
    case 'int32':
      return new Int32Array(ab);
    default:
      return new Uint8Array(ab);
  }
}
