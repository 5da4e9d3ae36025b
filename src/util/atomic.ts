// Atomic file writes: write a temporary file beside the target, fsync, then rename over it, so a reader
// (or a resumed run) sees either the old file or the new one, never half of one.
//
// Temporary names end in `.tmp-<pid>`: a run killed between the write and the rename leaves one behind,
// and removeStaleTemps (called by every run on its folders) deletes those whose process is gone.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from './errors.ts';

/** The temporary name of `path` for this process. */
export function tempPath(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  const fd = openSync(tmp, 'w');
  try {
    const parts = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    for (const part of parts) {
      const buf = typeof part === 'string' ? Buffer.from(part) : part;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/**
 * A file written piece by piece and put in place atomically: the pieces go to the temporary file, and
 * `commit` syncs and renames it (a large output, documents.jsonl of 100 k documents, is never one string).
 * `abort` removes the temporary file.
 */
export class AtomicWriter {
  private readonly tmp: string;
  private fd: number | null;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = tempPath(path);
    this.fd = openSync(this.tmp, 'w');
  }

  write(text: string): void {
    if (this.fd === null) throw new Error(`${this.path}: written after commit or abort`);
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  commit(): void {
    if (this.fd === null) throw new Error(`${this.path}: committed twice`);
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    renameSync(this.tmp, this.path);
  }

  abort(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    rmSync(this.tmp, { force: true });
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** true while a process with this id exists on this machine (EPERM: it exists, owned by another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TEMP_RE = /\.tmp-(\d+)$/;

/**
 * Deletes the temporary files and folders (`*.tmp-<pid>`) in `dir` whose process is no longer running:
 * the leftovers of killed runs. Files of live processes (another run writing now) are left alone.
 * Returns the paths removed. A missing folder is not an error.
 */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    const p = join(dir, name);
    rmSync(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}

/**
 * Creates a folder (and its parents) or finds it there; a file in the way (ENOTDIR, EEXIST) or a
 * permission problem is a UserError naming the path. `what` names the option it came from ("--out").
 */
export function ensureDir(dir: string, what = 'folder'): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new UserError(`${what} ${dir}: ${blocker(dir)} is a file, not a folder; pass a folder path`);
    }
    throw new UserError(`${what} ${dir}: cannot create the folder (${code ?? (err as Error).message})`);
  }
}

// The first path on the way to dir that exists and is not a folder.
function blocker(dir: string): string {
  let p = dir;
  for (;;) {
    try {
      if (!statSync(p).isDirectory()) return p;
    } catch {
      // does not exist: look further up
    }
    const up = dirname(p);
    if (up === p) return dir;
    p = up;
  }
}
