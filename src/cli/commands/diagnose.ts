// attnlab diagnose <folder...> [--epochs N] [--hidden N] [--variants LIST] [--seed N] [--threads N] [--fresh]
// The frozen-attention diagnostic of Wiegreffe & Pinter (2019, §4) on trained models: docs/faithfulness.md.
import { existsSync } from 'node:fs';
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { integerOption, parseCommandArgs } from '../args.ts';
import { DATA_OPTIONS, DATA_OPTIONS_HELP, dataOptionsFrom } from '../data-options.ts';
import { DIAGNOSTIC_DEFAULTS, DIAGNOSTIC_VARIANTS, type DiagnosticVariant } from '../../train/attention-diagnostic.ts';
import { findModelDirs } from '../../train/table.ts';

const HELP = `usage: attnlab diagnose <folder...> [options]

The frozen-attention diagnostic of Wiegreffe & Pinter (2019, §4), on every trained HAN/FLAN model (a
folder with model.json) at or below each folder: a non-contextual MLP over the model's frozen embedding
table pools the words of a document with (trained) the model's own attention weights, held fixed (HAN:
sentence weight x word weight), (uniform) 1/n, or (learned) its own attention; each is trained on the
model's training documents. Prints and writes <model>/diagnose.json: test accuracy of the model and of
the three MLPs. The claim to check: trained > uniform. Definitions: docs/faithfulness.md.

options:
  --epochs N        training epochs of each MLP, the best dev epoch kept (default: ${DIAGNOSTIC_DEFAULTS.epochs})
  --hidden N        hidden units (default: ${DIAGNOSTIC_DEFAULTS.hidden})
  --variants LIST   a comma-separated subset of ${DIAGNOSTIC_VARIANTS.join(', ')} (default: all)
  --seed N          initialisation and batch order (default: ${DIAGNOSTIC_DEFAULTS.seed})
  --threads N       torch threads (default: all cores)
  --fresh           train every variant again (default: keep those diagnose.json holds for these settings)
  --data SOURCE     the data set (default: the one recorded in model.json)

${DATA_OPTIONS_HELP}
(by default the options each model's data was prepared with, from model.json)`;

export const command: Command = {
  name: 'diagnose',
  summary: 'frozen-attention diagnostic (Wiegreffe & Pinter 2019): MLP with trained vs uniform vs learned weights',
  async run(args) {
    const { values, positionals } = parseCommandArgs('diagnose', args, {
      epochs: { type: 'string' },
      hidden: { type: 'string' },
      variants: { type: 'string' },
      seed: { type: 'string' },
      threads: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      ...DATA_OPTIONS,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const epochs = integerOption('diagnose', '--epochs', values.epochs, 1);
    const hidden = integerOption('diagnose', '--hidden', values.hidden, 1);
    const seed = integerOption('diagnose', '--seed', values.seed, 0);
    const threads = integerOption('diagnose', '--threads', values.threads, 1);
    const variants = parseVariants(values.variants);
    const options = dataOptionsFrom('diagnose', values);
    if (positionals.length === 0) throw new UserError('attnlab diagnose: name at least one folder of trained models (attnlab diagnose --help)');
    for (const p of positionals) if (!existsSync(p)) throw new UserError(`attnlab diagnose: ${p} does not exist`);
    const dirs = positionals.flatMap((p) => findModelDirs(p));
    if (dirs.length === 0) throw new UserError(`attnlab diagnose: no model.json at or below ${positionals.join(', ')} (train models with attnlab train)`);
    if (threads !== undefined) (await import('../../torch/index.ts')).setNumThreads(threads);
    const { diagnoseModel } = await import('../../train/diagnose-model.ts');
    const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : `${(100 * x).toFixed(1)}%`);
    console.log('| model | data | model test | trained weights | uniform | learned |\n|---|---|---|---|---|---|');
    for (const dir of dirs) {
      const started = Date.now();
      const settings = { ...(epochs !== undefined ? { epochs } : {}), ...(hidden !== undefined ? { hidden } : {}), ...(seed !== undefined ? { seed } : {}) };
      const f = await diagnoseModel(dir, { data: values.data, options, settings, variants, fresh: values.fresh, log: (l) => console.error(l) });
      const of = (v: DiagnosticVariant) => pct(f.variants.find((r) => r.variant === v)?.testAccuracy ?? null);
      console.error(`${dir}: diagnose done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`| ${f.arch} | ${f.dataset} | ${pct(f.base.testAccuracy)} | ${of('trained')} | ${of('uniform')} | ${of('learned')} |`);
    }
    return 0;
  },
};

function parseVariants(s: string | undefined): DiagnosticVariant[] | undefined {
  if (s === undefined) return undefined;
  const out = s.split(',').map((x) => x.trim());
  for (const v of out) {
    if (!(DIAGNOSTIC_VARIANTS as readonly string[]).includes(v)) throw new UserError(`attnlab diagnose: --variants: '${v}' is not one of ${DIAGNOSTIC_VARIANTS.join(', ')}`);
  }
  return out as DiagnosticVariant[];
}
