// Test accuracy of trained models as a table like the paper's Table 3: one row per data set, one column per
// architecture (in the paper's order), plus the majority-class baseline.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHS, type Arch } from '../models/index.ts';
import { MODEL_JSON } from './checkpoint.ts';

export interface AccuracyRow {
  dataset: string;
  arch: Arch;
  /** Test accuracy in [0, 1], or null when unknown. */
  accuracy: number | null;
  /** Majority-class share of the test split, or null. */
  majority: number | null;
  dir: string;
}

const HEADERS: Record<Arch, string> = {
  'han-rnn': 'HAN-rnn',
  'han-conv': 'HAN-conv',
  'han-noenc': 'HAN-noenc',
  'flan-rnn': 'FLAN-rnn',
  'flan-conv': 'FLAN-conv',
  'flan-noenc': 'FLAN-noenc',
};

/** Folders at or under `root` (at most `depth` levels down) that hold a model.json, sorted. */
export function findModelDirs(root: string, depth = 3): string[] {
  const out: string[] = [];
  const walk = (dir: string, d: number): void => {
    if (!statSync(dir).isDirectory()) return;
    if (existsSync(join(dir, MODEL_JSON))) out.push(dir);
    if (d === 0) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (!name.startsWith('.')) walk(p, d - 1);
    }
  };
  walk(root, depth);
  return out;
}

/** A Markdown table; "-" for a model that does not exist. Percentages with one decimal, as Table 3. */
export function accuracyTable(rows: readonly AccuracyRow[]): string {
  const datasets = [...new Set(rows.map((r) => r.dataset))];
  const archs = ARCHS.filter((a) => rows.some((r) => r.arch === a));
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : (100 * x).toFixed(1));
  const header = ['Dataset', ...archs.map((a) => HEADERS[a]), 'Majority class'];
  const body = datasets.map((ds) => {
    const mine = rows.filter((r) => r.dataset === ds);
    const cell = (a: Arch) => {
      const found = mine.filter((r) => r.arch === a);
      if (found.length > 1) return found.map((r) => pct(r.accuracy)).join(' / ');
      return pct(found[0]?.accuracy);
    };
    return [ds, ...archs.map(cell), pct(mine.find((r) => r.majority !== null)?.majority ?? null)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
