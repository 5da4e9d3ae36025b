// The commands that run over every trained model at or below the folders they are given: modelDirsOf
// finds the models (attnlab eval, diagnose, adversary). Diagnose and adversary also share their flags:
// both train small models against each model, with --epochs, --seed, --threads, --fresh, --data and the
// data options; those flags and their checks live here once, so the two commands refuse a bad value with
// the same single line ("attnlab <command>: --seed must be an integer >= 0, got 'x'").
import { existsSync } from 'node:fs';
import type { PrepareOptions } from '../data/prepare.ts';
import { findModelDirs } from '../train/table.ts';
import { UserError } from '../util/errors.ts';
import { integerOption, type Options } from './args.ts';
import { DATA_OPTIONS, DATA_OPTIONS_HELP, dataOptionsFrom, type DataValues } from './data-options.ts';

/** The flags both commands take; each command adds its own to these. */
export const MODEL_PASS_OPTIONS = {
  epochs: { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  fresh: { type: 'boolean', default: false },
  data: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  ...DATA_OPTIONS,
} as const satisfies Options;

/** The help text's end: the data options, read from model.json unless given. */
export const MODEL_PASS_DATA_HELP = `${DATA_OPTIONS_HELP}
(by default the options each model's data was prepared with, from model.json)`;

export type ModelPassValues = DataValues & { epochs?: string; seed?: string; threads?: string; fresh?: boolean; data?: string };

export interface ModelPass {
  /** Only the settings given (epochs >= 1, seed >= 0), so the model pass's defaults fill the rest. */
  settings: { epochs?: number; seed?: number };
  threads: number | undefined;
  options: PrepareOptions;
  data: string | undefined;
  fresh: boolean;
}

/** The shared flags, checked: a bad one is a UserError naming the command and the flag. */
export function modelPassOptions(command: string, values: ModelPassValues): ModelPass {
  const epochs = integerOption(command, '--epochs', values.epochs, 1);
  const seed = integerOption(command, '--seed', values.seed, 0);
  const threads = integerOption(command, '--threads', values.threads, 1);
  const options = dataOptionsFrom(command, values);
  const settings = { ...(epochs !== undefined ? { epochs } : {}), ...(seed !== undefined ? { seed } : {}) };
  return { settings, threads, options, data: values.data, fresh: values.fresh ?? false };
}

/** Every trained-model folder (one with model.json) at or below the folders named; none is a UserError. */
export function modelDirsOf(command: string, folders: readonly string[]): string[] {
  if (folders.length === 0) throw new UserError(`attnlab ${command}: name at least one folder of trained models (attnlab ${command} --help)`);
  for (const p of folders) if (!existsSync(p)) throw new UserError(`attnlab ${command}: ${p} does not exist`);
  const dirs = folders.flatMap((p) => findModelDirs(p));
  if (dirs.length === 0) throw new UserError(`attnlab ${command}: no model.json at or below ${folders.join(', ')} (train models with attnlab train)`);
  return dirs;
}

/** --threads, when given; the addon loads only here (a refused option never loads it). */
export async function applyThreads(threads: number | undefined): Promise<void> {
  if (threads !== undefined) (await import('../torch/index.ts')).setNumThreads(threads);
}

/** Runs `pass` on each model folder in turn and logs how long each took to stderr. */
export async function forEachModel<T>(command: string, dirs: readonly string[], pass: (dir: string) => Promise<T>, print: (result: T) => void): Promise<void> {
  for (const dir of dirs) {
    const started = Date.now();
    const result = await pass(dir);
    console.error(`${dir}: ${command} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    print(result);
  }
}

/** A share as a percentage with one decimal; '-' when there is none. */
export const percent = (x: number | null): string => (x === null || !Number.isFinite(x) ? '-' : `${(100 * x).toFixed(1)}%`);
