import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitSentences, tokenizeDocument, tokenizeWords } from '../../src/data/tokenize.ts';

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
