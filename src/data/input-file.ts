// Opening a user's data file: only regular files (a FIFO with no writer would block forever, a device
// never ends), gzip read through node:zlib as a stream (by its magic bytes, whatever the extension), and
// text that is not UTF-8 refused up front with what was found (UTF-16 with or without a byte-order mark,
// binary data) instead of being read as garbage.
import { closeSync, createReadStream, openSync, readSync, statSync, type Stats } from 'node:fs';
import { constants as zc, createGunzip, gunzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../util/errors.ts';

const HEAD_BYTES = 4096;

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/** Refuses anything but an existing regular file (symbolic links are followed). `what` names its role. */
export function checkRegularFile(path: string, what = 'data file'): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`${path}: no such file (${what})`);
  }
  if (!st.isFile()) throw new UserError(`${path}: is ${kindOf(st)}, not a regular file (${what}); attnlab reads data from regular files only — save the data to a file first`);
}

function rawHead(path: string, n = HEAD_BYTES): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The first bytes of the file's content (decompressed when it is gzip). */
export function contentHead(path: string, n = HEAD_BYTES): Buffer {
  const raw = rawHead(path, n);
  if (!isGzip(raw)) return raw;
  try {
    // A truncated gzip stream decodes as far as it goes with a sync flush.
    return gunzipSync(rawHead(path, 64 * 1024), { finishFlush: zc.Z_SYNC_FLUSH }).subarray(0, n);
  } catch (err) {
    throw new UserError(`${path}: starts like gzip but does not decompress (${(err as Error).message}); expected gzip-compressed or plain UTF-8 text`);
  }
}

/**
 * Why these bytes are not UTF-8 text, or null. UTF-16 shows as a byte-order mark or as NULs in every
 * other byte (ASCII text in UTF-16); other NULs mean binary data.
 */
export function encodingProblem(head: Buffer): string | null {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'UTF-16 little-endian (byte-order mark FF FE)';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'UTF-16 big-endian (byte-order mark FE FF)';
  const n = Math.min(head.length, 512) & ~1;
  if (n === 0) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (head[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  if (even + odd === 0) return null;
  const half = n / 2;
  if (odd > 0.3 * half && even < 0.05 * half) return `UTF-16 little-endian without a byte-order mark (${odd} of the first ${half} odd bytes are NUL)`;
  if (even > 0.3 * half && odd < 0.05 * half) return `UTF-16 big-endian without a byte-order mark (${even} of the first ${half} even bytes are NUL)`;
  return `binary data (${even + odd} NUL bytes in the first ${n})`;
}

/** Refuses a file whose content is not UTF-8 text, saying what it found and how to convert it. */
export function checkTextEncoding(path: string): void {
  const problem = encodingProblem(contentHead(path));
  if (!problem) return;
  const utf16 = problem.startsWith('UTF-16');
  const from = problem.includes('little') ? 'UTF-16LE' : 'UTF-16BE';
  throw new UserError(
    `${path}: the file is ${problem}; attnlab reads UTF-8 text` +
      (utf16 ? ` — convert it first, e.g. iconv -f ${from} -t UTF-8 ${path} > converted${extOf(path)}` : ' — is this the right file?'),
  );
}

function extOf(path: string): string {
  const m = /(\.[A-Za-z0-9]+)(\.gz)?$/.exec(path);
  return m ? m[1]! : '.txt';
}

/** A stream of the file's content: checked (regular file, UTF-8), gunzipped when gzip. */
export function openContent(path: string): AsyncIterable<Buffer> {
  checkRegularFile(path);
  checkTextEncoding(path);
  return openContentAt(path, 0);
}

/** The content from a byte offset of the (decompressed) content on; a gzip file is decompressed up to it. */
export function openContentAt(path: string, offset: number): AsyncIterable<Buffer> {
  if (!isGzip(rawHead(path, 2))) return createReadStream(path, { highWaterMark: 1 << 20, start: offset }) as AsyncIterable<Buffer>;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return skipBytes(gzipChunks(path, raw.pipe(gunzip)), offset);
}

async function* skipBytes(chunks: AsyncIterable<Buffer>, n: number): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    if (n >= c.length) {
      n -= c.length;
      continue;
    }
    yield n > 0 ? c.subarray(n) : c;
    n = 0;
  }
}

async function* gzipChunks(path: string, s: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const c of s) yield c as Buffer;
  } catch (err) {
    throw new UserError(`${path}: the gzip data is damaged (${(err as Error).message}); expected a complete .gz file`);
  }
}

/** The whole content of a file already read (JSON arrays): gunzipped when gzip. */
export function decompressIfGzip(path: string, buf: Buffer): Buffer {
  if (!isGzip(buf)) return buf;
  try {
    return gunzipSync(buf);
  } catch (err) {
    throw new UserError(`${path}: the gzip data is damaged (${(err as Error).message}); expected a complete .gz file`);
  }
}
