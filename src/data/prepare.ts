// Raw records -> a prepared data set in the cache (docs/method.md §2). One streaming pass tokenizes every record,
// writes provisional word ids to temporary int32 files and counts training words; a second pass over
// those files maps them to the final vocabulary (training words with count >= minCount, most frequent
// first; 0 = padding, 1 = UNK). Memory holds the word table and the offset arrays, never the token
// stream, so a Yahoo-sized file (1.4 M documents) prepares in bounded memory.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng } from '../util/rng.ts';
import { UserError } from '../util/errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { BadRows, describeSkips, type SkipCount } from './bad-rows.ts';
import { Int32FileWriter, IntList, readInt32Chunks, splitHeader } from './binary.ts';
import { PRESETS, presetFromName, type OutlierFilter, type PresetName } from './presets.ts';
import { resolveSource, type SourceOptions, type SourcePlan } from './source.ts';
import type { SplitName } from './readers.ts';
import { tokenizeDocument, TOKENIZER_DESCRIPTION } from './tokenize.ts';

/** Bump when the prepared format or the preprocessing changes: old cache entries are then not reused. */
export const PREP_VERSION = 1;
export const SPLITS: readonly SplitName[] = ['train', 'dev', 'test'];
export const PAD_ID = 0;
export const UNK_ID = 1;
export const DEV_FRACTION_BLOCK = 10; // one training record in each block of 10 becomes dev: 10 %

export interface PrepareOptions extends SourceOptions {
  /** The paper's data set this is; default: taken from the source's name when it starts with one; 'none': no preset. */
  preset?: PresetName | 'none';
  /** Rows that are malformed are skipped and counted instead of stopping the run. */
  skipBad?: boolean;
  /** Training words rarer than this become UNK (default 5). */
  minCount?: number;
  /** Training-set outlier filter; default from the preset; null turns it off. */
  filter?: OutlierFilter | null;
  /** Seed for carving dev out of train (default 1). */
  seed?: number;
  /** Cache root; default $ATTNLAB_CACHE or ./.cache/attnlab. */
  cacheDir?: string;
  /** Prepare again even if the cache has this entry. */
  force?: boolean;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface SplitCounts {
  docs: number;
  sentences: number;
  tokens: number;
  unk: number;
}

export interface PreparedMeta {
  prepVersion: number;
  name: string;
  key: string;
  source: unknown;
  tokenizer: string;
  /** The options that shaped the data (the cache key's), so a model trained on it can prepare it again. */
  options: PreparedOptions;
  /** Class names in class-id order. */
  labels: string[];
  vocabSize: number;
  counts: Record<SplitName, SplitCounts>;
  /** Rows skipped (malformed with --skip-bad, empty documents), by reason. */
  skipped: Record<string, SkipCount>;
  /** Training documents dropped by the outlier filter. */
  filteredOutliers: number;
  /** True when dev was carved from train (10 %, seeded), false when given. */
  devCarved: boolean;
}

export interface PreparedOptions {
  format?: string | null;
  labelField?: string | null;
  textField?: string | null;
  splitField?: string | null;
  preset?: string | null;
  skipBad: boolean;
  minCount: number;
  filter: OutlierFilter | null;
  seed: number;
}

/** One input file as it was read: its role, absolute path at prepare time, and content hash. */
export interface InputFile {
  role: SplitName | 'mixed';
  path: string;
  sha256: string;
}

/** Where a prepared data set came from: a built-in name, or the path given (absolute) and its files. */
export interface DataOrigin {
  /** The source as given: a built-in corpus name, or the absolute path of the file or folder. */
  source: string;
  builtin: boolean;
  /** Separate test / dev files (--test, --dev), absolute. */
  test?: string;
  dev?: string;
  files: InputFile[];
}

export function defaultCacheDir(): string {
  return resolve(process.env.ATTNLAB_CACHE || join(process.cwd(), '.cache', 'attnlab'));
}

export interface PrepareResult {
  dir: string;
  meta: PreparedMeta;
  cached: boolean;
  origin: DataOrigin;
}

export async function prepareDataset(source: string, opts: PrepareOptions = {}): Promise<PrepareResult> {
  const log = opts.log ?? (() => {});
  if (opts.preset && opts.preset !== 'none' && !Object.hasOwn(PRESETS, opts.preset)) {
    throw new UserError(`unknown preset "${opts.preset}" (expected ${Object.keys(PRESETS).join(', ')} or none)`);
  }
  // Like training (src/train/presets.ts), a data set named after one of the paper's (yahoo_answers_csv,
  // yelp_review_full_csv, ...) gets its preset, so the outlier filter and classes match the paper.
  const presetName = opts.preset === 'none' ? undefined : (opts.preset ?? presetFromName(source));
  if (presetName && !opts.preset) log(`using preset ${presetName} (from the data set's name; --preset none for none)`);
  const preset = presetName ? PRESETS[presetName] : undefined;
  const readerOpts: SourceOptions = {
    ...opts,
    labelField: opts.labelField ?? preset?.labelField,
    textField: opts.textField ?? preset?.textField,
  };
  const plan = resolveSource(source, readerOpts);
  if (preset && !plan.labelValues) {
    plan.labelValues = preset.labelValues;
    plan.classNames = preset.classNames;
  }
  const minCount = opts.minCount ?? 5;
  if (!(Number.isInteger(minCount) && minCount >= 1)) throw new UserError(`min count must be a positive integer, got ${minCount}`);
  const filter = opts.filter === undefined ? (preset?.filter ?? null) : opts.filter;
  const seed = opts.seed ?? 1;
  const options: PreparedOptions = {
    format: readerOpts.format ?? null,
    labelField: readerOpts.labelField ?? null,
    textField: readerOpts.textField ?? null,
    splitField: readerOpts.splitField ?? null,
    preset: presetName ?? null,
    skipBad: !!opts.skipBad,
    minCount,
    filter,
    seed,
  };
  const identity = await plan.identity();
  const hashes = Array.isArray(identity) ? (identity as { sha256: string }[]) : [];
  const origin: DataOrigin = {
    source: plan.builtin ? source : resolve(source),
    builtin: !!plan.builtin,
    ...(opts.test ? { test: resolve(opts.test) } : {}),
    ...(opts.dev ? { dev: resolve(opts.dev) } : {}),
    files: plan.inputs.flatMap((input, k) => (input.path ? [{ role: input.role, path: resolve(input.path), sha256: hashes[k]?.sha256 ?? '' }] : [])),
  };
  const key = createHash('sha256')
    .update(JSON.stringify({ PREP_VERSION, tokenizer: TOKENIZER_DESCRIPTION, identity, options }))
    .digest('hex')
    .slice(0, 16);
  const root = opts.cacheDir ? resolve(opts.cacheDir) : defaultCacheDir();
  const dir = join(root, `${plan.name}-${key}`);
  if (!opts.force && existsSync(join(dir, 'meta.json'))) {
    const { readMeta } = await import('./dataset.ts');
    try {
      const meta = readMeta(dir);
      log(`prepared data found in cache: ${dir}`);
      return { dir, meta, cached: true, origin };
    } catch (err) {
      // A damaged entry is only a cache: say so, and build it again from the source.
      if (!(err instanceof UserError)) throw err;
      log(`${err.message.replace(/; prepare again.*$/, '')}: preparing it again`);
    }
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const meta = await build(plan, tmp, { options, filter, key, identity, skipBad: !!opts.skipBad, log });
    writeJsonAtomic(join(tmp, 'meta.json'), meta);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process prepared the same entry at the same moment: theirs is as good as ours.
      if (!existsSync(join(dir, 'meta.json'))) throw err;
      rmSync(tmp, { recursive: true, force: true });
    }
    return { dir, meta, cached: false, origin };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

interface BuildOptions {
  filter: OutlierFilter | null;
  key: string;
  identity: unknown;
  skipBad: boolean;
  log: (line: string) => void;
  options: PreparedOptions;
}

/** One split being written during the streaming pass (tokens go to disk, offsets stay in memory). */
class SplitBuilder {
  readonly labels = new IntList();
  readonly sourceIndex = new IntList();
  readonly docOffsets = new IntList();
  readonly sentOffsets = new IntList();
  readonly tokens: Int32FileWriter;
  readonly textFd: number | undefined;
  unk = 0;

  constructor(readonly dir: string, readonly name: SplitName) {
    this.docOffsets.push(0);
    this.sentOffsets.push(0);
    this.tokens = new Int32FileWriter(join(dir, `${name}.tokens.tmp`));
    // Surface tokens of dev/test documents, for reports that show a document's words (UNKs included).
    this.textFd = name === 'train' ? undefined : openSync(join(dir, `${name}.text`), 'w');
  }

  add(label: number, sourceIndex: number, sentences: string[][], wordId: (w: string) => number): void {
    this.labels.push(label);
    this.sourceIndex.push(sourceIndex);
    for (const s of sentences) {
      for (const w of s) this.tokens.push(wordId(w));
      this.sentOffsets.push(this.tokens.count);
    }
    this.docOffsets.push(this.sentOffsets.length - 1);
    if (this.textFd !== undefined) writeSync(this.textFd, sentences.map((s) => s.join(' ')).join('\t') + '\n');
  }

  get docs(): number {
    return this.labels.length;
  }

  /** Writes the final split file, mapping provisional word ids and label ids to final ones. */
  finish(wordMap: Int32Array, labelMap: Int32Array): SplitCounts {
    this.tokens.close();
    if (this.textFd !== undefined) closeSync(this.textFd);
    const nTokens = this.tokens.count;
    if (nTokens > 0x7fffffff) throw new UserError(`${this.name}: ${nTokens} tokens is more than a prepared split can hold (2^31)`);
    const out = new Int32FileWriter(join(this.dir, `${this.name}.bin`));
    const header = splitHeader(this.docs, this.sentOffsets.length - 1, nTokens);
    out.writeArray(new Int32Array(header.buffer, header.byteOffset, header.byteLength / 4));
    out.writeArray(this.labels.toArray().map((l) => labelMap[l]!));
    out.writeArray(this.sourceIndex.toArray());
    out.writeArray(this.docOffsets.toArray());
    out.writeArray(this.sentOffsets.toArray());
    const tmpPath = join(this.dir, `${this.name}.tokens.tmp`);
    for (const chunk of readInt32Chunks(tmpPath)) {
      for (let i = 0; i < chunk.length; i++) {
        const id = wordMap[chunk[i]!]!;
        if (id === UNK_ID) this.unk++;
        chunk[i] = id;
      }
      out.writeArray(chunk);
    }
    out.close();
    rmSync(tmpPath);
    return { docs: this.docs, sentences: this.sentOffsets.length - 1, tokens: nTokens, unk: this.unk };
  }
}

function isOutlier(sentences: string[][], f: OutlierFilter): boolean {
  if (sentences.length > f.maxSentences) return true;
  return sentences.some((s) => s.length > f.maxSentenceTokens);
}

/** Class order when the data names its own classes: numeric if every label is a number, else text order. */
export function sortLabels(labels: string[]): string[] {
  const numeric = labels.every((l) => /^-?\d+(\.\d+)?$/.test(l));
  return [...labels].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const SPLIT_ALIASES = new Map<string, SplitName>([
  ['train', 'train'], ['training', 'train'], ['dev', 'dev'], ['valid', 'dev'], ['validation', 'dev'], ['val', 'dev'], ['test', 'test'],
]);

function describeUnit(path: string): string {
  return /\.json$/i.test(path) ? 'array element' : 'line';
}

async function build(plan: SourcePlan, dir: string, o: BuildOptions): Promise<PreparedMeta> {
  const bad = new BadRows(o.skipBad);
  const hasDevInput = plan.inputs.some((i) => i.role === 'dev');
  // A file with a split field: look once at which splits and training labels it has (a cheap pass that
  // reports nothing; the real pass reports bad rows).
  let mixedHasDev = false;
  const trainLabelsAhead = new Set<string>();
  for (const input of plan.inputs.filter((i) => i.role === 'mixed')) {
    for await (const r of input.open(new BadRows(true))) {
      const split = r.split === undefined ? undefined : SPLIT_ALIASES.get(r.split.toLowerCase());
      if (split === 'dev') mixedHasDev = true;
      if (split === 'train' && r.label !== undefined) trainLabelsAhead.add(r.label);
    }
  }
  const carveDev = !hasDevInput && !mixedHasDev;

  const fixedLabels = plan.labelValues ? new Map(plan.labelValues.map((v, i) => [v, i])) : undefined;
  const labelIds = new Map<string, number>(); // label -> provisional id (data-named classes)
  for (const l of trainLabelsAhead) labelIds.set(l, labelIds.size);

  const wordIds = new Map<string, number>();
  const words: string[] = [];
  const trainCounts = new IntList(1 << 16);
  const builders = Object.fromEntries(SPLITS.map((s) => [s, new SplitBuilder(dir, s)])) as Record<SplitName, SplitBuilder>;
  // Provisional ids in order of first appearance (any split); only training occurrences are counted.
  const otherWordId = (w: string): number => {
    let id = wordIds.get(w);
    if (id === undefined) {
      id = words.length;
      wordIds.set(w, id);
      words.push(w);
    }
    return id;
  };
  const trainWordId = (w: string): number => {
    const id = otherWordId(w);
    trainCounts.add(id, 1);
    return id;
  };

  const carveRng = new Rng(o.options.seed);
  let trainSeen = 0;
  let devPick = 0;
  let filteredOutliers = 0;
  let records = 0;
  const order: Record<string, number> = { train: 0, dev: 1, test: 2, mixed: 3 };
  const inputs = [...plan.inputs].sort((a, b) => order[a.role]! - order[b.role]!);
  let trainRecords = 0;
  const why = (): string => {
    const parts = describeSkips(bad.toJSON());
    if (filteredOutliers > 0) parts.push(`${filteredOutliers} training outliers dropped by the filter`);
    return parts.length ? `; ${parts.join('; ')}` : '';
  };
  const noTrainingLeft = (read: number): never => {
    throw new UserError(`no training documents left to prepare (${read} well-formed training records read${why()})`);
  };
  const trainFiles = inputs.filter((i) => i.role === 'train').map((i) => i.path ?? plan.name);
  for (const input of inputs) {
    // Train is read first: with no training record at all, every test label would look unknown
    // ("test.csv:1: label ... does not occur"), which points at the wrong file.
    if (input.role !== 'train' && trainFiles.length > 0) {
      if (trainRecords === 0) {
        throw new UserError(`${trainFiles.join(', ')}: no training records (the file is empty or holds only a header row); expected one labelled document per ${describeUnit(trainFiles[0]!)}`);
      }
      if (builders.train.docs + builders.dev.docs === 0) noTrainingLeft(trainRecords);
    }
    for await (const r of input.open(bad)) {
      if (input.role === 'train') trainRecords++;
      if (++records % 100000 === 0) o.log(`  ${records} records`);
      let split: SplitName | undefined = input.role === 'mixed' ? undefined : input.role;
      if (input.role === 'mixed') {
        split = r.split === undefined ? undefined : SPLIT_ALIASES.get(r.split.toLowerCase());
        if (!split) {
          bad.bad(r.where, r.split === undefined ? 'missing split field (expected train, dev or test)' : `unknown split "${r.split}" (expected train, dev or test)`);
          continue;
        }
      }
      if (r.label === undefined) {
        bad.bad(r.where, 'missing label');
        continue;
      }
      if (r.text.includes('\uFFFD') || r.label.includes('\uFFFD')) {
        bad.bad(r.where, 'invalid UTF-8 (bytes that do not decode as UTF-8)');
        continue;
      }
      let label: number | undefined;
      if (fixedLabels) {
        label = fixedLabels.get(r.label);
        if (label === undefined) {
          bad.bad(r.where, `unknown label "${r.label}"`, `expected one of ${plan.labelValues!.join(', ')}`);
          continue;
        }
      } else if (split === 'train') {
        label = labelIds.get(r.label);
        if (label === undefined) labelIds.set(r.label, (label = labelIds.size));
      } else {
        label = labelIds.get(r.label);
        if (label === undefined) {
          bad.bad(r.where, `label "${r.label}" does not occur in the training data`);
          continue;
        }
      }
      const sentences = tokenizeDocument(r.text);
      if (sentences.length === 0) {
        bad.count(r.where, 'empty documents (no tokens)');
        continue;
      }
      if (split === 'train' && carveDev) {
        // Systematic sampling: in each block of 10 training records, one seeded position goes to dev.
        if (trainSeen % DEV_FRACTION_BLOCK === 0) devPick = carveRng.int(DEV_FRACTION_BLOCK);
        if (trainSeen++ % DEV_FRACTION_BLOCK === devPick) split = 'dev';
      }
      if (split === 'train' && o.filter && isOutlier(sentences, o.filter)) {
        filteredOutliers++;
        continue;
      }
      builders[split!].add(label, r.index, sentences, split === 'train' ? trainWordId : otherWordId);
    }
  }
  if (builders.train.docs === 0) noTrainingLeft(trainFiles.length ? trainRecords : records);
  if (builders.test.docs === 0) throw new UserError(`no test documents (the test file or split is empty, or all its rows were skipped${why()})`);
  // One class cannot train a classifier: refuse here, before word vectors and training spend minutes.
  const trainClasses = new Set(builders.train.labels.toArray());
  if (trainClasses.size < 2) {
    const only = [...trainClasses].map((id) => (fixedLabels ? plan.labelValues![id]! : [...labelIds].find(([, v]) => v === id)![0]));
    throw new UserError(
      `${trainFiles.join(', ') || plan.name}: the training documents all have one class (${JSON.stringify(only[0])}); a classifier needs at least 2 — check the label column or field (--label-field)`,
    );
  }

  // Vocabulary: training words with count >= minCount, most frequent first, ties in code-point order.
  const counts = trainCounts.toArray();
  const kept: number[] = [];
  for (let id = 0; id < counts.length; id++) if (counts[id]! >= o.options.minCount) kept.push(id);
  kept.sort((a, b) => counts[b]! - counts[a]! || (words[a]! < words[b]! ? -1 : 1));
  const wordMap = new Int32Array(words.length).fill(UNK_ID);
  kept.forEach((id, rank) => (wordMap[id] = rank + 2));
  const vocabLines = ['<pad>\t0', `<unk>\t0`, ...kept.map((id) => `${words[id]}\t${counts[id]}`)];
  writeFileAtomic(join(dir, 'vocab.tsv'), vocabLines.join('\n') + '\n');

  // Classes: fixed ones keep their order; data-named ones are sorted.
  let labels: string[];
  let labelMap: Int32Array;
  if (fixedLabels) {
    labels = plan.classNames ?? plan.labelValues!;
    labelMap = Int32Array.from(plan.labelValues!, (_, i) => i);
  } else {
    labels = sortLabels([...labelIds.keys()]);
    labelMap = new Int32Array(labelIds.size);
    for (const [l, id] of labelIds) labelMap[id] = labels.indexOf(l);
  }
  const splitCounts = {} as Record<SplitName, SplitCounts>;
  for (const s of SPLITS) splitCounts[s] = builders[s].finish(wordMap, labelMap);
  return {
    prepVersion: PREP_VERSION,
    name: plan.name,
    key: o.key,
    source: o.identity,
    tokenizer: TOKENIZER_DESCRIPTION,
    options: o.options,
    labels,
    vocabSize: vocabLines.length,
    counts: splitCounts,
    skipped: bad.toJSON(),
    filteredOutliers,
    devCarved: carveDev,
  };
}
