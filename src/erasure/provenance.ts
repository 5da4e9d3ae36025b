// Which attnlab produced a result: the package version and, in a git checkout, the commit (and whether
// the work tree had uncommitted changes). Written into tested-model.json so a report says what made it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LengthSummary } from './types.ts';
import { boxStats } from './statistics.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function attnlabProvenance(): { version: string; commit: string | null; dirty: boolean } {
  let version = 'unknown';
  try {
    const v = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version?: unknown }).version;
    if (typeof v === 'string') version = v;
  } catch {
    // An installed copy without package.json beside it: the version stays 'unknown'.
  }
  const git = (...args: string[]): string | null => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const commit = git('rev-parse', 'HEAD');
  const status = commit === null ? null : git('status', '--porcelain', '--untracked-files=no');
  return { version, commit, dirty: status !== null && status !== '' };
}

/** Five numbers, mean and sample s.d. of a list of lengths (null for none). */
export function lengthSummary(values: readonly number[]): LengthSummary | null {
  const b = boxStats(values);
  if (!b) return null;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  // Not Math.min(...values): a test split of 50,000 documents would overflow the argument list.
  return { min: values.reduce((a, v) => Math.min(a, v), Infinity), q1: b.q1, median: b.median, q3: b.q3, max: values.reduce((a, v) => Math.max(a, v), -Infinity), mean, sd };
}
