// What `attnlab data prepare <path|builtin>` reads: a built-in corpus, a folder holding train/test[/dev]
// files, a train file with --test (and --dev), or one JSON/JSONL file whose records carry a split field.
import { existsSync, readdirSync, statSync, createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { UserError } from '../util/errors.ts';
import type { BadRows } from './bad-rows.ts';
import { checkRegularFile } from './input-file.ts';
import { BUILTINS, builtinVersion } from './builtin/index.ts';
import { PASSAGE } from './builtin/groups.ts';
import { detectFormat, readRecords, type RawRecord, type ReaderOptions, type SplitName } from './readers.ts';

export interface Input {
  /** The split of every record, or 'mixed' when each record names its own (split field / built-in). */
  role: SplitName | 'mixed';
  path?: string;
  open(bad: BadRows): AsyncIterable<RawRecord>;
}

export interface SourcePlan {
  /** Short name for the cache folder and reports. */
  name: string;
  /** True for a built-in corpus. */
  builtin?: boolean;
  inputs: Input[];
  /** Known class values in class order (built-ins, presets); otherwise classes come from the train labels. */
  labelValues?: string[];
  classNames?: string[];
  /** What identifies the input for the cache key (content hashes, package versions). */
  identity(): Promise<unknown>;
}

export interface SourceOptions extends ReaderOptions {
  test?: string;
  dev?: string;
}

const EXTS = ['.csv', '.tsv', '.tab', '.json', '.jsonl', '.ndjson'];

export function resolveSource(source: string, opts: SourceOptions): SourcePlan {
  const builtin = Object.hasOwn(BUILTINS, source) ? BUILTINS[source] : undefined;
  if (builtin && !existsSync(source)) {
    let records: RawRecord[] | undefined; // read once: prepare looks at a mixed source twice
    return {
      name: builtin.name,
      builtin: true,
      inputs: [{ role: 'mixed', open: () => arrayIterable((records ??= builtin.records())) }],
      labelValues: builtin.classNames,
      // The passage cutting is part of what the records are: another cut is another cache entry.
      // eslint-disable-next-line @typescript-eslint/require-await -- Source.identity is async for file sources
      identity: async () => ({ builtin: builtin.name, package: builtinVersion(builtin), passages: PASSAGE }),
    };
  }
  if (!existsSync(source)) {
    throw new UserError(`${source}: no such file, folder or built-in data set (built-ins: ${Object.keys(BUILTINS).join(', ')})`);
  }
  const files: { role: SplitName | 'mixed'; path: string }[] = [];
  const isDir = statSync(source).isDirectory();
  if (!isDir) checkRegularFile(source);
  if (isDir) {
    const names = readdirSync(source);
    const find = (stem: string): string | undefined => {
      const hit = names.filter((n) => EXTS.some((e) => n.toLowerCase() === stem + e || n.toLowerCase() === `${stem}${e}.gz`)).sort()[0];
      return hit ? join(source, hit) : undefined;
    };
    const train = find('train');
    const test = opts.test ?? find('test');
    const dev = opts.dev ?? find('dev');
    if (!train || !test) {
      throw new UserError(`${source}: expected train.<csv|tsv|json|jsonl>[.gz] and test.<...> in this folder (found ${names.join(', ') || 'nothing'})`);
    }
    files.push({ role: 'train', path: train }, { role: 'test', path: test });
    if (dev) files.push({ role: 'dev', path: dev });
  } else if (opts.test) {
    files.push({ role: 'train', path: source }, { role: 'test', path: opts.test });
    if (opts.dev) files.push({ role: 'dev', path: opts.dev });
  } else {
    const format = opts.format ?? detectFormat(source);
    if (format !== 'json' && format !== 'jsonl') {
      throw new UserError(`${source}: one ${format} file holds no split; give the test file with --test FILE (and --dev FILE), or a folder with train/test files`);
    }
    files.push({ role: 'mixed', path: source });
  }
  // Before anything opens them: a FIFO would block the hash below forever.
  for (const f of files) checkRegularFile(f.path, `${f.role} data`);
  return {
    name: basename(source).replace(/\.[^.]+$/, '') || 'data',
    inputs: files.map((f) => ({ role: f.role, path: f.path, open: (bad: BadRows) => readRecords(f.path, opts, bad) })),
    identity: async () => Promise.all(files.map(async (f) => ({ role: f.role, sha256: await hashFile(f.path) }))),
  };
}

// eslint-disable-next-line @typescript-eslint/require-await -- an in-memory list served as a Source input
async function* arrayIterable<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

/** sha256 of a file's content, streamed (a 1 GB file costs seconds, and a changed file is never mistaken). */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) h.update(chunk as Buffer);
  return h.digest('hex');
}
