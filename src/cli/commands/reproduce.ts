// attnlab reproduce [--data A,B] [--models LIST|all] [--profile quick|paper] [--out DIR] [--max-docs N]
//                   [--suite default|full] [--seeds N] [--attention-kinds LIST]
//                   [--executor local|slurm] [--sbatch "..."] [--device D]
// The whole experiment: data -> train -> test -> report for every (data set, architecture), into one
// folder. This file parses the options into a plan (src/cli/grid/plan.ts) and hands it to an executor:
// local (every stage in this process, in order) or slurm (the stages as dependent Slurm jobs). Either
// resumes: finished stages are not redone.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { parseCommandArgs, requiredInteger } from '../args.ts';
import { DATA_OPTIONS, DATA_OPTIONS_HELP, dataOptionsFrom } from '../data-options.ts';
import { MODEL_NAMES, isModelName } from '../../models/registry.ts';
import { isHfFolder } from '../../models/transformer-load.ts';
import { PROFILES } from '../../train/index.ts';
import { BUILTINS } from '../../data/builtin/index.ts';
import { DEFAULT_CHUNK_SIZE } from '../../erasure/test-run.ts';
import { DEVICE_HELP, checkDeviceSpec } from '../../train/device.ts';
import { checkPlan, dataName, FULL_SUITE_ATTENTION_KINDS, FULL_SUITE_SEEDS, readPlan, stageById, SUITES, type GridPlan, type Suite } from '../grid/plan.ts';
import { ATTENTION_KINDS, isAttentionKind, type AttentionKind } from '../../models/sparse-attention.ts';

const BUILTIN = Object.keys(BUILTINS);
const DEMO_TEST_DOCS = 300;
const EXECUTORS = ['local', 'slurm'] as const;

const HELP = `usage: attnlab reproduce [options]

Trains every architecture on every data set, runs the erasure tests on each model, and writes the
report: <out>/<data>/<arch>/ (model, checkpoints, train.jsonl), <out>/<data>/<arch>/erasure/ (run folder),
<out>/report/report.html. Run it again to resume; finished stages are not redone. attnlab status <out>
shows where each stage stands.

options:
  --data LIST       comma-separated data sets: built-in names or paths (default: ${BUILTIN.join(',')})
  --models LIST     comma-separated architectures or 'all' (default: all): ${MODEL_NAMES.join(', ')};
                    or a Hugging Face folder (config.json + model.safetensors): tested as it is, with its
                    own tokenizer, on every --data (whose classes must be its id2label), never trained
  --profile NAME    demo | quick | paper (default: demo). demo: 4 epochs, 2000 training documents, 300
                    test documents, minutes on 2 cores; quick: 10 epochs, 3000 documents; paper:
                    Appendix A.1's procedure (60 epochs at most, patience 5, 10 for noenc)
  --out DIR         output folder (default: runs/reproduce)
  --max-docs N      erasure tests on a seeded random sample of N test documents (default: all; demo 300)
  --vectors KIND    word2vec | glove | none (default: word2vec)
  --seed N          seed of the erasure tests and the report (default: 1)
  --suite NAME      default | full (default: default). default: the grid above with the default
                    per-document tests (npm start). full: every test (attnlab test --tests all) on
                    every erasure run, and unless --seeds / --attention-kinds say otherwise
                    ${FULL_SUITE_SEEDS} seeds and the attention kinds ${FULL_SUITE_ATTENTION_KINDS.join(',')};
                    into <model>/erasure-full/ and <out>/report-full/, so it reuses the trainings
                    of a default run in the same --out (docs/faithfulness.md, "Seeds, uniform and
                    sparse attention")
  --seeds N         train each model N times, training seeds 1..N (the first in <data>/<arch>/, the
                    others in <data>/<arch>/seed-<k>/); every seed is tested, the report shows the
                    spread across seeds and the attention's JS divergence between seeds (default: 1)
  --attention-kinds LIST
                    comma-separated attention normalisers each HAN/FLAN architecture is trained with:
                    ${ATTENTION_KINDS.join(', ')} (default: softmax). Other than softmax: folder
                    <data>/<arch>-<kind>/, a model of its own in the report ("FLAN-rnn sparsemax");
                    uniform (alpha = 1/n) is trained only, its accuracy shown beside the learned one's
  --chunk N         documents per erasure chunk: the unit of resumption, and of a Slurm array task
                    (default: ${DEFAULT_CHUNK_SIZE})
  --device D        ${DEVICE_HELP}
  --executor NAME   local (default): every stage here, in order; slurm: one job per data set and per
                    training, a job array over each model's erasure chunks, the report last, chained
                    with afterok dependencies (docs/scale.md)
  --sbatch "OPTS"   extra sbatch options for every job, e.g. "--partition=gpu --gres=gpu:1 --time=4:00:00"

${DATA_OPTIONS_HELP.replace('(the same for data, train, test and eval)', '(the same for data, train, test and eval; here for every data set of --data)')}`;

export const command: Command = {
  name: 'reproduce',
  summary: 'the whole experiment (data, train, test, report) on built-in or given data, resumable; locally or on Slurm',
  async run(rawArgs) {
    // --sbatch's value starts with a dash ("--partition=gpu ..."), which parseArgs takes for an option.
    const args = rawArgs.flatMap((a, i) => (rawArgs[i - 1] === '--sbatch' ? [] : a === '--sbatch' && i + 1 < rawArgs.length ? [`--sbatch=${rawArgs[i + 1]}`] : [a]));
    const { values, positionals } = parseCommandArgs('reproduce', args, {
      data: { type: 'string' },
      models: { type: 'string' },
      profile: { type: 'string' },
      out: { type: 'string', default: join('runs', 'reproduce') },
      'max-docs': { type: 'string' },
      vectors: { type: 'string' },
      seed: { type: 'string' },
      suite: { type: 'string' },
      seeds: { type: 'string' },
      'attention-kinds': { type: 'string' },
      chunk: { type: 'string' },
      device: { type: 'string' },
      executor: { type: 'string', default: 'local' },
      sbatch: { type: 'string' },
      // Internal (the Slurm jobs run these): one stage of the grid saved in <out>/grid.json, and the
      // same submission again from that grid.
      stage: { type: 'string' },
      'chunk-index': { type: 'string' },
      continue: { type: 'boolean', default: false },
      ...DATA_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    });
    if (positionals.length) throw new UserError(`attnlab reproduce: unexpected argument '${positionals[0]}' (data sets go in --data; attnlab reproduce --help)`);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const executor = values.executor;
    if (!(EXECUTORS as readonly string[]).includes(executor)) throw new UserError(`attnlab reproduce: --executor must be one of ${EXECUTORS.join(', ')}, got '${executor}'`);
    if (values.sbatch !== undefined && executor !== 'slurm') throw new UserError(`attnlab reproduce: --sbatch goes with --executor slurm`);

    if (values.stage !== undefined) {
      const plan = readPlan(values.out);
      const stage = stageById(plan, values.stage);
      const chunk = values['chunk-index'] === undefined ? undefined : integer('--chunk-index', values['chunk-index'], 0);
      const { resolveDevice } = await import('../../train/device.ts');
      const { runStage } = await import('../grid/stages.ts');
      await runStage(plan, stage, { log: (l) => console.error(l), device: await resolveDevice(plan.device, 'attnlab reproduce') }, chunk);
      return 0;
    }

    const plan = values.continue ? readPlan(values.out) : planOf(values);
    if (executor === 'slurm') {
      const { readRecords, shellWords, submitSlurm } = await import('../grid/slurm.ts');
      const sbatch = values.sbatch !== undefined ? shellWords(values.sbatch) : (readRecords(plan.out)?.sbatch ?? []);
      const { submitted, kept } = submitSlurm(plan, { sbatch });
      console.error(
        submitted.size === 0 && kept.length === 0
          ? `attnlab reproduce: every stage of ${plan.out} is done; nothing submitted`
          : `attnlab reproduce: ${submitted.size} submitted, ${kept.length} kept from an earlier submission; follow with: attnlab status ${plan.out}`,
      );
      console.log(plan.out);
      return 0;
    }
    // Resolved here, before the first stage: a CUDA request on a CPU-only build fails now, not after data.
    const { resolveDevice } = await import('../../train/device.ts');
    const device = await resolveDevice(plan.device, 'attnlab reproduce');
    const { runLocal } = await import('../grid/local.ts');
    console.log(await runLocal(plan, device));
    return 0;
  },
};

export type Values = Record<string, string | boolean | undefined>;

/** The grid the options describe (exported for tests). */
export function planOf(values: Values): GridPlan {
  const str = (k: string, dflt: string): string => {
    const v = values[k];
    return typeof v === 'string' ? v : dflt;
  };
  const data = list(str('data', BUILTIN.join(',')));
  const { models, folders } = modelEntries(str('models', 'all') === 'all' ? [...MODEL_NAMES] : list(str('models', 'all')));
  const profile = str('profile', 'demo');
  if (!(PROFILES as readonly string[]).includes(profile)) throw new UserError(`attnlab reproduce: --profile must be one of ${PROFILES.join(', ')}, got '${profile}'`);
  const vectors = str('vectors', 'word2vec');
  if (vectors !== 'word2vec' && vectors !== 'glove' && vectors !== 'none') throw new UserError(`attnlab reproduce: --vectors must be word2vec, glove or none, got '${vectors}'`);
  // The demo profile tests a sample so that `npm start` stays within minutes; others test everything.
  const maxDocsRaw = typeof values['max-docs'] === 'string' ? values['max-docs'] : profile === 'demo' ? String(DEMO_TEST_DOCS) : undefined;
  const device = str('device', 'auto');
  checkDeviceSpec(device, 'attnlab reproduce');
  const suite = str('suite', 'default');
  if (!(SUITES as readonly string[]).includes(suite)) throw new UserError(`attnlab reproduce: --suite must be one of ${SUITES.join(', ')}, got '${suite}'`);
  const full = suite === 'full';
  const seeds = integer('--seeds', str('seeds', String(full ? FULL_SUITE_SEEDS : 1)), 1);
  const kinds = typeof values['attention-kinds'] === 'string' ? list(values['attention-kinds']) : full ? [...FULL_SUITE_ATTENTION_KINDS] : ['softmax'];
  const badKind = kinds.find((k) => !isAttentionKind(k));
  if (badKind !== undefined) throw new UserError(`attnlab reproduce: --attention-kinds: unknown attention kind '${badKind}' (expected a comma-separated list of ${ATTENTION_KINDS.join(', ')})`);
  // softmax first (the first model of each architecture, in its old folder), each kind once.
  const attentionKinds: AttentionKind[] = ATTENTION_KINDS.filter((k) => kinds.includes(k));
  const plan: GridPlan = {
    format: 'attnlab-grid',
    version: 1,
    out: str('out', join('runs', 'reproduce')),
    data: data.map((source) => ({ source, name: dataName(source) })),
    archs: models,
    ...(Object.keys(folders).length > 0 ? { folders } : {}),
    profile,
    vectors,
    seed: integer('--seed', str('seed', '1'), 0),
    maxDocs: maxDocsRaw === undefined ? null : integer('--max-docs', maxDocsRaw, 1),
    chunkSize: integer('--chunk', str('chunk', String(DEFAULT_CHUNK_SIZE)), 1),
    device,
    suite: suite as Suite,
    seeds,
    attentionKinds,
  };
  // The data options shape how every data set is read; kept in the plan so each stage (and each Slurm job)
  // reads the data the same way. Absent when none is given.
  const prepare = dataOptionsFrom('reproduce', values);
  if (Object.keys(prepare).length > 0) plan.prepare = prepare;
  checkPlan(plan);
  return plan;
}

/**
 * --models entries: built-in architecture names, and Hugging Face folders (config.json + model.safetensors),
 * each named in the grid by its folder's own name (its run folder is <out>/<data>/<name>).
 */
function modelEntries(entries: string[]): { models: string[]; folders: Record<string, string> } {
  const models: string[] = [];
  const folders: Record<string, string> = {};
  for (const entry of entries) {
    if (isModelName(entry)) {
      models.push(entry);
      continue;
    }
    if (!existsSync(entry)) throw new UserError(`attnlab reproduce: --models: unknown architecture '${entry}' (expected ${MODEL_NAMES.join(', ')} or all)`);
    if (!isHfFolder(entry)) throw new UserError(`attnlab reproduce: --models: ${entry} is not a Hugging Face model folder (it needs config.json and model.safetensors); name an architecture or such a folder`);
    const name = entry.replace(/\/+$/, '').split('/').pop()!;
    if (isModelName(name) && entries.includes(name)) throw new UserError(`attnlab reproduce: --models: the folder ${entry} and the architecture '${name}' would both write to <out>/<data>/${name}; copy the folder under another name`);
    if (Object.hasOwn(folders, name)) throw new UserError(`attnlab reproduce: --models: the folders ${folders[name]} and ${entry} are both named '${name}'; copy one under another name`);
    folders[name] = resolve(entry);
    models.push(name);
  }
  return { models, folders };
}

function list(s: string): string[] {
  const items = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (!items.length) throw new UserError(`attnlab reproduce: empty list '${s}'`);
  return items;
}

function integer(name: string, v: string, min: number): number {
  return requiredInteger('reproduce', name, v, min);
}
