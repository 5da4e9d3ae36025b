// attnlab data prepare|stats|vectors: thin wrappers over src/data.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { prepareDataset, type PrepareOptions } from '../../data/prepare.ts';
import { openPrepared } from '../../data/dataset.ts';
import { datasetStats, formatStatsTable } from '../../data/stats.ts';
import { describeSkips } from '../../data/bad-rows.ts';
import { FORMATS, type Format } from '../../data/readers.ts';
import { isPresetName, PRESET_NAMES } from '../../data/presets.ts';
import { BUILTINS } from '../../data/builtin/index.ts';

const HELP = `usage:
  attnlab data prepare <path|builtin> [options]   tokenize into the cache; prints the cache folder
  attnlab data stats <path|builtin>... [options]  the paper's Table 1 columns (prepares if needed)
  attnlab data vectors <path|builtin> [--glove] [--dim N] [--epochs N] [--threads N] [--sg]
                                                  word vectors for the vocabulary (word2vec, or GloVe 100-d)

<path|builtin>: ${Object.keys(BUILTINS).join(', ')}; a folder with train.* and test.* (and dev.*);
a train file with --test FILE [--dev FILE]; or one JSON/JSONL file whose records have a split field.

options:
  --format ${FORMATS.join('|')}      override detection (by extension, then by the first bytes)
  --preset ${PRESET_NAMES.join('|')}|none   the paper's data sets: classes, fields, outlier filter
                                (default: from the name, e.g. yahoo_answers_csv -> yahoo)
  --test FILE, --dev FILE       separate test / dev files (dev is otherwise 10% of train, seeded)
  --label-field F, --text-field F[,G], --split-field F     JSON/JSONL field names
  --skip-bad                    skip malformed rows (counted and reported) instead of stopping
  --min-count N                 training words rarer than N become <unk> (default 5)
  --max-sentences N --max-sentence-tokens N   training-set outlier filter (default: the preset's)
  --no-filter                   no outlier filter
  --seed N                      seed for carving dev from train (default 1)
  --cache DIR                   cache folder (default $ATTNLAB_CACHE or ./.cache/attnlab)
  --force                       prepare again even if cached
  --json                        stats: JSON instead of the table`;

const OPTIONS: ParseArgsConfig['options'] = {
  format: { type: 'string' },
  preset: { type: 'string' },
  test: { type: 'string' },
  dev: { type: 'string' },
  'label-field': { type: 'string' },
  'text-field': { type: 'string' },
  'split-field': { type: 'string' },
  'skip-bad': { type: 'boolean', default: false },
  'min-count': { type: 'string' },
  'max-sentences': { type: 'string' },
  'max-sentence-tokens': { type: 'string' },
  'no-filter': { type: 'boolean', default: false },
  seed: { type: 'string' },
  cache: { type: 'string' },
  force: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  glove: { type: 'boolean', default: false },
  sg: { type: 'boolean', default: false },
  dim: { type: 'string' },
  epochs: { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

type Values = Record<string, string | boolean | undefined>;

function intOption(values: Values, name: string, min: number): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${name} expects an integer >= ${min}, got "${v}"`);
  return n;
}

export function prepareOptions(values: Values): PrepareOptions {
  const format = values.format as string | undefined;
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw new UserError(`--format expects ${FORMATS.join('|')}, got "${format}"`);
  const preset = values.preset as string | undefined;
  if (preset !== undefined && preset !== 'none' && !isPresetName(preset)) throw new UserError(`--preset expects ${PRESET_NAMES.join('|')}|none, got "${preset}"`);
  const maxSentences = intOption(values, 'max-sentences', 1);
  const maxSentenceTokens = intOption(values, 'max-sentence-tokens', 1);
  if ((maxSentences === undefined) !== (maxSentenceTokens === undefined)) throw new UserError('--max-sentences and --max-sentence-tokens go together');
  const opts: PrepareOptions = {
    format: format as Format | undefined,
    preset: preset,
    test: values.test as string | undefined,
    dev: values.dev as string | undefined,
    labelField: values['label-field'] as string | undefined,
    textField: values['text-field'] as string | undefined,
    splitField: values['split-field'] as string | undefined,
    skipBad: !!values['skip-bad'],
    minCount: intOption(values, 'min-count', 1),
    seed: intOption(values, 'seed', 0),
    cacheDir: values.cache as string | undefined,
    force: !!values.force,
    log: (line) => console.error(line),
  };
  if (values['no-filter']) opts.filter = null;
  else if (maxSentences !== undefined) opts.filter = { maxSentences, maxSentenceTokens: maxSentenceTokens! };
  return opts;
}

export const command: Command = {
  name: 'data',
  summary: 'prepare data sets (formats, built-in corpora), print their statistics, train word vectors',
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
    } catch (err) {
      throw new UserError(`${(err as Error).message}\n\n${HELP}`);
    }
    const values = parsed.values as Values;
    const [sub, ...sources] = parsed.positionals;
    if (values.help || !sub) {
      console.log(HELP);
      return values.help ? 0 : 1;
    }
    const opts = prepareOptions(values);
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
        console.log(values.json ? JSON.stringify(rows, null, 2) : formatStatsTable(rows));
        return 0;
      }
      case 'vectors': {
        if (sources.length !== 1) throw new UserError('attnlab data vectors: one data set at a time');
        const { dir } = await prepareDataset(sources[0]!, opts);
        const { loadVectors } = await import('../../data/vectors.ts');
        const v = await loadVectors(openPrepared(dir), {
          kind: values.glove ? 'glove' : 'word2vec',
          dim: intOption(values, 'dim', 1),
          epochs: intOption(values, 'epochs', 1),
          threads: intOption(values, 'threads', 1),
          sg: !!values.sg,
          seed: intOption(values, 'seed', 0),
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
