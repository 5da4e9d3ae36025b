// attnlab adversary <folder...> [--lambda LIST] [--epochs N] [--init base|scratch] [--seed N] [--threads N] [--fresh]
// Adversarial training with λ of Wiegreffe & Pinter (2019, §5) against trained models: docs/faithfulness.md.
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { applyThreads, forEachModel, modelDirsOf, modelPassOptions, MODEL_PASS_DATA_HELP, MODEL_PASS_OPTIONS, percent } from '../model-folders.ts';
import { ADVERSARY_DEFAULTS, ADVERSARY_INITS, type AdversaryInit } from '../../train/adversarial-train.ts';
import { DEFAULT_LAMBDAS } from '../../train/adversary-model.ts';

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

${MODEL_PASS_DATA_HELP}`;

export const command: Command = {
  name: 'adversary',
  summary: 'adversarial attention training with λ (Wiegreffe & Pinter 2019): JS of attention vs TVD of outputs',
  async run(args) {
    const { values, positionals } = parseCommandArgs('adversary', args, {
      lambda: { type: 'string' },
      init: { type: 'string' },
      ...MODEL_PASS_OPTIONS,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const lambdas = values.lambda === undefined ? undefined : parseLambdas(values.lambda);
    const pass = modelPassOptions('adversary', values);
    if (values.init !== undefined && !(ADVERSARY_INITS as readonly string[]).includes(values.init)) {
      throw new UserError(`attnlab adversary: --init: '${values.init}' is not one of ${ADVERSARY_INITS.join(', ')}`);
    }
    const init = values.init as AdversaryInit | undefined;
    const dirs = modelDirsOf('adversary', positionals);
    await applyThreads(pass.threads);
    const { adversaryModel } = await import('../../train/adversary-model.ts');
    const f4 = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(4));
    const settings = { ...pass.settings, ...(init !== undefined ? { init } : {}) };
    console.log('| model | data | λ | mean JS | mean KL | mean TVD | adversary test | base test | MLP with its weights |\n|---|---|---|---|---|---|---|---|---|');
    await forEachModel(
      'adversary',
      dirs,
      (dir) => adversaryModel(dir, { data: pass.data, options: pass.options, lambdas, settings, fresh: pass.fresh, log: (l) => console.error(l) }),
      (f) => {
        for (const r of f.runs) {
          console.log(`| ${f.arch} | ${f.dataset} | ${r.lambda} | ${f4(r.test.meanJs)} | ${f4(r.test.meanKl)} | ${f4(r.test.meanTvd)} | ${percent(r.test.accuracy)} | ${percent(f.base.testAccuracy)} | ${percent(r.diagnostic?.testAccuracy ?? null)} |`);
        }
      },
    );
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
