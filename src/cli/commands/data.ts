// attnlab data prepare|stats|vectors: thin wrappers over src/data.
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { integerOption, parseCommandArgs } from '../args.ts';
import { DATA_OPTIONS, DATA_OPTIONS_HELP, dataOptionsFrom } from '../data-options.ts';
import { prepareDataset, type PrepareOptions } from '../../data/prepare.ts';
import { openPrepared } from '../../data/dataset.ts';
import { datasetStats, formatLengthTable, formatStatsTable } from '../../data/stats.ts';
import { describeSkips } from '../../data/bad-rows.ts';
import { BUILTINS } from '../../data/builtin/index.ts';

const HELP = `usage:
  attnlab data prepare <path|builtin> [options]   tokenize into the cache; prints the cache folder
  attnlab data stats <path|builtin>... [options]  the paper's Table 1 columns and length quantiles (prepares if needed)
  attnlab data vectors <path|builtin> [--glove] [--dim N] [--epochs N] [--threads N] [--sg]
                                                  word vectors for the vocabulary (word2vec, or GloVe 100-d);
                                                  --threads N: word2vec threads (default 1, which repeats
                                                  exactly; more are faster and not bit-reproducible)

<path|builtin>: ${Object.keys(BUILTINS).join(', ')}; a folder with train.* and test.* (and dev.*);
a train file with --test FILE [--dev FILE]; or one JSON/JSONL file whose records have a split field.

${DATA_OPTIONS_HELP}

other options:
  --force                       prepare again even if cached
  --json                        stats: JSON instead of the table
  --seed N                      vectors: word2vec seed (default 1)`;

const OPTIONS = {
  ...DATA_OPTIONS,
  force: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  glove: { type: 'boolean', default: false },
  sg: { type: 'boolean', default: false },
  dim: { type: 'string' },
  epochs: { type: 'string' },
  threads: { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const command: Command = {
  name: 'data',
  summary: 'prepare data sets (formats, built-in corpora), print their statistics, train word vectors',
  async run(args) {
    const { values, positionals } = parseCommandArgs('data', args, OPTIONS);
    const [sub, ...sources] = positionals;
    if (values.help || !sub) {
      console.log(HELP);
      return values.help ? 0 : 1;
    }
    const opts: PrepareOptions = { ...dataOptionsFrom('data', values), force: values.force, log: (line) => console.error(line) };
    if (sub === 'prepare' || sub === 'stats' || sub === 'vectors') {
      if (sources.length === 0) throw new UserError(`attnlab data ${sub}: name a data set (a path or ${Object.keys(BUILTINS).join(', ')})`);
    }
    switch (sub) {
      case 'prepare': {
        if (sources.length !== 1) throw new UserError('attnlab data prepare: one data set at a time');
        const t0 = performance.now();
        const { dir, meta, cached } = await prepareDataset(sources[0]!, opts);
        for (const line of describeSkips(meta.skipped)) console.error(line);
        if (meta.filteredOutliers > 0) console.error(`dropped ${meta.filteredOutliers} training outliers (filter ${JSON.stringify(meta.options.filter)})`);
        const c = meta.counts;
        console.error(
          `${cached ? 'cached' : `prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`}: train ${c.train.docs}, dev ${c.dev.docs}${meta.devCarved ? ' (10% of train)' : ''}, test ${c.test.docs} documents; ${meta.labels.length} classes; vocabulary ${meta.vocabSize}`,
        );
        console.log(dir);
        return 0;
      }
      case 'stats': {
        const rows = [];
        for (const s of sources) {
          const { dir } = await prepareDataset(s, opts);
          rows.push(datasetStats(openPrepared(dir)));
        }
        console.log(values.json ? JSON.stringify(rows, null, 2) : `${formatStatsTable(rows)}\n\nDocument length (quantiles over all splits)\n${formatLengthTable(rows)}`);
        return 0;
      }
      case 'vectors': {
        if (sources.length !== 1) throw new UserError('attnlab data vectors: one data set at a time');
        const { dir } = await prepareDataset(sources[0]!, opts);
        const { loadVectors } = await import('../../data/vectors.ts');
        const v = await loadVectors(openPrepared(dir), {
          kind: values.glove ? 'glove' : 'word2vec',
          dim: integerOption('data', '--dim', values.dim, 1),
          epochs: integerOption('data', '--epochs', values.epochs, 1),
          threads: integerOption('data', '--threads', values.threads, 1),
          sg: values.sg,
          seed: integerOption('data', '--seed', values.seed, 0),
          log: (line) => console.error(line),
        });
        console.error(`${v.source}: ${v.values.length / v.dim} rows x ${v.dim}, ${v.missing} without a vector (small random)`);
        console.log(v.file);
        return 0;
      }
      default:
        throw new UserError(`attnlab data: unknown subcommand "${sub}" (expected prepare, stats or vectors)\n\n${HELP}`);
    }
  },
};
