// Where the report's golden files live and how they are made comparable across checkouts.
import { readdirSync } from 'node:fs';
import { relative } from 'node:path';
import type { ReportModel } from '../../src/report/report-model.ts';
import { FIXTURE_RUNS_DIR } from './fixtures/make-fixtures.ts';

export const GOLDEN_DIR = new URL('./golden/', import.meta.url).pathname;
/** Fewer resamples than a real report: the golden test stays fast, the logic is the same. */
export const GOLDEN_OPTIONS = { resamples: 200, seed: 7 };

export function fixtureFolders(): string[] {
  return readdirSync(FIXTURE_RUNS_DIR)
    .sort()
    .map((name) => FIXTURE_RUNS_DIR + name);
}

/** Run folders relative to the fixtures, so a checkout anywhere produces the same golden files. */
export function relativeFolders(m: ReportModel): ReportModel {
  return { ...m, runs: m.runs.map((r) => ({ ...r, folder: relative(FIXTURE_RUNS_DIR, r.folder) })) };
}
