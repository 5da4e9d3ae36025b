// Hugging Face tokenizers through @huggingface/tokenizers: the fixture folders' texts give the ids the
// PyTorch fixtures were made with (special tokens, pairs, token types, [UNK]); truncation to the model's
// maximum keeps the specials and is counted; unknown words under WordLevel become the unknown token; the
// vocab.txt path; the writer's tokenizer.json over attnlab's vocabulary splits text as src/data does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeEncodeStats,
  loadHfTokenizer,
  longestFirst,
  maxTokensForConfig,
  wordPieceTokenizerJson,
  writeWordPieceTokenizer,
  attnlabSpecialIds,
} from '../../src/models/hf-tokenizer.ts';
import { tokenizeWords } from '../../src/data/tokenize.ts';

const FIX = join(import.meta.dirname, 'fixtures', 'hf');

interface Expected {
  batch: { texts: (string | [string, string])[]; input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][] };
  document: { text: string; input_ids: number[][]; token_type_ids: number[][] };
}

function expected(family: string): Expected {
  return JSON.parse(readFileSync(join(FIX, family, 'expected.json'), 'utf8')) as Expected;
}

function config(family: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIX, family, 'config.json'), 'utf8')) as Record<string, unknown>;
}

function unpadded(e: Expected, b: number): { ids: number[]; types: number[] } {
  const n = e.batch.attention_mask[b]!.reduce((s, m) => s + m, 0);
  return { ids: e.batch.input_ids[b]!.slice(0, n), types: e.batch.token_type_ids[b]!.slice(0, n) };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'attnlab-tok-'));
}

for (const family of ['bert', 'distilbert', 'roberta']) {
  test(`${family}: the fixture texts encode to the fixture's ids and token types`, () => {
    const e = expected(family);
    const tok = loadHfTokenizer(join(FIX, family), { maxTokens: maxTokensForConfig(config(family)) });
    assert.equal(tok.source.endsWith(family === 'distilbert' ? 'vocab.txt' : 'tokenizer.json'), true);
    e.batch.texts.forEach((text, b) => {
      const got = tok.encode(text);
      const want = unpadded(e, b);
      assert.deepEqual(got.ids, want.ids, `text ${b}`);
      assert.deepEqual(got.typeIds, want.types, `text ${b} token types`);
      assert.equal(got.dropped, 0);
    });
    const doc = tok.encode(e.document.text);
    assert.deepEqual(doc.ids, e.document.input_ids[0]);
  });
}

test('special tokens: [CLS] A [SEP] and [CLS] A [SEP] B [SEP] (bert), <s> A </s> (roberta)', () => {
  const bert = loadHfTokenizer(join(FIX, 'bert'), { maxTokens: 64 });
  const one = bert.encode('the cat');
  assert.deepEqual(one.tokens, ['[CLS]', 'the', 'cat', '[SEP]']);
  const two = bert.encode(['the cat', 'a dog']);
  assert.deepEqual(two.tokens, ['[CLS]', 'the', 'cat', '[SEP]', 'a', 'dog', '[SEP]']);
  assert.deepEqual(two.typeIds, [0, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual([...bert.specialIds].sort(), [bert.tokenToId('[CLS]'), bert.tokenToId('[SEP]')].sort());
  const roberta = loadHfTokenizer(join(FIX, 'roberta'), { maxTokens: 64 });
  const r = roberta.encode('the cat');
  assert.deepEqual(r.tokens, ['<s>', 'Ġthe', 'Ġcat', '</s>']);
  assert.equal(roberta.padId, 1);
});

test('unknown words: WordPiece gives [UNK] and counts it', () => {
  const bert = loadHfTokenizer(join(FIX, 'bert'), { maxTokens: 64 });
  const e = bert.encode('good zebra film');
  assert.deepEqual(e.tokens, ['[CLS]', 'good', '[UNK]', 'film', '[SEP]']);
  assert.equal(e.ids[2], bert.unkId);
  assert.equal(e.unknown, 1);
  const distil = loadHfTokenizer(join(FIX, 'distilbert'), { maxTokens: 64 });
  assert.equal(distil.encode('very much').unknown, 1);
});

function wordLevelJson(unk: string | null): Record<string, unknown> {
  return {
    version: '1.0',
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: {
      type: 'BertProcessing',
      sep: ['[SEP]', 3],
      cls: ['[CLS]', 2],
    },
    decoder: null,
    model: { type: 'WordLevel', vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, the: 4, cat: 5 }, unk_token: unk },
  };
}

test('unknown words: WordLevel (whose library id is undefined) becomes the unknown token, counted', () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordLevelJson('[UNK]')));
    const tok = loadHfTokenizer(dir, { maxTokens: 16 });
    const e = tok.encode('the zebra cat');
    assert.deepEqual(e.ids, [2, 4, 1, 5, 3]);
    assert.equal(e.unknown, 1);
    assert.ok(e.ids.every((id) => Number.isInteger(id)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown words: WordLevel without an unknown token is an error naming the word', () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordLevelJson(null)));
    const tok = loadHfTokenizer(dir, { maxTokens: 16 });
    assert.throws(() => tok.encode('the zebra'), /'zebra' is not in the vocabulary and the tokenizer has no unknown token/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('truncation keeps the specials, cuts the end of the text, and is counted and reported', () => {
  const e = expected('bert');
  const tok = loadHfTokenizer(join(FIX, 'bert'), { maxTokens: 10 });
  const ids = e.document.input_ids[0]!;
  const got = tok.encode(e.document.text);
  assert.deepEqual(got.ids, [...ids.slice(0, 9), ids[ids.length - 1]!]);
  assert.equal(got.tokens[9], '[SEP]');
  assert.equal(got.dropped, ids.length - 10);
  const { encoded, stats } = tok.encodeAll([e.document.text, 'the cat', e.document.text]);
  assert.equal(encoded.length, 3);
  assert.deepEqual(stats, { texts: 3, truncatedTexts: 2, droppedTokens: 2 * (ids.length - 10), unknownTokens: 0, maxTokens: 10 });
  assert.equal(describeEncodeStats(stats, 'documents'), 'tokenizer: 2 of 3 documents longer than 10 tokens were truncated (60 tokens dropped)');
  assert.equal(describeEncodeStats({ ...stats, truncatedTexts: 0, unknownTokens: 4 }), 'tokenizer: no texts longer than 10 tokens; 4 unknown tokens');
});

test('truncation of a pair cuts the longer text first; token types follow the template', () => {
  const tok = loadHfTokenizer(join(FIX, 'bert'), { maxTokens: 8 });
  const got = tok.encode(['the cat sat on the mat', 'a dog']);
  assert.deepEqual(got.tokens, ['[CLS]', 'the', 'cat', 'sat', '[SEP]', 'a', 'dog', '[SEP]']);
  assert.deepEqual(got.typeIds, [0, 0, 0, 0, 0, 1, 1, 1]);
  assert.equal(got.dropped, 3);
  assert.deepEqual(longestFirst(6, 2, 5), [3, 2]);
  assert.deepEqual(longestFirst(2, 2, 3), [2, 1]);
});

test('roberta: truncation to max_position_embeddings minus the position offset', () => {
  const cfg = config('roberta');
  assert.equal(maxTokensForConfig(cfg), 64); // 66 positions, pad_token_id 1: positions 2..65
  assert.equal(maxTokensForConfig(config('bert')), 64);
  const tok = loadHfTokenizer(join(FIX, 'roberta'), { maxTokens: 6 });
  const got = tok.encode('the plot was slow but the music was great');
  assert.deepEqual(got.tokens, ['<s>', 'Ġthe', 'Ġplot', 'Ġwas', 'Ġslow', '</s>']);
  assert.equal(got.dropped, 5);
});

test("tokenizer_config.json's smaller model_max_length wins", () => {
  const dir = tmp();
  try {
    cpSync(join(FIX, 'bert', 'tokenizer.json'), join(dir, 'tokenizer.json'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 5 }));
    assert.equal(loadHfTokenizer(dir, { maxTokens: 64 }).maxTokens, 5);
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 1e30 }));
    assert.equal(loadHfTokenizer(dir, { maxTokens: 64 }).maxTokens, 64);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vocab.txt: lowercase unless do_lower_case is false; a vocab.txt without [CLS] is refused', () => {
  const dir = tmp();
  try {
    cpSync(join(FIX, 'distilbert', 'vocab.txt'), join(dir, 'vocab.txt'));
    assert.deepEqual(loadHfTokenizer(dir, { maxTokens: 64 }).encode('The CAT').tokens, ['[CLS]', 'the', 'cat', '[SEP]']);
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false }));
    assert.deepEqual(loadHfTokenizer(dir, { maxTokens: 64 }).encode('The cat').tokens, ['[CLS]', '[UNK]', 'cat', '[SEP]']);
    writeFileSync(join(dir, 'vocab.txt'), '[PAD]\n[UNK]\n[SEP]\nthe\n');
    assert.throws(() => loadHfTokenizer(dir, { maxTokens: 64 }), /vocab\.txt: no '\[CLS\]' line/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder without tokenizer.json or vocab.txt, or with a broken one, is a one-line error naming it', () => {
  const dir = tmp();
  try {
    assert.throws(() => loadHfTokenizer(dir, { maxTokens: 64 }), (e: Error) => e.name === 'UserError' && /no tokenizer \(expected tokenizer\.json or vocab\.txt/.test(e.message));
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": ');
    assert.throws(() => loadHfTokenizer(dir, { maxTokens: 64 }), /tokenizer\.json: not valid JSON/);
    assert.throws(() => maxTokensForConfig({}), /max_position_embeddings must be a positive integer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A sample with what attnlab's word pattern handles specially: contractions, hyphens, abbreviations with
// inner periods, decimals, runs of one punctuation mark, accents, capitals, several spaces and newlines.
const SAMPLE =
  "The U.S. film isn't well-known... It cost 3.5 million (or 1,200,000?!) in 1998 -- Café owners said “no”.\n\nWHY?? Because: a/b, e.g. x's ... ok!!!";

test('writer: its tokenizer.json loads in @huggingface/tokenizers and splits text exactly as src/data/tokenize.ts', () => {
  const words = tokenizeWords(SAMPLE);
  const vocabWords = ['<pad>', '<unk>', ...[...new Set(words)].filter((_, i) => i % 4 !== 3)]; // leave some out: [UNK]
  const dir = tmp();
  try {
    writeWordPieceTokenizer(join(dir, 'tokenizer.json'), vocabWords);
    const tok = loadHfTokenizer(dir, { maxTokens: 512 });
    const ids = attnlabSpecialIds(vocabWords.length);
    const index = new Map(vocabWords.map((w, i) => [w, i]));
    const want = [ids.cls, ...words.map((w) => index.get(w) ?? 1), ids.sep];
    const got = tok.encode(SAMPLE);
    assert.deepEqual(got.ids, want);
    assert.equal(got.unknown, want.filter((id) => id === 1).length);
    assert.ok(got.unknown > 0);
    assert.equal(tok.unkId, 1);
    assert.equal(tok.padId, 0);
    assert.equal(tok.tokenToId('[CLS]'), vocabWords.length);
    assert.equal(tok.tokenToId('[SEP]'), vocabWords.length + 1);
    assert.equal(tok.vocabSize, ids.size);
    // The file as written is the JSON object the writer builds.
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), wordPieceTokenizerJson(vocabWords));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writer: a word listed twice is refused by name', () => {
  assert.throws(() => wordPieceTokenizerJson(['<pad>', '<unk>', 'the', 'cat', 'the']), /word 'the' appears twice in the vocabulary \(ids 2 and 4\)/);
});
