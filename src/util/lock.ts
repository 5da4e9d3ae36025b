// One run per folder: an exclusive lock file holding the owner's pid, host and start time.
//
// Created atomically with its content (written to a temporary file, then hard-linked to the lock name,
// which fails if the name exists), so a reader never sees an empty lock. A second run finds the lock and
// refuses naming the holder, or waits for it when asked. A lock whose process is gone (killed with
// SIGKILL, the machine rebooted) is stale and taken over; one held on another host cannot be checked and
// is refused with the way out (delete the file when that run is known to be gone).
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { UserError } from './errors.ts';
import { pidAlive, removeStaleTemps, tempPath } from './atomic.ts';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  started: string;
  /** What holds it (e.g. "attnlab train"). */
  what: string;
}

export interface Lock {
  path: string;
  release(): void;
}

export interface LockOptions {
  /** Shown to a second run: "attnlab train", "attnlab test", "prepare". */
  what: string;
  /** Wait this many seconds for the holder to finish (0: refuse at once; Infinity: wait as long as it takes). */
  waitSeconds?: number;
  /** Called once when this run starts waiting. */
  onWait?: (holder: LockHolder) => void;
}

const POLL_MS = 200;
const held = new Set<string>();
let exitHookInstalled = false;

/** Takes the lock file at `path` (its folder is created), or throws a UserError naming the holder. */
export function acquireLock(path: string, opts: LockOptions): Lock {
  mkdirSync(dirname(path), { recursive: true });
  removeStaleTemps(dirname(path));
  const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), what: opts.what };
  const deadline = Date.now() + 1000 * (opts.waitSeconds ?? 0);
  let told = false;
  for (;;) {
    if (tryCreate(path, me)) break;
    const holder = readHolder(path);
    if (holder === 'gone') continue; // released between our attempt and the read
    if (holder !== 'unreadable' && holder.host === me.host && !pidAlive(holder.pid)) {
      takeOverStale(path, holder);
      continue;
    }
    if (Date.now() >= deadline) throw new UserError(busyMessage(path, holder, opts.waitSeconds ?? 0));
    if (!told && holder !== 'unreadable') opts.onWait?.(holder);
    told = true;
    sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
  held.add(path);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of held) releasePath(p);
    });
  }
  return {
    path,
    release: () => {
      releasePath(path);
      held.delete(path);
    },
  };
}

/** The current holder of a lock file, or null when it is free. */
export function lockHolder(path: string): LockHolder | null {
  const h = readHolder(path);
  return h === 'gone' || h === 'unreadable' ? null : h;
}

function tryCreate(path: string, me: LockHolder): boolean {
  const tmp = tempPath(path);
  writeFileSync(tmp, JSON.stringify(me) + '\n');
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function readHolder(path: string): LockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string') {
      return { pid: v.pid, host: v.host, started: String(v.started ?? '?'), what: String(v.what ?? '?') };
    }
  } catch {
    // fall through
  }
  return 'unreadable';
}

// Moves the stale lock aside under a name of our own (a rename: of two runs taking over at once, one
// wins), then checks that what was moved is the stale lock and not a fresh one that appeared meanwhile.
function takeOverStale(path: string, stale: LockHolder): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readHolder(aside);
  if (moved !== 'gone' && moved !== 'unreadable' && (moved.pid !== stale.pid || moved.started !== stale.started)) {
    // A live lock taken between our read and our rename: put it back.
    try {
      linkSync(aside, path);
    } catch {
      // the name is taken again: leave that one
    }
  }
  rmSync(aside, { force: true });
}

function releasePath(path: string): void {
  const h = readHolder(path);
  if (h !== 'gone' && h !== 'unreadable' && h.pid === process.pid && h.host === hostname()) rmSync(path, { force: true });
}

function busyMessage(path: string, holder: LockHolder | 'unreadable', waited: number): string {
  const after = waited > 0 ? ` (waited ${waited} s)` : '';
  if (holder === 'unreadable') return `${path}: locked by another run, and the lock file cannot be read${after}; delete it if no run is using this folder`;
  const who = `${holder.what}, pid ${holder.pid} on ${holder.host}, since ${holder.started}`;
  const wayOut =
    holder.host === hostname()
      ? 'wait for it to finish (or pass --wait), or use another output folder'
      : `it runs on another machine; delete ${path} only if that run is gone`;
  return `${dirname(path)} is in use by another run (${who})${after}; ${wayOut}`;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The lock of a cache entry that the first run to need it builds (`<entry>.lock`): a second run waits
 * for the first (up to an hour) instead of building the same entry beside it; taking it also removes the
 * stale temp folders of killed builders beside the entry. Release it when the entry is built (or failed).
 */
export function lockCacheEntry(entry: string, log: (line: string) => void = () => {}): Lock {
  return acquireLock(`${entry}.lock`, {
    what: 'attnlab data prepare',
    waitSeconds: 3600,
    onWait: (h) => log(`${entry}: being prepared by pid ${h.pid} (${h.what}); waiting for it`),
  });
}
