// attnlab eval <folder...> [--data SOURCE] [--stored] [--json FILE]
// Test accuracy of every trained model found in the folders, as a table like the paper's Table 3.
import { existsSync } from 'node:fs';
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { writeJsonAtomic } from '../../util/atomic.ts';
import { accuracyTable, findModelDirs, readModelMeta, type AccuracyRow, type TrainingData } from '../../train/index.ts';

const HELP = `usage: attnlab eval <folder...> [--data SOURCE] [--stored] [--json FILE]

Finds every attnlab train output (a folder with model.json) at or below each folder, computes its accuracy
on the test split of the data it was trained on, and prints a Markdown table: one row per data set, one
column per architecture, and the majority-class share of the test split.

options:
  --data SOURCE   the data set (default: the name recorded in each model.json, e.g. a built-in corpus)
  --stored        print the test accuracies recorded at the end of training, without recomputing
  --json FILE     also write the rows as JSON`;

export const command: Command = {
  name: 'eval',
  summary: 'test accuracy of trained models, as the paper\'s Table 3',
  async run(args) {
    const { values, positionals } = parseCommandArgs('eval', args, {
      data: { type: 'string' },
      stored: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length === 0) throw new UserError('attnlab eval: name at least one folder of trained models (attnlab eval --help)');
    for (const p of positionals) if (!existsSync(p)) throw new UserError(`attnlab eval: ${p} does not exist`);
    const dirs = positionals.flatMap((p) => findModelDirs(p));
    if (dirs.length === 0) throw new UserError(`attnlab eval: no model.json at or below ${positionals.join(', ')} (train models with attnlab train)`);

    const rows: AccuracyRow[] = [];
    const cache = new Map<string, TrainingData>();
    for (const dir of dirs) {
      const meta = readModelMeta(dir);
      let accuracy = meta.testAccuracy;
      let majority = meta.testMajority ?? null;
      if (!values.stored) {
        const source = values.data ?? meta.dataset.name;
        let data = cache.get(source);
        if (!data) {
          const { loadTrainingData } = await import('../../train/dataset.ts');
          data = await loadTrainingData(source, { vectors: 'none', log: (l) => console.error(l) });
          cache.set(source, data);
        }
        if (data.hash !== meta.dataset.hash) {
          throw new UserError(`attnlab eval: ${dir} was trained on '${meta.dataset.name}' (${meta.dataset.hash}), but ${source} prepares to ${data.hash}; pass that data with --data`);
        }
        const { loadModel, accuracy: acc, majorityShare } = await import('../../train/index.ts');
        const { model } = loadModel(dir);
        try {
          accuracy = acc(model, data.test);
        } finally {
          model.dispose();
        }
        majority = majorityShare(data.test, data.classes.length);
      }
      console.error(`${dir}: ${meta.arch} on ${meta.dataset.name}, epoch ${meta.epoch}, test ${accuracy === null ? '-' : (100 * accuracy).toFixed(1) + '%'}`);
      rows.push({ dataset: meta.dataset.name, arch: meta.arch, accuracy, majority, dir });
    }
    console.log(accuracyTable(rows));
    if (values.json) writeJsonAtomic(values.json, rows);
    return 0;
  },
};
