// The prepared data set as the models, training and reports see it: vocabulary, classes, and per split
// compact int32 arrays (documents -> sentences -> token ids). See docs/data.md.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.ts';
import { readSplitFile, type SplitFile } from './binary.ts';
import { prepareDataset, SPLITS, PREP_VERSION, type DataOrigin, type PrepareOptions, type PreparedMeta } from './prepare.ts';
import type { SplitName } from './readers.ts';

export interface Split extends SplitFile {
  name: SplitName;
  /** Number of documents. */
  size: number;
}

export class Dataset {
  readonly vocab: string[];
  /** Training counts per word id (0 for <pad> and <unk>). */
  readonly counts: Int32Array;
  readonly labels: string[];
  readonly train: Split;
  readonly dev: Split;
  readonly test: Split;
  private texts: Partial<Record<SplitName, string[]>> = {};

  constructor(
    readonly dir: string,
    readonly meta: PreparedMeta,
    /** Where the data came from (known when it was prepared or looked up by source, not when opened by folder). */
    readonly origin?: DataOrigin,
  ) {
    const vocabPath = join(dir, 'vocab.tsv');
    for (const f of ['vocab.tsv', 'train.bin', 'dev.bin', 'test.bin']) {
      if (!existsSync(join(dir, f))) throw new UserError(`${dir}: damaged cache entry (no ${f}); prepare again with --force, or delete the folder`);
    }
    const lines = readFileSync(vocabPath, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length !== meta.vocabSize) throw new UserError(`${vocabPath}: damaged cache entry (${lines.length} words, meta.json says ${meta.vocabSize}); prepare again with --force, or delete ${dir}`);
    this.vocab = lines.map((l) => l.slice(0, l.lastIndexOf('\t')));
    this.counts = Int32Array.from(lines, (l) => Number(l.slice(l.lastIndexOf('\t') + 1)));
    this.labels = meta.labels;
    const load = (name: SplitName): Split => {
      // Assigned onto the split, not spread: a spread would read its lazy token stream (binary.ts).
      const a = readSplitFile(join(dir, `${name}.bin`));
      return Object.assign(a, { name, size: a.labels.length });
    };
    this.train = load('train');
    this.dev = load('dev');
    this.test = load('test');
  }

  get name(): string {
    return this.meta.name;
  }

  split(name: SplitName): Split {
    return this[name];
  }

  /** Number of sentences of document i. */
  sentenceCount(split: Split, i: number): number {
    return split.docOffsets[i + 1]! - split.docOffsets[i]!;
  }

  /**
   * All token ids of document i, sentences concatenated (FLAN's view): read from the split file, or a
   * view when the split's whole token stream has been loaded.
   */
  docTokens(split: Split, i: number): Int32Array {
    return split.readDocTokens(i);
  }

  /** Token ids of each sentence of document i (HAN's view): views into one read of the document. */
  docSentences(split: Split, i: number): Int32Array[] {
    const all = split.readDocTokens(i);
    const first = split.docOffsets[i]!;
    const base = split.sentOffsets[first]!;
    const out: Int32Array[] = [];
    for (let j = first; j < split.docOffsets[i + 1]!; j++) {
      out.push(all.subarray(split.sentOffsets[j]! - base, split.sentOffsets[j + 1]! - base));
    }
    return out;
  }

  /**
   * Document i as sentences of word strings, for display. Dev and test keep the original (lowercased)
   * tokens, so a word that maps to <unk> shows as itself; train is rebuilt from the vocabulary.
   */
  docText(split: Split, i: number): string[][] {
    if (split.name !== 'train') {
      let lines = this.texts[split.name];
      if (!lines) {
        lines = readFileSync(join(this.dir, `${split.name}.text`), 'utf8').split('\n');
        this.texts[split.name] = lines;
      }
      const line = lines[i];
      if (line === undefined) throw new RangeError(`${split.name} has ${split.size} documents, asked for ${i}`);
      return line.split('\t').map((s) => s.split(' '));
    }
    return this.docSentences(split, i).map((s) => Array.from(s, (id) => this.vocab[id]!));
  }
}

const count = z.number().int().nonnegative();
const splitCounts = z.object({ docs: count, sentences: count, tokens: count, unk: count });
const filter = z.object({ maxSentences: z.number().int().positive(), maxSentenceTokens: z.number().int().positive() }).nullable();
const nullableString = z.string().nullable().optional();

/** The options that shaped a prepared data set (meta.json's options; a trained model records them too). */
export const PreparedOptionsSchema = z.object({
  format: nullableString,
  labelField: nullableString,
  textField: nullableString,
  splitField: nullableString,
  preset: nullableString,
  skipBad: z.boolean(),
  minCount: z.number().int().positive(),
  filter,
  seed: z.number().int(),
});

/** meta.json of a prepared cache entry, checked field by field when read back. */
export const PreparedMetaSchema = z.object({
  prepVersion: z.number().int(),
  name: z.string(),
  key: z.string().regex(/^[0-9a-f]{16}$/),
  source: z.unknown(),
  tokenizer: z.string(),
  options: PreparedOptionsSchema,
  labels: z.array(z.string()).min(1),
  vocabSize: z.number().int().min(2),
  counts: z.object({ train: splitCounts, dev: splitCounts, test: splitCounts }),
  skipped: z.record(z.string(), z.object({ count, examples: z.array(z.string()) })),
  filteredOutliers: count,
  devCarved: z.boolean(),
});

/** The first problem zod found, as "field.path: message". */
export function firstIssue(err: z.ZodError): string {
  const i = err.issues[0];
  if (!i) return 'invalid';
  return `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`;
}

/**
 * meta.json of a cache folder, validated. A damaged file is a UserError naming the file and the field;
 * an entry of an older format says to prepare again.
 */
export function readMeta(dir: string): PreparedMeta {
  const path = join(dir, 'meta.json');
  if (!existsSync(path)) throw new UserError(`${dir}: not a prepared data set (no meta.json)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${path}: damaged cache entry, not valid JSON (${(err as Error).message}); prepare again with --force, or delete ${dir}`);
  }
  const version = (raw as { prepVersion?: unknown } | null)?.prepVersion;
  if (typeof version === 'number' && version !== PREP_VERSION) throw new UserError(`${dir}: prepared by an older attnlab (format ${version}, now ${PREP_VERSION}); prepare it again`);
  const parsed = PreparedMetaSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`${path}: damaged cache entry (${firstIssue(parsed.error)}); prepare again with --force, or delete ${dir}`);
  return parsed.data;
}

/** Opens an already prepared cache folder. */
export function openPrepared(dir: string): Dataset {
  return new Dataset(dir, readMeta(dir));
}

/**
 * A data set by built-in name or path, prepared on first use and then read from the cache.
 * The same options give the same cache entry (see prepareDataset).
 */
export async function loadDataset(source: string, opts: PrepareOptions = {}): Promise<Dataset> {
  const r = await prepareDataset(source, opts);
  try {
    return new Dataset(r.dir, r.meta, r.origin);
  } catch (err) {
    // A damaged cache entry is rebuilt from the source once; a fresh one that fails is a real error.
    if (!(err instanceof UserError) || !r.cached) throw err;
    opts.log?.(`${err.message.replace(/; prepare again.*$/, '')}: preparing it again`);
    const again = await prepareDataset(source, { ...opts, force: true });
    return new Dataset(again.dir, again.meta, again.origin);
  }
}

export { SPLITS };
