// The reproduce grid as data: which data sets, which architectures, which settings, and the stages that
// follow from them (data -> train -> test -> report). An executor (local.ts, slurm.ts) runs the stages;
// stages.ts runs one of them. The plan is saved as <out>/grid.json so that a Slurm job, `attnlab status`
// and a resubmission read the very same grid the submission built.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../util/atomic.ts';
import { UserError } from '../../util/errors.ts';
import type { PrepareOptions } from '../../data/prepare.ts';

export const PLAN_FILE = 'grid.json';

export interface GridData {
  /** What the user named: a built-in name or a path (handed to the data loaders as is). */
  source: string;
  /** The folder name under <out>: the source's last path component without extension. */
  name: string;
}

export interface GridPlan {
  format: 'attnlab-grid';
  version: 1;
  out: string;
  data: GridData[];
  /** Model names: built-in architectures (trained here) and the names of `folders`. */
  archs: string[];
  /**
   * Hugging Face folders given to --models, by their name in archs (the folder's own name) -> absolute
   * path. Already trained: tested as they are, with their own tokenizer, on every data set; never trained.
   */
  folders?: Record<string, string>;
  profile: string;
  vectors: 'word2vec' | 'glove' | 'none';
  /** Seed of the erasure tests and the report. */
  seed: number;
  /** Erasure tests on a seeded sample of this many test documents (null: all). */
  maxDocs: number | null;
  /** Documents per erasure chunk: the unit of resumption and of a Slurm array task. */
  chunkSize: number;
  /** 'auto' | 'cpu' | 'cuda' | 'cuda:N', resolved by each stage in its own process. */
  device: string;
  /** The data options given to reproduce (--skip-bad, --test, --format, ...): how every data set is read. */
  prepare?: PrepareOptions;
}

export type Stage =
  | { kind: 'data'; data: GridData }
  | { kind: 'train'; data: GridData; arch: string }
  | { kind: 'test'; data: GridData; arch: string }
  | { kind: 'report' };

/** The folder name a data source gets under <out> (as `attnlab reproduce` has always named it). */
export function dataName(source: string): string {
  return source.replace(/\/+$/, '').split('/').pop()!.replace(/\.[^.]*$/, '');
}

/** The Hugging Face folder a model name of the grid stands for, or undefined for a built-in architecture. */
export function hfFolderOf(plan: GridPlan, arch: string): string | undefined {
  return plan.folders && Object.hasOwn(plan.folders, arch) ? plan.folders[arch] : undefined;
}

export function dataDir(plan: GridPlan, d: GridData): string {
  return join(plan.out, d.name);
}
export function modelDir(plan: GridPlan, d: GridData, arch: string): string {
  return join(plan.out, d.name, arch);
}
export function erasureDir(plan: GridPlan, d: GridData, arch: string): string {
  return join(modelDir(plan, d, arch), 'erasure');
}
export function reportDir(plan: GridPlan): string {
  return join(plan.out, 'report');
}

/** Every stage in the order a single process runs them: per data set its data, trainings, tests; then the report. */
export function stagesOf(plan: GridPlan): Stage[] {
  const out: Stage[] = [];
  for (const data of plan.data) {
    out.push({ kind: 'data', data });
    for (const arch of plan.archs) out.push({ kind: 'train', data, arch });
    for (const arch of plan.archs) out.push({ kind: 'test', data, arch });
  }
  out.push({ kind: 'report' });
  return out;
}

/** A stage's name: data/<name>, train/<name>/<arch>, test/<name>/<arch>, report (names hold no '/'). */
export function stageId(s: Stage): string {
  switch (s.kind) {
    case 'data':
      return `data/${s.data.name}`;
    case 'train':
    case 'test':
      return `${s.kind}/${s.data.name}/${s.arch}`;
    case 'report':
      return 'report';
  }
}

export function stageById(plan: GridPlan, id: string): Stage {
  const s = stagesOf(plan).find((x) => stageId(x) === id);
  if (!s) throw new UserError(`attnlab reproduce: --stage '${id}' is not a stage of the grid in ${join(plan.out, PLAN_FILE)} (expected one of ${stagesOf(plan).map(stageId).join(', ')})`);
  return s;
}

/** Duplicate folder names would make two data sets write into one folder. */
export function checkPlan(plan: GridPlan): void {
  const seen = new Map<string, string>();
  for (const d of plan.data) {
    const other = seen.get(d.name);
    if (other !== undefined) throw new UserError(`attnlab reproduce: --data: '${other}' and '${d.source}' would both write to ${join(plan.out, d.name)}; rename one of them`);
    seen.set(d.name, d.source);
  }
}

export function writePlan(plan: GridPlan): void {
  writeJsonAtomic(join(plan.out, PLAN_FILE), plan);
}

export function readPlan(out: string): GridPlan {
  const path = join(out, PLAN_FILE);
  if (!existsSync(path)) throw new UserError(`${path}: not found; ${out} is not an attnlab reproduce folder (start one with attnlab reproduce --out ${out})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${(err as Error).message}); run attnlab reproduce --out ${out} again to rewrite it`);
  }
  const p = raw as Partial<GridPlan> | null;
  const bad = (field: string, want: string): never => {
    throw new UserError(`${path}: field '${field}' should be ${want}; run attnlab reproduce --out ${out} again to rewrite it`);
  };
  if (!p || typeof p !== 'object' || p.format !== 'attnlab-grid') return bad('format', "'attnlab-grid'");
  if (p.version !== 1) return bad('version', '1');
  if (!Array.isArray(p.data) || !p.data.every((d) => d && typeof d.source === 'string' && typeof d.name === 'string')) return bad('data', 'a list of {source, name}');
  if (!Array.isArray(p.archs) || !p.archs.every((a) => typeof a === 'string')) return bad('archs', 'a list of architecture names');
  for (const k of ['profile', 'vectors', 'device'] as const) if (typeof p[k] !== 'string') bad(k, 'a string');
  for (const k of ['seed', 'chunkSize'] as const) if (!Number.isInteger(p[k])) bad(k, 'an integer');
  if (p.maxDocs !== null && !Number.isInteger(p.maxDocs)) bad('maxDocs', 'an integer or null');
  if (p.folders !== undefined && (p.folders === null || typeof p.folders !== 'object' || !Object.values(p.folders).every((f) => typeof f === 'string'))) bad('folders', 'an object of model name -> folder path');
  if (p.prepare !== undefined && (p.prepare === null || typeof p.prepare !== 'object' || Array.isArray(p.prepare))) bad('prepare', 'an object of data options');
  // The folder it lies in is the run's folder, wherever the plan was written from.
  return { ...(p as GridPlan), out };
}
