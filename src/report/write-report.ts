// The report pipeline end to end: run folders -> report model -> figure specs -> SVG/PNG -> HTML.
// Every intermediate lands in the output folder, so each step can be inspected or redone alone:
//   report-model.json   every number the figures, tables and findings show
//   specs/<id>.vl.json  Vega-Lite specs with their data inline
//   figures/<id>.svg, figures/<id>.png
//   findings.csv, medians.csv, outcomes.csv, paper-statistics.csv   the tables to take away
//   report.html         the self-contained page
//   explorer.html, explorer-data.js   the per-document explorer (explorer-page.ts), linked from report.html
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { explorerData, explorerDataScript } from './explorer-data.ts';
import { EXPLORER_FILES, explorerHtml } from './explorer-page.ts';
import { buildFigures } from './figures.ts';
import { buildHtml } from './html.ts';
import type { RenderedFigure } from './html.ts';
import { msg } from './messages.ts';
import { buildReportModel } from './report-model.ts';
import type { ReportModel } from './report-model.ts';
import { modelName, readRun } from './run-input.ts';
import type { RunInput } from './run-input.ts';
import { renderSvg, svgToPng } from './render.ts';
import { CSV_FILES, reportCsvFiles } from './tables-csv.ts';
import { readTrainedOnly, SEED_CSV_FILES, seedsCsvFiles, seedsModel, splitSeedReplicates } from './section-seeds.ts';
import { WP_CSV_FILES, wiegreffePinterCsv } from './section-wiegreffe-pinter.ts';

/** SVGs above this size (bytes) go into the page as their PNG, to keep report.html small. */
export const INLINE_SVG_LIMIT = 300_000;

export interface ReportOptions {
  /** Bootstrap resamples for the findings' intervals (docs/method.md §9: 1,000). */
  resamples?: number;
  seed?: number;
  /** Also write a PNG of each figure (default true). */
  png?: boolean;
  /** Folders of trained models the erasure tests skipped (uniform attention): their accuracy, section-seeds.ts. */
  trainedOnly?: readonly string[];
}

export interface ReportFiles {
  html: string;
  model: string;
  specs: string[];
  figures: string[];
  csv: string[];
  explorer: { page: string; data: string };
}

/** The report's runs: each data set × model once (its first training seed; the others: readRunsWithSeeds). */
export function readRuns(folders: readonly string[]): RunInput[] {
  return readRunsWithSeeds(folders).runs;
}

/**
 * Every run, checked: one data set × model may come more than once only with different training seeds
 * (attnlab reproduce --seeds); `runs` holds each model's lowest seed, `groups` every model's runs by seed.
 */
export function readRunsWithSeeds(folders: readonly string[]): { runs: RunInput[]; groups: RunInput[][] } {
  if (folders.length === 0) throw new UserError(msg.noRunFolders());
  const runs = folders.map(readRun);
  const seen = new Map<string, RunInput[]>();
  for (const r of runs) {
    const key = `${r.model.dataset} · ${modelName(r.model)}`;
    const seed = r.model.training?.seed;
    const others = seen.get(key) ?? [];
    const clash = others.find((o) => seed === undefined || o.model.training?.seed === undefined || o.model.training.seed === seed);
    if (clash !== undefined) throw new UserError(msg.duplicateRun(clash.folder, r.folder, key));
    seen.set(key, [...others, r]);
  }
  const { main, groups } = splitSeedReplicates(runs);
  return { runs: main, groups };
}

export function reportModelOf(runs: readonly RunInput[], opts: ReportOptions = {}): ReportModel {
  return buildReportModel(runs, { resamples: opts.resamples ?? 1000, seed: opts.seed ?? 1 });
}

export async function writeReport(folders: readonly string[], outDir: string, opts: ReportOptions = {}): Promise<ReportFiles> {
  const { runs, groups } = readRunsWithSeeds(folders);
  const model = reportModelOf(runs, opts);
  const seeds = seedsModel(groups, (opts.trainedOnly ?? []).map(readTrainedOnly), { resamples: opts.resamples ?? 1000, seed: opts.seed ?? 1 });
  if (seeds) model.seeds = seeds;
  const files: ReportFiles = {
    html: join(outDir, 'report.html'),
    model: join(outDir, 'report-model.json'),
    specs: [],
    figures: [],
    csv: [],
    explorer: { page: join(outDir, EXPLORER_FILES.page), data: join(outDir, EXPLORER_FILES.data) },
  };
  writeJsonAtomic(files.model, model);
  const tables = reportCsvFiles(model);
  for (const key of Object.keys(CSV_FILES) as (keyof typeof CSV_FILES)[]) {
    const path = join(outDir, CSV_FILES[key]);
    writeFileAtomic(path, tables[key]);
    files.csv.push(path);
  }
  if (seeds) {
    const tables = seedsCsvFiles(seeds);
    for (const key of Object.keys(SEED_CSV_FILES) as (keyof typeof SEED_CSV_FILES)[]) {
      const path = join(outDir, SEED_CSV_FILES[key]);
      writeFileAtomic(path, tables[key]);
      files.csv.push(path);
    }
  }
  for (const [key, text] of Object.entries(wiegreffePinterCsv(model.wiegreffePinter)) as [keyof typeof WP_CSV_FILES, string][]) {
    const path = join(outDir, WP_CSV_FILES[key]);
    writeFileAtomic(path, text);
    files.csv.push(path);
  }
  const rendered: RenderedFigure[] = [];
  for (const fig of buildFigures(model)) {
    const specPath = join(outDir, 'specs', `${fig.id}.vl.json`);
    writeJsonAtomic(specPath, fig.spec);
    files.specs.push(specPath);
    const svg = await renderSvg(fig.spec);
    const svgPath = join(outDir, 'figures', `${fig.id}.svg`);
    writeFileAtomic(svgPath, svg);
    files.figures.push(svgPath);
    const png = opts.png ?? true;
    let inlinePng: string | undefined;
    if (png) {
      const pngPath = join(outDir, 'figures', `${fig.id}.png`);
      const bytes = svgToPng(svg);
      writeFileAtomic(pngPath, bytes);
      files.figures.push(pngPath);
      // A scatter of thousands of points is megabytes of SVG paths; its PNG is a fraction of that.
      if (svg.length > INLINE_SVG_LIMIT && bytes.length < svg.length) inlinePng = bytes.toString('base64');
    }
    rendered.push({ ...fig, svg, png, ...(inlinePng ? { inlinePng } : {}) });
  }
  writeFileAtomic(files.explorer.data, explorerDataScript(explorerData(runs, model.datasets, model.models)));
  writeFileAtomic(files.explorer.page, explorerHtml());
  writeFileAtomic(files.html, buildHtml(model, rendered));
  return files;
}
