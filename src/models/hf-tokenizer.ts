// Tokenizers of Hugging Face folders, through the maintained npm @huggingface/tokenizers (a port of the Rust
// `tokenizers` pipeline: normalizer -> pre-tokenizer -> model -> post-processor), never a hand-written one.
//
// A folder gives its tokenizer as tokenizer.json (any model the library knows: WordPiece, BPE, ...) or, for
// older BERT-family checkpoints, only vocab.txt: that becomes the standard BERT WordPiece pipeline, built
// here as a tokenizer.json object and handed to the same library.
//
// What this file adds on top of the library:
//   - special tokens exactly as the folder's post-processor places them ([CLS] A [SEP], <s> A </s>, pairs);
//   - truncation to the model's maximum length (specials kept, the text cut at the end; pairs cut
//     longest-first), counted per text and for a whole batch;
//   - unknown words: WordPiece gives [UNK] itself, but 0.2.0 returns an `undefined` id under WordLevel;
//     every id the library leaves undefined becomes the tokenizer's unknown token and is counted (no
//     unknown token: a clear error naming the word).
// And a writer: a WordPiece tokenizer.json over attnlab's own word vocabulary, so a model attnlab trains
// is saved with a real Hugging Face tokenizer.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as hfTokenizers from '@huggingface/tokenizers';
import { writeFileAtomic } from '../util/atomic.ts';
import { UserError } from '../util/errors.ts';
import { readJsonFile } from '../util/file-schema.ts';

/** One encoded text: ids with special tokens, truncated to the maximum length. */
export interface EncodedText {
  ids: number[];
  /** Segment ids (0 for the first text and its specials, 1 for a pair's second text where the template says so). */
  typeIds: number[];
  tokens: string[];
  /** Tokens cut off by truncation (0 when the text fits). */
  dropped: number;
  /** Tokens that became the unknown token. */
  unknown: number;
}

export interface EncodeStats {
  texts: number;
  truncatedTexts: number;
  droppedTokens: number;
  unknownTokens: number;
  maxTokens: number;
}

export type TextInput = string | readonly [string, string];

type Json = Record<string, unknown>;

// The part of the library's Tokenizer we use. Its shipped .d.ts re-exports without file extensions, which
// NodeNext resolution cannot follow (the class would be untyped), so the shape is declared here.
interface LibEncoding {
  ids: (number | undefined)[];
  tokens: string[];
  token_type_ids?: number[];
}
interface LibTokenizer {
  encode(text: string, options: { text_pair: string | null; add_special_tokens: boolean; return_token_type_ids: boolean }): LibEncoding;
  token_to_id(token: string): number | undefined;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
}
const Tokenizer = (hfTokenizers as unknown as { Tokenizer: new (tokenizerJson: Json, tokenizerConfig: Json) => LibTokenizer }).Tokenizer;

interface RawEncoding {
  ids: (number | undefined)[];
  tokens: string[];
  typeIds: number[];
}

export class HfTokenizer {
  readonly #tok: LibTokenizer;
  /** The file the tokenizer came from (tokenizer.json or vocab.txt). */
  readonly source: string;
  /** The tokenizer model's type in tokenizer.json ("WordPiece", "BPE", "WordLevel", "Unigram"). */
  readonly modelType: string;
  /** Most tokens one encoded input may have, special tokens included. */
  readonly maxTokens: number;
  readonly unkToken: string | undefined;
  readonly unkId: number | undefined;
  readonly padId: number | undefined;
  /** Ids of the special tokens the post-processor adds (e.g. [CLS], [SEP]). */
  readonly specialIds: ReadonlySet<number>;
  readonly #singleSpecials: number;
  readonly #pairSpecials: number;
  readonly #singleFrame: FramePart[];
  readonly #pairFrame: FramePart[];

  constructor(tokenizerJson: Json, tokenizerConfig: Json, source: string, maxTokens: number) {
    this.source = source;
    try {
      this.#tok = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (e) {
      throw new UserError(`${source}: @huggingface/tokenizers cannot build this tokenizer (${(e as Error).message})`);
    }
    const model = (tokenizerJson.model ?? {}) as Json;
    this.modelType = typeof model.type === 'string' ? model.type : inferModelType(model);
    this.unkToken = typeof model.unk_token === 'string' ? model.unk_token : undefined;
    this.unkId = this.unkToken === undefined ? undefined : this.#tok.token_to_id(this.unkToken);
    this.padId = ['[PAD]', '<pad>'].map((t) => this.#tok.token_to_id(t)).find((id) => id !== undefined);
    // Where the post-processor puts its specials, read off one encoding of a placeholder text.
    this.#singleFrame = this.#frame(false);
    this.#pairFrame = this.#frame(true);
    const specials = new Set<number>();
    for (const part of [...this.#singleFrame, ...this.#pairFrame]) if (part.kind === 'special' && part.id !== undefined) specials.add(part.id);
    this.specialIds = specials;
    this.#singleSpecials = this.#singleFrame.filter((p) => p.kind === 'special').length;
    this.#pairSpecials = this.#pairFrame.filter((p) => p.kind === 'special').length;
    if (!(Number.isInteger(maxTokens) && maxTokens > this.#pairSpecials)) {
      throw new UserError(`${source}: the maximum length ${maxTokens} leaves no room for text beside the special tokens`);
    }
    this.maxTokens = maxTokens;
  }

  get vocabSize(): number {
    return this.#tok.get_vocab(true).size;
  }

  tokenToId(token: string): number | undefined {
    return this.#tok.token_to_id(token);
  }

  /** Encodes one text (or a pair) with special tokens, truncated to maxTokens. */
  encode(text: TextInput): EncodedText {
    const [a, b] = typeof text === 'string' ? [text, undefined] : text;
    let raw = this.#raw(a, b, true);
    let dropped = 0;
    if (raw.ids.length > this.maxTokens) {
      // Cut the text(s), keep the specials: re-encode the pieces without specials, truncate, and let the
      // post-processor place the specials around exactly the kept tokens.
      const pa = this.#raw(a, undefined, false).tokens;
      const pb = b === undefined ? [] : this.#raw(b, undefined, false).tokens;
      const room = this.maxTokens - (b === undefined ? this.#singleSpecials : this.#pairSpecials);
      const [ka, kb] = longestFirst(pa.length, pb.length, room);
      dropped = pa.length - ka + pb.length - kb;
      raw = this.#fromTokens(pa.slice(0, ka), b === undefined ? undefined : pb.slice(0, kb));
    }
    let unknown = 0;
    const ids = raw.ids.map((id, i) => {
      if (id !== undefined) {
        if (id === this.unkId) unknown++;
        return id;
      }
      if (this.unkId === undefined) {
        throw new UserError(`${this.source}: '${raw.tokens[i]}' is not in the vocabulary and the tokenizer has no unknown token`);
      }
      unknown++;
      return this.unkId;
    });
    return { ids, typeIds: raw.typeIds, tokens: raw.tokens, dropped, unknown };
  }

  /** Encodes many texts; the stats say how many were truncated and how many tokens were unknown. */
  encodeAll(texts: readonly TextInput[]): { encoded: EncodedText[]; stats: EncodeStats } {
    const stats: EncodeStats = { texts: 0, truncatedTexts: 0, droppedTokens: 0, unknownTokens: 0, maxTokens: this.maxTokens };
    const encoded = texts.map((t) => {
      const e = this.encode(t);
      stats.texts++;
      if (e.dropped > 0) stats.truncatedTexts++;
      stats.droppedTokens += e.dropped;
      stats.unknownTokens += e.unknown;
      return e;
    });
    return { encoded, stats };
  }

  #raw(a: string, b: string | undefined, specials: boolean): RawEncoding {
    const e = this.#tok.encode(a, { text_pair: b ?? null, add_special_tokens: specials, return_token_type_ids: true });
    return { ids: e.ids, tokens: e.tokens, typeIds: e.token_type_ids ?? e.ids.map(() => 0) };
  }

  // The post-processor applied to given tokens: each token is looked up (the model already produced
  // them), and the specials are taken from encoding the empty text around them.
  #fromTokens(a: string[], b: string[] | undefined): RawEncoding {
    const frame = b === undefined ? this.#singleFrame : this.#pairFrame;
    const ids: (number | undefined)[] = [];
    const tokens: string[] = [];
    const typeIds: number[] = [];
    frame.forEach((part) => {
      if (part.kind === 'special') {
        ids.push(part.id);
        tokens.push(part.token);
        typeIds.push(part.typeId);
      } else {
        const seq = part.kind === 'a' ? a : b!;
        for (const t of seq) {
          ids.push(this.#tok.token_to_id(t));
          tokens.push(t);
          typeIds.push(part.typeId);
        }
      }
    });
    return { ids, tokens, typeIds };
  }

  // Where the specials go: encode one-token placeholders and read off the template.
  #frame(pair: boolean): FramePart[] {
    const bare = this.#raw('a', undefined, false);
    const full = this.#raw('a', pair ? 'a' : undefined, true);
    const n = bare.ids.length;
    const parts: FramePart[] = [];
    let seen = 0;
    for (let i = 0; i < full.ids.length; i++) {
      const isText = full.ids.slice(i, i + n).every((id, j) => id === bare.ids[j]) && seen < (pair ? 2 : 1);
      if (isText) {
        parts.push({ kind: seen === 0 ? 'a' : 'b', typeId: full.typeIds[i] ?? 0 });
        seen++;
        i += n - 1;
      } else {
        parts.push({ kind: 'special', id: full.ids[i], token: full.tokens[i] ?? '', typeId: full.typeIds[i] ?? 0 });
      }
    }
    return parts;
  }
}

type FramePart =
  | { kind: 'a' | 'b'; typeId: number }
  | { kind: 'special'; id: number | undefined; token: string; typeId: number };

/** Tokens kept of a pair (la, lb) within `room`: one at a time from the longer, from the second on a tie (Hugging Face's longest_first). */
export function longestFirst(la: number, lb: number, room: number): [number, number] {
  let a = la;
  let b = lb;
  while (a + b > room) {
    if (a > b) a--;
    else b--;
  }
  return [a, b];
}

function inferModelType(model: Json): string {
  if ('merges' in model) return 'BPE';
  if ('continuing_subword_prefix' in model) return 'WordPiece';
  return 'unknown';
}

/** The most tokens (specials included) a model's positions allow: RoBERTa's positions start at pad + 1. */
export function maxTokensForConfig(config: { model_type?: unknown; max_position_embeddings?: unknown; pad_token_id?: unknown }): number {
  const max = Number(config.max_position_embeddings);
  if (!Number.isInteger(max) || max <= 0) throw new UserError('config.json: max_position_embeddings must be a positive integer');
  if (config.model_type === 'roberta') {
    const pad = Number(config.pad_token_id ?? 1);
    return max - pad - 1;
  }
  return max;
}

export interface LoadTokenizerOptions {
  /** Most tokens per input, specials included (usually maxTokensForConfig(config)). */
  maxTokens: number;
}

/** The tokenizer of a Hugging Face folder: tokenizer.json, else vocab.txt (BERT WordPiece). */
export function loadHfTokenizer(folder: string, opts: LoadTokenizerOptions): HfTokenizer {
  const configPath = join(folder, 'tokenizer_config.json');
  const tokConfig = existsSync(configPath) ? readJson(configPath) : {};
  // A tokenizer_config.json's model_max_length can be smaller than the positions allow (never larger).
  const declared = Number(tokConfig.model_max_length);
  const maxTokens = Number.isInteger(declared) && declared > 0 ? Math.min(declared, opts.maxTokens) : opts.maxTokens;
  const jsonPath = join(folder, 'tokenizer.json');
  if (existsSync(jsonPath)) return new HfTokenizer(readJson(jsonPath), tokConfig, jsonPath, maxTokens);
  const vocabPath = join(folder, 'vocab.txt');
  if (existsSync(vocabPath)) {
    const vocab = readFileSync(vocabPath, 'utf8').split('\n');
    if (vocab[vocab.length - 1] === '') vocab.pop();
    const lowercase = tokConfig.do_lower_case !== false;
    return new HfTokenizer(bertVocabTokenizerJson(vocab, vocabPath, lowercase), tokConfig, vocabPath, maxTokens);
  }
  throw new UserError(
    `${folder}: no tokenizer (expected tokenizer.json or vocab.txt beside config.json; save one with tokenizer.save_pretrained(folder) in Python)`,
  );
}

function readJson(path: string): Json {
  const value = readJsonFile(path);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError(`${path}: expected a JSON object`);
  return value as Json;
}

function addedToken(id: number, content: string): Json {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

function bertTemplate(cls: string, clsId: number, sep: string, sepId: number): Json {
  return {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: cls, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: sep, type_id: 0 } }],
    pair: [
      { SpecialToken: { id: cls, type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: sep, type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } },
      { SpecialToken: { id: sep, type_id: 1 } },
    ],
    special_tokens: {
      [cls]: { id: cls, ids: [clsId], tokens: [cls] },
      [sep]: { id: sep, ids: [sepId], tokens: [sep] },
    },
  };
}

/** BERT's own pipeline for a vocab.txt (one token per line, id = line number). */
function bertVocabTokenizerJson(vocab: readonly string[], source: string, lowercase: boolean): Json {
  const index: Record<string, number> = {};
  vocab.forEach((t, i) => {
    if (!(t in index)) index[t] = i;
  });
  for (const t of ['[CLS]', '[SEP]', '[UNK]']) {
    if (!(t in index)) throw new UserError(`${source}: no '${t}' line (a BERT vocab.txt has [PAD], [UNK], [CLS], [SEP])`);
  }
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter((t) => t in index);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((t) => addedToken(index[t]!, t)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: bertTemplate('[CLS]', index['[CLS]']!, '[SEP]', index['[SEP]']!),
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: index },
  };
}

// ---------------------------------------------------------------- writer for attnlab's own vocabulary

/**
 * attnlab's word tokens as a tokenizer pre-tokenizer: the same pattern as src/data/tokenize.ts's
 * TOKEN_RE (numbers, words with inner ' ’ . -, runs of one punctuation mark), kept as matches (invert),
 * after lowercasing, so the tokenizer splits raw text exactly as attnlab's data pipeline does.
 */
export const ATTNLAB_WORD_PATTERN =
  "\\p{N}+(?:[.,:/]\\p{N}+)*[\\p{L}\\p{M}\\p{N}_]*|[\\p{L}\\p{M}_][\\p{L}\\p{M}\\p{N}_]*(?:['’.-][\\p{L}\\p{M}\\p{N}_]+)*|([^\\s\\p{L}\\p{M}\\p{N}_])\\1*";

/** Ids of the special tokens a tokenizer written by writeWordPieceTokenizer has, given the word vocabulary size. */
export function attnlabSpecialIds(vocabSize: number): { pad: number; unk: number; cls: number; sep: number; size: number } {
  return { pad: 0, unk: 1, cls: vocabSize, sep: vocabSize + 1, size: vocabSize + 2 };
}

/**
 * A WordPiece tokenizer.json over attnlab's vocabulary (`words[id]`, id 0 = padding, 1 = unknown, as
 * src/data/prepare.ts numbers them). Word ids are kept: 0 -> [PAD], 1 -> [UNK], words at their own ids,
 * then [CLS] = words.length and [SEP] = words.length + 1, so a model's embedding rows need no remapping.
 * No "##" continuation pieces: a word outside the vocabulary is [UNK] whole, as in attnlab.
 */
export function wordPieceTokenizerJson(words: readonly string[]): Json {
  if (words.length < 2) throw new UserError('tokenizer writer: the vocabulary needs at least <pad> and <unk>');
  const ids = attnlabSpecialIds(words.length);
  const vocab: Record<string, number> = { '[PAD]': ids.pad, '[UNK]': ids.unk };
  let longest = 0;
  for (let id = 2; id < words.length; id++) {
    const w = words[id]!;
    if (w in vocab) throw new UserError(`tokenizer writer: word '${w}' appears twice in the vocabulary (ids ${vocab[w]} and ${id})`);
    vocab[w] = id;
    longest = Math.max(longest, [...w].length);
  }
  vocab['[CLS]'] = ids.cls;
  vocab['[SEP]'] = ids.sep;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: (['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const).map((t) => addedToken(vocab[t]!, t)),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Split', pattern: { Regex: ATTNLAB_WORD_PATTERN }, behavior: 'Removed', invert: true },
    post_processor: bertTemplate('[CLS]', ids.cls, '[SEP]', ids.sep),
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: Math.max(100, longest),
      vocab,
    },
  };
}

/** Writes tokenizer.json (atomically) for attnlab's vocabulary; see wordPieceTokenizerJson. */
export function writeWordPieceTokenizer(path: string, words: readonly string[]): void {
  writeFileAtomic(path, JSON.stringify(wordPieceTokenizerJson(words)) + '\n');
}

/** One line for the user: how many texts were truncated and how many tokens were unknown. */
export function describeEncodeStats(stats: EncodeStats, what = 'texts'): string {
  const parts = [
    stats.truncatedTexts === 0
      ? `no ${what} longer than ${stats.maxTokens} tokens`
      : `${stats.truncatedTexts} of ${stats.texts} ${what} longer than ${stats.maxTokens} tokens were truncated (${stats.droppedTokens} tokens dropped)`,
  ];
  if (stats.unknownTokens > 0) parts.push(`${stats.unknownTokens} unknown tokens`);
  return `tokenizer: ${parts.join('; ')}`;
}
