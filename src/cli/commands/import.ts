// attnlab import <state_dict.safetensors> <sizes.json> --data SOURCE [--out DIR]
// A PyTorch HAN/FLAN state dict (reference/export_state_dict.py) -> an attnlab model folder that
// `attnlab test` and `attnlab eval` read like one `attnlab train` wrote.
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { parseCommandArgs } from '../args.ts';

const HELP = `usage: attnlab import <state_dict.safetensors> <sizes.json> --data SOURCE [--out DIR]

Turns a PyTorch HAN/FLAN model into an attnlab model folder (model.safetensors + model.json, as attnlab
train writes them), then prints its dev and test accuracy.

<state_dict.safetensors>  the model's state dict saved as safetensors, under the parameter names of
                          reference/torch_models.py (e.g. embedding.weight, encoder.gru.weight_ih_l0,
                          attention.proj.weight, attention.context, classifier.weight); every missing,
                          unexpected or mis-shaped tensor is named in the error.
<sizes.json>              {"arch": "flan-rnn", "vocab": V, "classes": C, "emb": E, "encoderSize": H}
                          (arch: han-rnn, han-conv, han-noenc, flan-rnn, flan-conv, flan-noenc).
reference/export_state_dict.py writes both from a PyTorch model.

options:
  --data SOURCE   the data set whose word ids (vocab.tsv order) and labels the model uses (required):
                  a built-in corpus or a data path, as for attnlab train
  --out DIR       output folder (default: runs/imported/<data>/<arch>)
  --threads N     torch threads (default: all cores)`;

export const command: Command = {
  name: 'import',
  summary: 'turn a PyTorch HAN/FLAN state dict (safetensors) into an attnlab model folder',
  async run(args) {
    const { values, positionals } = parseCommandArgs('import', args, {
      data: { type: 'string' },
      out: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length !== 2) {
      throw new UserError(`attnlab import: expected <state_dict.safetensors> <sizes.json>, got ${positionals.length ? positionals.join(' ') : 'nothing'} (attnlab import --help)`);
    }
    const [weights, sizesPath] = positionals as [string, string];
    if (!values.data) throw new UserError('attnlab import: --data is required (the data set whose vocabulary and labels the model was trained with)');
    const fs = await import('node:fs');
    if (!fs.existsSync(weights)) throw new UserError(`attnlab import: ${weights}: not found`);
    const { readImportSizes, importStateDict } = await import('../../train/import.ts');
    const sizes = readImportSizes(sizesPath);
    if (values.threads !== undefined) {
      const n = Number(values.threads);
      if (!Number.isInteger(n) || n < 1) throw new UserError(`attnlab import: --threads must be a positive integer, got '${values.threads}'`);
      const torch = await import('../../torch/index.ts');
      torch.setNumThreads(n);
    }
    const { loadTrainingData } = await import('../../train/dataset.ts');
    const path = await import('node:path');
    const data = await loadTrainingData(values.data, { vectors: 'none', log: (line) => console.error(line) });
    const outDir = values.out ?? path.join('runs', 'imported', data.name, sizes.arch);
    const { meta } = importStateDict({ weights, sizes, sizesSource: sizesPath, data, outDir });
    const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);
    console.log(`${meta.arch}\tdev ${pct(meta.devAccuracy)}\ttest ${pct(meta.testAccuracy)}\t${outDir}`);
    return 0;
  },
};
