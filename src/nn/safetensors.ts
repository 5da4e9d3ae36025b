// safetensors files (the format of Hugging Face's `safetensors`): 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}, __metadata__: {string: string}}, then the raw little-endian data.
// Written atomically; read with every header field checked so a damaged file says what is wrong.
// Our files carry a SHA-256 of the tensor data in the metadata (CHECKSUM_KEY), verified on load: a bit
// flipped inside the weights, which no header check can see, is refused too.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import * as torch from '../torch/index.ts';
import type { DType, Tensor } from '../torch/index.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { checkedAs } from '../util/file-schema.ts';

/** Metadata entry holding the hex SHA-256 of everything after the header. */
export const CHECKSUM_KEY = 'attnlab.sha256';

const Entry = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
const Metadata = z.record(z.string(), z.string());

const CODES: Record<string, DType> = { F32: 'float32', F64: 'float64', I64: 'int64', I32: 'int32', BOOL: 'bool', U8: 'uint8' };
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int64: 8, int32: 4, bool: 1, uint8: 1 };
const NAMES: Record<string, string> = Object.fromEntries(Object.entries(CODES).map(([k, v]) => [v, k]));

export function saveSafetensors(path: string, tensors: Map<string, Tensor>, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = { __metadata__: {} };
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
  header.__metadata__ = withChecksum(metadata, blobs);
  // Pad the header with spaces to a multiple of 8 so the data is aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  writeFileAtomic(path, [head, Buffer.from(json), ...blobs]);
}

// The checksum covers the data section exactly as written (the tensors in header order).
function withChecksum(metadata: Record<string, string>, blobs: readonly Uint8Array[]): Record<string, string> {
  const h = createHash('sha256');
  for (const b of blobs) h.update(b);
  return { ...metadata, [CHECKSUM_KEY]: h.digest('hex') };
}

export interface Loaded {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Reads a safetensors file. A damaged one (short, bad header, a checksum that does not match) throws a
 * UserError naming the file and what is wrong; `wayOut` is appended (what the user can do about it).
 */
export function loadSafetensors(path: string, opts: { device?: string; wayOut?: string } = {}): Loaded {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`${path}: cannot read (${e.code === 'EISDIR' ? 'a folder, not a file' : e.code ?? e.message})${opts.wayOut ? `; ${opts.wayOut}` : ''}`);
  }
  const bad = (what: string): Error => new UserError(`${path}: not a valid safetensors file (${what})${opts.wayOut ? `; ${opts.wayOut}` : ''}`);
  if (buf.length < 8) throw bad('shorter than its 8-byte header length');
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw bad(`header length ${n} runs past the end of the file`);
  let raw: unknown;
  try {
    raw = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  } catch {
    throw bad('header is not JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('header is not a JSON object');
  const { __metadata__: rawMeta, ...entries } = raw as Record<string, unknown>;
  const metadata = checkedAs(Metadata, rawMeta ?? {}, `${path} (header __metadata__)`, opts.wayOut);
  const header = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, checkedAs(Entry, v, `${path} (header entry '${k}')`, opts.wayOut)]));
  const base = 8 + n;
  const sum = metadata[CHECKSUM_KEY];
  if (sum !== undefined && createHash('sha256').update(buf.subarray(base)).digest('hex') !== sum) {
    throw bad('the tensor data does not match its checksum: the file was damaged after it was written');
  }
  const tensors = new Map<string, Tensor>();
  try {
    for (const [name, info] of Object.entries(header)) {
      const dtype = CODES[info.dtype];
      if (!dtype) throw bad(`'${name}' has unsupported dtype ${info.dtype}`);
      const [b, e] = info.data_offsets;
      if (!(b >= 0 && e >= b && base + e <= buf.length)) throw bad(`'${name}' data offsets [${b}, ${e}] are out of range`);
      if ((e - b) % BYTES[dtype] !== 0) throw bad(`'${name}' has ${e - b} bytes, not a whole number of ${info.dtype} values`);
      // Copy into an aligned buffer of the right element type.
      const raw = new Uint8Array(e - b);
      raw.set(buf.subarray(base + b, base + e));
      const data = typed(dtype, raw.buffer);
      const numel = info.shape.reduce((x, y) => x * y, 1);
      if (data.length !== numel) throw bad(`'${name}' has ${data.length} elements but shape [${info.shape.join(', ')}]`);
      tensors.set(name, torch.tensor(data, info.shape, { dtype, device: opts.device }));
    }
  } catch (err) {
    for (const t of tensors.values()) t.dispose();
    throw err;
  }
  const visible = { ...metadata };
  delete visible[CHECKSUM_KEY];
  return { tensors, metadata: visible };
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
