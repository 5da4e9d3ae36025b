// The data options, defined once: every command that reads a data source (data prepare|stats|vectors,
// train, test, eval, reproduce) takes these flags from here, with the same names, checks and help text,
// and turns them into src/data's PrepareOptions. An option that is not given stays undefined, so a
// trained model's recorded options can be used under the ones given (test / eval).
import { UserError } from '../util/errors.ts';
import { FORMATS, type Format } from '../data/readers.ts';
import { isPresetName, PRESET_NAMES } from '../data/presets.ts';
import type { PrepareOptions } from '../data/prepare.ts';
import { integerOption, type Options } from './args.ts';

export const DATA_OPTIONS = {
  format: { type: 'string' },
  preset: { type: 'string' },
  test: { type: 'string' },
  dev: { type: 'string' },
  'label-field': { type: 'string' },
  'text-field': { type: 'string' },
  'split-field': { type: 'string' },
  'skip-bad': { type: 'boolean' },
  'min-count': { type: 'string' },
  'max-sentences': { type: 'string' },
  'max-sentence-tokens': { type: 'string' },
  'no-filter': { type: 'boolean' },
  'dev-seed': { type: 'string' },
  cache: { type: 'string' },
} as const satisfies Options;

export const DATA_OPTIONS_HELP = `data options (the same for data, train, test and eval):
  --format ${FORMATS.join('|')}      override detection (by extension, then by the first bytes)
  --preset ${PRESET_NAMES.join('|')}|none   the paper's data sets: classes, fields, outlier filter
                                (default: from the name, e.g. yahoo_answers_csv -> yahoo)
  --test FILE, --dev FILE       separate test / dev files (dev is otherwise 10% of train, seeded)
  --label-field F, --text-field F[,G], --split-field F     JSON/JSONL field names
  --skip-bad                    skip malformed rows (counted and reported) instead of stopping
  --min-count N                 training words rarer than N become <unk> (default 5)
  --max-sentences N --max-sentence-tokens N   training-set outlier filter (default: the preset's)
  --no-filter                   no outlier filter
  --dev-seed N                  seed for carving dev from train (default 1)
  --cache DIR                   cache folder (default $ATTNLAB_CACHE or ./.cache/attnlab)`;

export type DataValues = { [K in keyof typeof DATA_OPTIONS]?: (typeof DATA_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** PrepareOptions from parsed flags; only the options given are set. */
export function dataOptionsFrom(command: string, values: DataValues): PrepareOptions {
  const format = values.format;
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw new UserError(`attnlab ${command}: --format expects ${FORMATS.join('|')}, got "${format}"`);
  const preset = values.preset;
  if (preset !== undefined && preset !== 'none' && !isPresetName(preset)) throw new UserError(`attnlab ${command}: --preset expects ${PRESET_NAMES.join('|')}|none, got "${preset}"`);
  const maxSentences = integerOption(command, '--max-sentences', values['max-sentences'], 1);
  const maxSentenceTokens = integerOption(command, '--max-sentence-tokens', values['max-sentence-tokens'], 1);
  if ((maxSentences === undefined) !== (maxSentenceTokens === undefined)) throw new UserError(`attnlab ${command}: --max-sentences and --max-sentence-tokens go together`);
  if (values['no-filter'] && maxSentences !== undefined) throw new UserError(`attnlab ${command}: --no-filter and --max-sentences contradict each other`);
  const given: PrepareOptions = {
    format: format as Format | undefined,
    preset,
    test: values.test,
    dev: values.dev,
    labelField: values['label-field'],
    textField: values['text-field'],
    splitField: values['split-field'],
    skipBad: values['skip-bad'],
    minCount: integerOption(command, '--min-count', values['min-count'], 1),
    seed: integerOption(command, '--dev-seed', values['dev-seed'], 0),
    cacheDir: values.cache,
    filter: values['no-filter'] ? null : maxSentences !== undefined ? { maxSentences, maxSentenceTokens: maxSentenceTokens! } : undefined,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
}

/** The data flags that were given, written out again (for a command that runs other commands: reproduce). */
export function dataArgs(values: DataValues): string[] {
  const out: string[] = [];
  for (const [name, def] of Object.entries(DATA_OPTIONS)) {
    const v = values[name as keyof DataValues];
    if (v === undefined || v === false) continue;
    if (def.type === 'boolean') out.push(`--${name}`);
    else out.push(`--${name}`, String(v));
  }
  return out;
}
