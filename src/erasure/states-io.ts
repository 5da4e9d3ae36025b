// Final-layer states on disk: one pass of the model stores them, every later test reads them back, and
// the encoder never runs again. Binary, since FLAN documents hold hundreds of d-dimensional vectors:
//   "ATTNSTATES1\n", u32 LE header length, header JSON {d, C, z, docs: [{docId, label, n, items?}]},
//   then per document: alpha f64[n], logits f64[C], h f32[n·d] unless the header's h is false, and
//   z f64[n·C] when the header's z is true (every document carries z = W h from the model pass).
//   Little-endian. The erasure run writes z without h (dropH): every test reads z (context.ts), never h,
//   and h is ten times z's size at d = 200, C = 10 (docs/scale.md "Disk"). Read back, such a state's h
//   is empty (length 0).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../util/errors.ts';
import { checkedAs } from '../util/file-schema.ts';
import { msg } from './messages.ts';
import type { ClassifierHead, FinalLayerState } from './types.ts';

const MAGIC = 'ATTNSTATES1\n';

interface Header {
  d: number;
  C: number;
  z?: boolean;
  /** false: no h values stored (only with z); absent (older files) or true: stored. */
  h?: boolean;
  docs: { docId: string | number; label: number; n: number; items?: string[][] }[];
}

/** The states as a file; `dropH`: leave h out when every document carries z (it then holds all the tests read). */
export function encodeStates(states: readonly FinalLayerState[], d: number, C: number, opts: { dropH?: boolean } = {}): Buffer {
  const withZ = states.length > 0 && states.every((s) => s.z !== undefined);
  const withH = !(withZ && opts.dropH === true);
  const header: Header = {
    d,
    C,
    z: withZ,
    ...(withH ? {} : { h: false }),
    docs: states.map((s) => ({ docId: s.docId, label: s.label, n: s.alpha.length, ...(s.items ? { items: s.items } : {}) })),
  };
  const head = Buffer.from(JSON.stringify(header));
  const parts: Buffer[] = [Buffer.from(MAGIC), u32(head.length), head];
  for (const s of states) {
    if (s.h.length !== s.alpha.length * d || s.logits.length !== C) {
      throw new RangeError(`encodeStates: document ${String(s.docId)} does not have n·d = ${s.alpha.length * d} h values and C = ${C} logits`);
    }
    parts.push(bytes(s.alpha), bytes(s.logits));
    if (withH) parts.push(bytes(s.h));
    if (withZ) {
      if (s.z!.length !== s.alpha.length * C) throw new RangeError(`encodeStates: document ${String(s.docId)} has ${s.z!.length} z values, expected n·C`);
      parts.push(bytes(s.z!));
    }
  }
  return Buffer.concat(parts);
}

export function decodeStates(buf: Buffer, where: string): { states: FinalLayerState[]; d: number; C: number } {
  const bad = (what: string): UserError => new UserError(msg.badStatesFile(where, what));
  if (buf.subarray(0, MAGIC.length).toString() !== MAGIC) throw bad('wrong magic');
  let off = MAGIC.length;
  if (buf.length < off + 4) throw bad('truncated in the header');
  const headLen = buf.readUInt32LE(off);
  off += 4;
  if (buf.length < off + headLen) throw bad('truncated in the header');
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(off, off + headLen).toString()) as Header;
  } catch {
    throw bad('header is not JSON');
  }
  off += headLen;
  const docSchema = z.object({ docId: z.union([z.string(), z.number()]), label: z.number().int(), n: z.number().int().nonnegative(), items: z.array(z.array(z.string())).optional() });
  header = checkedAs(z.object({ d: z.number().int().positive(), C: z.number().int().positive(), z: z.boolean().optional(), h: z.boolean().optional(), docs: z.array(docSchema) }), header, `${where} (header)`, 'delete it to recompute it');
  const { d, C } = header;
  const withH = header.h !== false;
  if (!withH && !header.z) throw bad('neither h nor z stored');
  const states: FinalLayerState[] = [];
  for (const doc of header.docs) {
    const hBytes = withH ? doc.n * d * 4 : 0;
    const need = doc.n * 8 + C * 8 + hBytes + (header.z ? doc.n * C * 8 : 0);
    if (off + need > buf.length) throw bad(`truncated at document ${String(doc.docId)}`);
    // Copies (slice) so the typed arrays are aligned and independent of the file buffer.
    const alpha = new Float64Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + doc.n * 8));
    off += doc.n * 8;
    const logits = new Float64Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + C * 8));
    off += C * 8;
    const h = new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + hBytes));
    off += hBytes;
    const state: FinalLayerState = { docId: doc.docId, label: doc.label, alpha, h, logits };
    if (header.z) {
      state.z = new Float64Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + doc.n * C * 8));
      off += doc.n * C * 8;
    }
    if (doc.items) state.items = doc.items;
    states.push(state);
  }
  if (off !== buf.length) throw bad('trailing bytes');
  return { states, d, C };
}

export function readStates(path: string): { states: FinalLayerState[]; d: number; C: number } {
  return decodeStates(readFileSync(path), path);
}

/** The classifier head as JSON (small: C × d numbers). */
export function headToJson(head: ClassifierHead): object {
  return { classes: head.classes, d: head.d, C: head.C, W: Array.from(head.W), b: Array.from(head.b) };
}

export function headFromJson(v: unknown, where: string): ClassifierHead {
  const o = v as { classes?: unknown; d?: unknown; C?: unknown; W?: unknown; b?: unknown };
  const { d, C } = o;
  if (typeof d !== 'number' || typeof C !== 'number' || !Array.isArray(o.W) || !Array.isArray(o.b) || !Array.isArray(o.classes)) {
    throw new UserError(msg.badHead(where, 'expected {classes, d, C, W, b}'));
  }
  if (o.W.length !== C * d || o.b.length !== C || o.classes.length !== C) {
    throw new UserError(msg.badHead(where, `W must have C·d = ${C * d} values, b and classes C = ${C}`));
  }
  return { classes: o.classes.map(String), d, C, W: Float64Array.from(o.W as number[]), b: Float64Array.from(o.b as number[]) };
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}

function bytes(a: Float64Array | Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
