// What model.json records about the data a model was trained on: the prepared data's key (hash) and
// name, and enough to find and prepare that data again from any folder — the source as given (a built-in
// name, or the absolute path), separate test/dev files, every input file's absolute path and sha256, and
// the options that shaped it. `attnlab test` and `attnlab eval` read it instead of asking for --data.
import { z } from 'zod';
import { PreparedOptionsSchema, type Dataset } from '../data/dataset.ts';
import type { PrepareOptions, PreparedOptions } from '../data/prepare.ts';
import type { PresetName } from '../data/presets.ts';
import type { Format } from '../data/readers.ts';

export const DatasetRecordSchema = z.object({
  name: z.string(),
  /** The prepared data's key: identical tokens, labels and vocabulary give the same key. */
  hash: z.string(),
  /** A built-in corpus name, or the absolute path of the file or folder it was prepared from. */
  source: z.string().optional(),
  builtin: z.boolean().optional(),
  test: z.string().optional(),
  dev: z.string().optional(),
  files: z.array(z.object({ role: z.enum(['train', 'dev', 'test', 'mixed']), path: z.string(), sha256: z.string() })).optional(),
  options: PreparedOptionsSchema.optional(),
});

/** model.json's dataset field. Models trained before the record existed hold only name and hash. */
export type DatasetRecord = z.infer<typeof DatasetRecordSchema>;

export function datasetRecordOf(ds: Dataset): DatasetRecord {
  const o = ds.origin;
  return {
    name: ds.name,
    hash: ds.meta.key,
    ...(o ? { source: o.source, builtin: o.builtin, files: o.files } : {}),
    ...(o?.test ? { test: o.test } : {}),
    ...(o?.dev ? { dev: o.dev } : {}),
    options: ds.meta.options,
  };
}

/** The recorded options as PrepareOptions, so preparing again gives the same key. */
export function recordedPrepareOptions(options: PreparedOptions | undefined): PrepareOptions {
  if (!options) return {};
  const out: PrepareOptions = {
    // A recorded "no preset" must stay none: the name of a moved copy could otherwise pick one.
    preset: (options.preset ?? 'none') as PresetName | 'none',
    skipBad: options.skipBad,
    minCount: options.minCount,
    filter: options.filter,
    seed: options.seed,
  };
  if (options.format) out.format = options.format as Format;
  if (options.labelField) out.labelField = options.labelField;
  if (options.textField) out.textField = options.textField;
  if (options.splitField) out.splitField = options.splitField;
  return out;
}
