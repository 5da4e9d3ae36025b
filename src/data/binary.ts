// Compact int32 storage for prepared splits: growable arrays, a buffered int32 file writer, and the
// split file format (all little-endian int32 after a 32-byte header, so loading is one read + views).
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { UserError } from '../util/errors.ts';

export class IntList {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  /** Adds `by` at index i, growing with zeros as needed (used as a counter table). */
  add(i: number, by: number): void {
    while (i >= this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[i]! += by;
    if (i >= this.length) this.length = i + 1;
  }

  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Appends int32 values to a file through a 4 MiB buffer. */
export class Int32FileWriter {
  private readonly fd: number;
  private readonly buf = new Int32Array(1 << 20);
  private n = 0;
  count = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  push(v: number): void {
    this.buf[this.n++] = v;
    this.count++;
    if (this.n === this.buf.length) this.flush();
  }

  writeArray(a: Int32Array): void {
    this.flush();
    writeAll(this.fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  flush(): void {
    if (this.n > 0) writeAll(this.fd, new Uint8Array(this.buf.buffer, 0, this.n * 4));
    this.n = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Reads an int32 file in chunks of up to `chunk` values (a Yahoo-sized token file is never held twice). */
export function* readInt32Chunks(path: string, chunk = 1 << 20): Generator<Int32Array> {
  const fd = openSync(path, 'r');
  try {
    const buf = new Int32Array(chunk);
    const bytes = new Uint8Array(buf.buffer);
    for (;;) {
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, null);
        if (n === 0) break;
        got += n;
      }
      if (got === 0) return;
      yield buf.subarray(0, got >> 2);
      if (got < bytes.length) return;
    }
  } finally {
    closeSync(fd);
  }
}

// --- split files -----------------------------------------------------------------------------------

const MAGIC = 'ATNLSPL1';
const HEADER_BYTES = 32;

/**
 * One split of a prepared data set. Document i has sentences docOffsets[i] .. docOffsets[i+1]-1;
 * sentence j has tokens tokens[sentOffsets[j] .. sentOffsets[j+1]-1]. A document's tokens are therefore
 * contiguous: tokens[sentOffsets[docOffsets[i]] .. sentOffsets[docOffsets[i+1]]-1].
 */
export interface SplitArrays {
  labels: Int32Array; // (D) class ids
  sourceIndex: Int32Array; // (D) the record's 0-based position in its source file
  docOffsets: Int32Array; // (D+1) into sentences
  sentOffsets: Int32Array; // (S+1) into tokens
  tokens: Int32Array; // (T) word ids; 0 = padding (never stored), 1 = UNK
}

export function splitHeader(nDocs: number, nSents: number, nTokens: number): Uint8Array {
  const h = Buffer.alloc(HEADER_BYTES);
  h.write(MAGIC, 0, 'latin1');
  h.writeUInt32LE(nDocs, 8);
  h.writeUInt32LE(nSents, 12);
  h.writeUInt32LE(nTokens, 16);
  return h;
}

/**
 * A split file opened for reading. The labels and offset arrays (a few int32 per document and sentence)
 * are read at once; the token stream, the bulk of the file, is read only when `tokens` is first touched,
 * and `readDocTokens` reads one document's tokens with a positioned read without ever loading it — what
 * training and the erasure pass use, so a 1.4 M-document split is never held whole (docs/scale.md).
 */
export interface SplitFile extends SplitArrays {
  /** Document i's tokens, sentences concatenated: a fresh array read from the file (a view once `tokens` is loaded). */
  readDocTokens(i: number): Int32Array;
}

export function readSplitFile(path: string): SplitFile {
  const fd = openSync(path, 'r');
  let size: number;
  let head: Buffer;
  try {
    size = fstatSync(fd).size;
    head = Buffer.alloc(Math.min(size, HEADER_BYTES));
    readFully(fd, head, 0);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (head.length < HEADER_BYTES || head.toString('latin1', 0, 8) !== MAGIC) {
    closeSync(fd);
    throw new UserError(`${path}: not an attnlab prepared split (bad header); delete the cache folder and prepare again`);
  }
  const nDocs = head.readUInt32LE(8);
  const nSents = head.readUInt32LE(12);
  const nTokens = head.readUInt32LE(16);
  const nIndex = 2 * nDocs + (nDocs + 1) + (nSents + 1);
  const expected = HEADER_BYTES + 4 * (nIndex + nTokens);
  if (size !== expected) {
    closeSync(fd);
    throw new UserError(`${path}: truncated prepared split (${size} bytes, expected ${expected}); delete the cache folder and prepare again`);
  }
  const index = new Int32Array(nIndex);
  try {
    readFully(fd, new Uint8Array(index.buffer), HEADER_BYTES);
  } finally {
    closeSync(fd);
  }
  let off = 0;
  const take = (n: number): Int32Array => index.subarray(off, (off += n));
  const labels = take(nDocs);
  const sourceIndex = take(nDocs);
  const docOffsets = take(nDocs + 1);
  const sentOffsets = take(nSents + 1);
  const tokensAt = HEADER_BYTES + 4 * nIndex;
  let tokens: Int32Array | undefined;
  // One read-only descriptor per opened split for the per-document reads (training reads every document
  // once per epoch: opening the file each time would cost more than the read); closed when the split is
  // garbage-collected. Per opened split, not per path: a cache entry prepared again is a new file.
  let readFd: number | undefined;
  const split: SplitFile = {
    labels,
    sourceIndex,
    docOffsets,
    sentOffsets,
    get tokens(): Int32Array {
      if (!tokens) {
        const all = new Int32Array(nTokens);
        const f = openSync(path, 'r');
        try {
          readFully(f, new Uint8Array(all.buffer), tokensAt);
        } finally {
          closeSync(f);
        }
        tokens = all;
      }
      return tokens;
    },
    readDocTokens(i: number): Int32Array {
      const from = sentOffsets[docOffsets[i]!]!;
      const to = sentOffsets[docOffsets[i + 1]!]!;
      if (tokens) return tokens.subarray(from, to);
      const out = new Int32Array(to - from);
      if (readFd === undefined) {
        readFd = openSync(path, 'r');
        closeOnCollect.register(split, readFd);
      }
      readFully(readFd, new Uint8Array(out.buffer), tokensAt + 4 * from);
      return out;
    },
  };
  return split;
}

const closeOnCollect = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

function readFully(fd: number, into: Uint8Array, position: number): void {
  let got = 0;
  while (got < into.length) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n === 0) throw new UserError(`a prepared split file ended early (read ${got} of ${into.length} bytes at ${position}); delete the cache folder and prepare again`);
    got += n;
  }
}
