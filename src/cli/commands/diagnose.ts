// attnlab diagnose <folder...> [--epochs N] [--hidden N] [--variants LIST] [--seed N] [--threads N] [--fresh]
// The frozen-attention diagnostic of Wiegreffe & Pinter (2019, §4) on trained models: docs/faithfulness.md.
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { integerOption, parseCommandArgs } from '../args.ts';
import { applyThreads, forEachModel, modelDirsOf, modelPassOptions, MODEL_PASS_DATA_HELP, MODEL_PASS_OPTIONS, percent } from '../model-folders.ts';
import { DIAGNOSTIC_DEFAULTS, DIAGNOSTIC_VARIANTS, type DiagnosticVariant } from '../../train/attention-diagnostic.ts';

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

${MODEL_PASS_DATA_HELP}`;

export const command: Command = {
  name: 'diagnose',
  summary: 'frozen-attention diagnostic (Wiegreffe & Pinter 2019): MLP with trained vs uniform vs learned weights',
  async run(args) {
    const { values, positionals } = parseCommandArgs('diagnose', args, {
      hidden: { type: 'string' },
      variants: { type: 'string' },
      ...MODEL_PASS_OPTIONS,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const pass = modelPassOptions('diagnose', values);
    const hidden = integerOption('diagnose', '--hidden', values.hidden, 1);
    const variants = parseVariants(values.variants);
    const dirs = modelDirsOf('diagnose', positionals);
    await applyThreads(pass.threads);
    const { diagnoseModel } = await import('../../train/diagnose-model.ts');
    const settings = { ...pass.settings, ...(hidden !== undefined ? { hidden } : {}) };
    console.log('| model | data | model test | trained weights | uniform | learned |\n|---|---|---|---|---|---|');
    await forEachModel(
      'diagnose',
      dirs,
      (dir) => diagnoseModel(dir, { data: pass.data, options: pass.options, settings, variants, fresh: pass.fresh, log: (l) => console.error(l) }),
      (f) => {
        const of = (v: DiagnosticVariant) => percent(f.variants.find((r) => r.variant === v)?.testAccuracy ?? null);
        console.log(`| ${f.arch} | ${f.dataset} | ${percent(f.base.testAccuracy)} | ${of('trained')} | ${of('uniform')} | ${of('learned')} |`);
      },
    );
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
