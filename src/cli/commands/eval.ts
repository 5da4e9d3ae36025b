// attnlab eval <folder...> [--data SOURCE] [data options] [--stored] [--json FILE]
// Test accuracy of every trained model found in the folders, as a table like the paper's Table 3.
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { writeJsonAtomic } from '../../util/atomic.ts';
import { DATA_OPTIONS, DATA_OPTIONS_HELP, dataOptionsFrom } from '../data-options.ts';
import type { Dataset } from '../../data/dataset.ts';
import { accuracyTable, type AccuracyRow } from '../../train/index.ts';
import { modelDirsOf } from '../model-folders.ts';

const HELP = `usage: attnlab eval <folder...> [--data SOURCE] [--stored] [--json FILE]

Finds every attnlab train output (a folder with model.json) at or below each folder, computes its accuracy
on the test split of the data it was trained on, and prints a Markdown table: one row per data set, one
column per architecture, and the majority-class share of the test split.

options:
  --data SOURCE   the data set (default: the one recorded in each model.json — a built-in name, or the
                  file's absolute path, checked against its sha256)
  --stored        print the test accuracies recorded at the end of training, without recomputing
  --json FILE     also write the rows as JSON

${DATA_OPTIONS_HELP}
(by default the options each model's data was prepared with, from model.json)`;

export const command: Command = {
  name: 'eval',
  summary: 'test accuracy of trained models, as the paper\'s Table 3',
  async run(args) {
    const { values, positionals } = parseCommandArgs('eval', args, {
      data: { type: 'string' },
      stored: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      ...DATA_OPTIONS,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const options = dataOptionsFrom('eval', values);
    const dirs = modelDirsOf('eval', positionals);

    const rows: AccuracyRow[] = [];
    const { evaluateTrainedModel } = await import('../../train/trained-model.ts');
    const cache = new Map<string, Dataset>();
    for (const dir of dirs) {
      const { meta, accuracy, majority } = await evaluateTrainedModel(dir, { data: values.data, options, stored: values.stored, cache, log: (l) => console.error(l) });
      console.error(`${dir}: ${meta.arch} on ${meta.dataset.name}, epoch ${meta.epoch}, test ${accuracy === null ? '-' : (100 * accuracy).toFixed(1) + '%'}`);
      rows.push({ dataset: meta.dataset.name, arch: meta.arch, accuracy, majority, dir });
    }
    console.log(accuracyTable(rows));
    if (values.json) writeJsonAtomic(values.json, rows);
    return 0;
  },
};
