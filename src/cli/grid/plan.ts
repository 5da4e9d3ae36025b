// The reproduce grid as data: which data sets, which architectures, which settings, and the stages that
// follow from them (data -> train -> test -> report). An executor (local.ts, slurm.ts) runs the stages;
// stages.ts runs one of them. The plan is saved as <out>/grid.json so that a Slurm job, `attnlab status`
// and a resubmission read the very same grid the submission built.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../util/atomic.ts';
import { UserError } from '../../util/errors.ts';
import { readJsonFile } from '../../util/file-schema.ts';
import { DEFAULT_TEST_NAMES, TEST_NAMES, type TestName } from '../../erasure/tests/index.ts';
import type { PrepareOptions } from '../../data/prepare.ts';
import { ATTENTION_KINDS, isAttentionKind, type AttentionKind } from '../../models/sparse-attention.ts';
import { isTransformerArch } from '../../models/registry.ts';

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
  /**
   * 'default': the demo grid and the default per-document tests; 'full': every test on every erasure run
   * (their own folders, erasure-full/ and report-full/, so a full run can share a default run's trainings).
   * Absent (grids written before suites existed): 'default'. readPlan fills it in.
   */
  suite?: Suite;
  /** Trainings of each model, with training seeds BASE_TRAINING_SEED, +1, ... (absent: 1). */
  seeds?: number;
  /** Attention normalisers each HAN/FLAN architecture is trained with, softmax first (absent: softmax only). */
  attentionKinds?: AttentionKind[];
}

export const SUITES = ['default', 'full'] as const;
export type Suite = (typeof SUITES)[number];

/** What --suite full adds when --seeds / --attention-kinds are not given. */
export const FULL_SUITE_SEEDS = 3;
export const FULL_SUITE_ATTENTION_KINDS: readonly AttentionKind[] = ATTENTION_KINDS;
/** The training seed of every preset (src/train/presets.ts, transformer-train.ts): seed k of a model trains with this + k. */
export const BASE_TRAINING_SEED = 1;

export function suiteOf(plan: GridPlan): Suite {
  return plan.suite ?? 'default';
}
export function seedsOf(plan: GridPlan): number {
  return plan.seeds ?? 1;
}
export function attentionKindsOf(plan: GridPlan): AttentionKind[] {
  return plan.attentionKinds ?? ['softmax'];
}

/**
 * One trained model of the grid: an architecture with an attention normaliser and a training seed. Its
 * folder under <out>/<data> is its name: <arch> (softmax, the first seed: the folder the grid has always
 * used), <arch>-<attention> for another normaliser, and /seed-<seed> inside that for the other seeds.
 */
export interface GridModel {
  arch: string;
  attention: AttentionKind;
  /** The training seed. */
  seed: number;
  name: string;
}

export function gridModel(arch: string, attention: AttentionKind = 'softmax', seed: number = BASE_TRAINING_SEED): GridModel {
  const variant = attention === 'softmax' ? arch : `${arch}-${attention}`;
  return { arch, attention, seed, name: seed === BASE_TRAINING_SEED ? variant : `${variant}/seed-${seed}` };
}

/**
 * The models of the grid for one architecture, in stage order: per attention kind, per seed. Transformers
 * have their own attention (softmax only); uniform attention is a baseline for accuracy, trained only.
 * A Hugging Face folder of --models is its one model.
 */
export function modelsOf(plan: GridPlan, arch: string): GridModel[] {
  // A Hugging Face folder is one model, trained already: no other normaliser, no other seed.
  if (hfFolderOf(plan, arch) !== undefined) return [gridModel(arch)];
  const kinds = isTransformerArch(arch) ? (['softmax'] as AttentionKind[]) : attentionKindsOf(plan);
  const out: GridModel[] = [];
  for (const kind of kinds) for (let k = 0; k < seedsOf(plan); k++) out.push(gridModel(arch, kind, BASE_TRAINING_SEED + k));
  return out;
}

/** Is the model erasure-tested? Uniform attention ranks nothing (every weight ties): it is an accuracy baseline. */
export function isTested(m: GridModel): boolean {
  return m.attention !== 'uniform';
}

/** The model a train/test stage is for (a stage made without one is its architecture's first model). */
export function stageModel(s: { arch: string; model?: GridModel }): GridModel {
  return s.model ?? gridModel(s.arch);
}

/** The per-document tests every erasure run of the grid runs: the default ones, or (suite full) all of them. */
export function gridTestNames(plan: GridPlan): TestName[] {
  return suiteOf(plan) === 'full' ? [...TEST_NAMES] : [...DEFAULT_TEST_NAMES];
}

export type Stage =
  | { kind: 'data'; data: GridData }
  | { kind: 'train'; data: GridData; arch: string; model?: GridModel }
  | { kind: 'test'; data: GridData; arch: string; model?: GridModel }
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
/** A model's folder; `model` is a GridModel's name (an architecture's name for its first model). */
export function modelDir(plan: GridPlan, d: GridData, model: string): string {
  return join(plan.out, d.name, model);
}
export function erasureDir(plan: GridPlan, d: GridData, model: string): string {
  return join(modelDir(plan, d, model), suiteOf(plan) === 'full' ? 'erasure-full' : 'erasure');
}
export function reportDir(plan: GridPlan): string {
  return join(plan.out, suiteOf(plan) === 'full' ? 'report-full' : 'report');
}

/** Every erasure-tested model of a data set, in stage order. */
export function testedModels(plan: GridPlan): GridModel[] {
  return plan.archs.flatMap((a) => modelsOf(plan, a)).filter(isTested);
}

/** Every stage in the order a single process runs them: per data set its data, trainings, tests; then the report. */
export function stagesOf(plan: GridPlan): Stage[] {
  const out: Stage[] = [];
  for (const data of plan.data) {
    out.push({ kind: 'data', data });
    for (const arch of plan.archs) for (const model of modelsOf(plan, arch)) out.push({ kind: 'train', data, arch, model });
    for (const arch of plan.archs) for (const model of modelsOf(plan, arch)) if (isTested(model)) out.push({ kind: 'test', data, arch, model });
  }
  out.push({ kind: 'report' });
  return out;
}

/** A stage's name: data/<name>, train/<name>/<model>, test/<name>/<model>, report (a model's name may hold '/': <arch>/seed-2). */
export function stageId(s: Stage): string {
  switch (s.kind) {
    case 'data':
      return `data/${s.data.name}`;
    case 'train':
    case 'test':
      return `${s.kind}/${s.data.name}/${stageModel(s).name}`;
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
  const raw = readJsonFile(path, `run attnlab reproduce --out ${out} again to rewrite it`);
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
  if (p.suite !== undefined && !(SUITES as readonly unknown[]).includes(p.suite)) bad('suite', SUITES.join(' or '));
  if (p.seeds !== undefined && !(Number.isInteger(p.seeds) && p.seeds >= 1)) bad('seeds', 'a positive integer');
  if (p.attentionKinds !== undefined && !(Array.isArray(p.attentionKinds) && p.attentionKinds.length > 0 && p.attentionKinds.every(isAttentionKind)))
    bad('attentionKinds', `a list of ${ATTENTION_KINDS.join(', ')}`);
  if (p.prepare !== undefined && (p.prepare === null || typeof p.prepare !== 'object' || Array.isArray(p.prepare))) bad('prepare', 'an object of data options');
  // The folder it lies in is the run's folder, wherever the plan was written from. A grid from before
  // suites, seeds and attention kinds reads as the one it was, spelt out.
  const plan = p as GridPlan;
  return { ...plan, out, suite: suiteOf(plan), seeds: seedsOf(plan), attentionKinds: attentionKindsOf(plan) };
}
