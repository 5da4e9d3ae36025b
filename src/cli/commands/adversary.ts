// attnlab adversary <folder...> [--lambda LIST] [--epochs N] [--init base|scratch] [--seed N] [--threads N] [--fresh]
// Adversarial training with λ of Wiegreffe & Pinter (2019, §5) against trained models: docs/faithfulness.md.
import { existsSync } from 'node:fs';
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { integerOption, parseCommandArgs } from '../args.ts';
import { DATA_OPTIONS, DATA_OPTIONS_HELP, dataOptionsFrom } from '../data-options.ts';
import { ADVERSARY_DEFAULTS, ADVERSARY_INITS, type AdversaryInit } from '../../train/adversarial-train.ts';
import { DEFAULT_LAMBDAS } from '../../train/adversary-model.ts';
import { findModelDirs } from '../../train/table.ts';

const HELP = `usage: attnlab adversary <folder...> [options]

Adversarial training of Wiegreffe & Pinter (2019, §5) against every trained HAN/FLAN model at or below
each folder: for each λ, a model of the same architecture is trained on the base's training documents with
loss TVD(ŷ_adv, ŷ_base) − λ·KL(α_adv ‖ α_base) (final attention layer), and compared with the base on the
test documents: mean JS and KL of its attention from the base's, mean TVD of its outputs, its accuracy.
Prints and writes <model>/adversary.json. Definitions: docs/faithfulness.md.

options:
  --lambda LIST     comma-separated λ values >= 0 (default: ${DEFAULT_LAMBDAS.join(',')})
  --epochs N        epochs per adversary, the lowest dev loss kept (default: ${ADVERSARY_DEFAULTS.epochs})
  --init WHERE      base = start from a copy of the base model; scratch = a fresh model with the base's
                    embeddings, as Wiegreffe & Pinter (default: ${ADVERSARY_DEFAULTS.init})
  --seed N          initialisation, batch order, dropout (default: ${ADVERSARY_DEFAULTS.seed})
  --threads N       torch threads (default: all cores)
  --fresh           train every λ again (default: keep those adversary.json holds for these settings)
  --data SOURCE     the data set (default: the one recorded in model.json)

${DATA_OPTIONS_HELP}
(by default the options each model's data was prepared with, from model.json)`;

export const command: Command = {
  name: 'adversary',
  summary: 'adversarial attention training with λ (Wiegreffe & Pinter 2019): JS of attention vs TVD of outputs',
  async run(args) {
    const { values, positionals } = parseCommandArgs('adversary', args, {
      lambda: { type: 'string' },
      epochs: { type: 'string' },
      init: { type: 'string' },
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
    const lambdas = values.lambda === undefined ? undefined : parseLambdas(values.lambda);
    const epochs = integerOption('adversary', '--epochs', values.epochs, 1);
    const seed = integerOption('adversary', '--seed', values.seed, 0);
    if (values.init !== undefined && !(ADVERSARY_INITS as readonly string[]).includes(values.init)) {
      throw new UserError(`attnlab adversary: --init: '${values.init}' is not one of ${ADVERSARY_INITS.join(', ')}`);
    }
    const init = values.init as AdversaryInit | undefined;
    const threads = integerOption('adversary', '--threads', values.threads, 1);
    const options = dataOptionsFrom('adversary', values);
    if (positionals.length === 0) throw new UserError('attnlab adversary: name at least one folder of trained models (attnlab adversary --help)');
    for (const p of positionals) if (!existsSync(p)) throw new UserError(`attnlab adversary: ${p} does not exist`);
    const dirs = positionals.flatMap((p) => findModelDirs(p));
    if (dirs.length === 0) throw new UserError(`attnlab adversary: no model.json at or below ${positionals.join(', ')} (train models with attnlab train)`);
    if (threads !== undefined) (await import('../../torch/index.ts')).setNumThreads(threads);
    const { adversaryModel } = await import('../../train/adversary-model.ts');
    const f4 = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(4));
    const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : `${(100 * x).toFixed(1)}%`);
    console.log('| model | data | λ | mean JS | mean KL | mean TVD | adversary test | base test | MLP with its weights |\n|---|---|---|---|---|---|---|---|---|');
    for (const dir of dirs) {
      const started = Date.now();
      const settings = { ...(epochs !== undefined ? { epochs } : {}), ...(seed !== undefined ? { seed } : {}), ...(init !== undefined ? { init } : {}) };
      const f = await adversaryModel(dir, { data: values.data, options, lambdas, settings, fresh: values.fresh, log: (l) => console.error(l) });
      console.error(`${dir}: adversary done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      for (const r of f.runs) {
        console.log(`| ${f.arch} | ${f.dataset} | ${r.lambda} | ${f4(r.test.meanJs)} | ${f4(r.test.meanKl)} | ${f4(r.test.meanTvd)} | ${pct(r.test.accuracy)} | ${pct(f.base.testAccuracy)} | ${pct(r.diagnostic?.testAccuracy ?? null)} |`);
      }
    }
    return 0;
  },
};

export function parseLambdas(s: string): number[] {
  const out = s.split(',').map((x) => x.trim());
  return out.map((x) => {
    const v = Number(x);
    if (x === '' || !Number.isFinite(v) || v < 0) throw new UserError(`attnlab adversary: --lambda: '${x}' is not a number >= 0 (a comma-separated list, e.g. --lambda 0,0.1,1)`);
    return v;
  });
}
