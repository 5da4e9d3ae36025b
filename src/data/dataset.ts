// The prepared data set as the models, training and reports see it: vocabulary, classes, and per split
// compact int32 arrays (documents -> sentences -> token ids). See docs/data.md.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.ts';
import { readSplitFile, type SplitArrays } from './binary.ts';
import { prepareDataset, SPLITS, PREP_VERSION, type PrepareOptions, type PreparedMeta } from './prepare.ts';
import type { SplitName } from './readers.ts';

export interface Split extends SplitArrays {
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
  ) {
    const lines = readFileSync(join(dir, 'vocab.tsv'), 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    this.vocab = lines.map((l) => l.slice(0, l.lastIndexOf('\t')));
    this.counts = Int32Array.from(lines, (l) => Number(l.slice(l.lastIndexOf('\t') + 1)));
    this.labels = meta.labels;
    const load = (name: SplitName): Split => {
      const a = readSplitFile(join(dir, `${name}.bin`));
      return { name, size: a.labels.length, ...a };
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

  /** All token ids of document i, sentences concatenated (FLAN's view). A view, not a copy. */
  docTokens(split: Split, i: number): Int32Array {
    return split.tokens.subarray(split.sentOffsets[split.docOffsets[i]!], split.sentOffsets[split.docOffsets[i + 1]!]);
  }

  /** Token ids of each sentence of document i (HAN's view). Views, not copies. */
  docSentences(split: Split, i: number): Int32Array[] {
    const out: Int32Array[] = [];
    for (let j = split.docOffsets[i]!; j < split.docOffsets[i + 1]!; j++) {
      out.push(split.tokens.subarray(split.sentOffsets[j], split.sentOffsets[j + 1]));
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

export function readMeta(dir: string): PreparedMeta {
  const path = join(dir, 'meta.json');
  if (!existsSync(path)) throw new UserError(`${dir}: not a prepared data set (no meta.json)`);
  const meta = JSON.parse(readFileSync(path, 'utf8')) as PreparedMeta;
  if (meta.prepVersion !== PREP_VERSION) throw new UserError(`${dir}: prepared by an older attnlab (format ${meta.prepVersion}, now ${PREP_VERSION}); prepare it again`);
  return meta;
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
  const { dir, meta } = await prepareDataset(source, opts);
  return new Dataset(dir, meta);
}

export { SPLITS };
