import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, openPrepared, type Dataset } from '../../src/data/dataset.ts';
import { prepareDataset, UNK_ID } from '../../src/data/prepare.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';
import { BadRows } from '../../src/data/bad-rows.ts';
import { readRecords } from '../../src/data/readers.ts';
import { tokenizeDocument } from '../../src/data/tokenize.ts';
import { fixture, tempDir } from './helpers.ts';

const cache = tempDir();

function words(ds: Dataset, split: 'train' | 'dev' | 'test', i: number): string[] {
  return Array.from(ds.docTokens(ds[split], i), (id) => ds.vocab[id]!);
}

test('Yahoo folder with the preset: classes by name, dev carved 10%, sentences and tokens', async () => {
  const ds = await loadDataset(fixture('yahoo'), { preset: 'yahoo', cacheDir: cache });
  assert.equal(ds.labels.length, 10);
  assert.equal(ds.labels[0], 'Society & Culture');
  // 31 training rows: in each block of 10 one goes to dev -> 3 + (1 if the seeded pick in the last block is 0).
  assert.equal(ds.train.size + ds.dev.size, 31);
  assert.ok(ds.dev.size === 3 || ds.dev.size === 4, `dev ${ds.dev.size}`);
  assert.equal(ds.test.size, 7);
  assert.ok(ds.meta.devCarved);
  // First training document: title / content / answer are separate sentences; "Mr. Smith" is not split.
  // (Training text is rebuilt from the vocabulary, so the once-seen number reads <unk>.)
  const first = ds.docText(ds.train, 0);
  assert.equal(ds.train.sourceIndex[0], 0);
  assert.deepEqual(first[0], ['question', 'about', 'culture', 'music', 'number', '<unk>']);
  assert.ok(first.some((s) => s.join(' ') === 'ask mr . smith about culture !'));
  // The vocabulary holds the frequent topic words, never the numbers that occur once.
  assert.ok(ds.vocab.includes('culture') && !ds.vocab.includes('17'));
  assert.deepEqual(ds.vocab.slice(0, 2), ['<pad>', '<unk>']);
  assert.equal(ds.train.labels[0], 0); // class "1" -> id 0
});

test('vocabulary: training words with count >= min count, most frequent first; the rest (and test-only words) are UNK', async () => {
  const ds = await loadDataset(fixture('yahoo'), { preset: 'yahoo', cacheDir: cache });
  // Count the training documents' words independently, from the source rows that went to train.
  const trainRows = new Set(ds.train.sourceIndex);
  const counts = new Map<string, number>();
  for await (const r of readRecords(fixture('yahoo/train.csv'), {}, new BadRows(false))) {
    if (!trainRows.has(r.index)) continue;
    for (const w of tokenizeDocument(r.text).flat()) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const expected = [...counts].filter(([, n]) => n >= 5).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  assert.deepEqual(ds.vocab.slice(2), expected.map(([w]) => w));
  assert.deepEqual(Array.from(ds.counts.slice(2)), expected.map(([, n]) => n));
  for (const split of [ds.train, ds.dev, ds.test]) {
    for (const t of split.tokens) assert.ok(t >= 1 && t < ds.vocab.length, 'no padding inside documents');
  }
  const lastTest = ds.docText(ds.test, ds.test.size - 1);
  assert.equal(lastTest[0]![0], 'unseenword'); // the text keeps the original word...
  assert.equal(ds.docTokens(ds.test, ds.test.size - 1)[0], UNK_ID); // ...the ids say UNK
  const min1 = await loadDataset(fixture('yahoo'), { preset: 'yahoo', cacheDir: cache, minCount: 1 });
  assert.equal(min1.vocab.length, counts.size + 2);
});

test('the offsets describe documents -> sentences -> tokens consistently', async () => {
  const ds = await loadDataset(fixture('yahoo'), { preset: 'yahoo', cacheDir: cache });
  for (const s of [ds.train, ds.dev, ds.test]) {
    assert.equal(s.docOffsets.length, s.size + 1);
    assert.equal(s.docOffsets[0], 0);
    assert.equal(s.sentOffsets[s.docOffsets[s.size]!], s.tokens.length);
    for (let i = 0; i < s.size; i++) {
      const sents = ds.docSentences(s, i);
      assert.equal(sents.length, ds.sentenceCount(s, i));
      assert.equal(sents.reduce((n, x) => n + x.length, 0), ds.docTokens(s, i).length);
      assert.ok(sents.every((x) => x.length > 0));
    }
  }
});

test('dev carving is seeded: same seed same split, and dev documents come from train only', async () => {
  const a = await loadDataset(fixture('yelp_train.csv'), { test: fixture('yelp_test.csv'), cacheDir: cache, seed: 7 });
  const b = await loadDataset(fixture('yelp_train.csv'), { test: fixture('yelp_test.csv'), cacheDir: tempDir(), seed: 7 });
  assert.deepEqual(Array.from(a.dev.sourceIndex), Array.from(b.dev.sourceIndex));
  const devRows = new Set(a.dev.sourceIndex);
  assert.ok(Array.from(a.train.sourceIndex).every((i) => !devRows.has(i)));
  // The rule, restated: in each block of 10 training rows, the row at a seeded position rng.int(10) goes to dev.
  const rng = new Rng(7);
  const expectedDev: number[] = [];
  for (let block = 0; block < 25; block += 10) {
    const pick = block + rng.int(10);
    if (pick < 25) expectedDev.push(pick);
  }
  assert.deepEqual(Array.from(a.dev.sourceIndex), expectedDev);
  const seeds = new Set<string>();
  for (const seed of [1, 2, 3, 4]) {
    const d = await loadDataset(fixture('yelp_train.csv'), { test: fixture('yelp_test.csv'), cacheDir: cache, seed });
    seeds.add(Array.from(d.dev.sourceIndex).join(','));
  }
  assert.ok(seeds.size > 1, 'different seeds carve different dev sets');
});

test('every format prepares: TSV (classes sorted by name), Amazon CSV, IMDB JSON preset, JSONL with a split field (dev given)', async () => {
  const tsv = await loadDataset(fixture('topics_train.tsv'), { test: fixture('topics_test.tsv'), cacheDir: cache });
  assert.deepEqual(tsv.labels, ['politics', 'sports']);
  assert.equal(tsv.test.size, 2);
  assert.deepEqual(tsv.docText(tsv.test, 0)[0]!.slice(0, 3), ['the', 'ball', 'and']);
  assert.deepEqual(words(tsv, 'test', 0).slice(0, 3), ['the', 'ball', '<unk>']); // "and" is not in training text
  const amazon = await loadDataset(fixture('amazon_train.csv'), { test: fixture('amazon_test.csv'), preset: 'amazon', cacheDir: cache });
  assert.equal(amazon.labels.length, 5);
  assert.equal(amazon.train.size + amazon.dev.size, 20);
  const imdb = await loadDataset(fixture('imdb_train.json'), { test: fixture('imdb_test.json'), preset: 'imdb', cacheDir: cache });
  assert.equal(imdb.labels.length, 10);
  assert.equal(imdb.test.labels[9], 9); // rating 10 -> class id 9
  const jl = await loadDataset(fixture('reviews.jsonl'), { labelField: 'stars', textField: 'body', splitField: 'part', cacheDir: cache });
  assert.deepEqual([jl.train.size, jl.dev.size, jl.test.size], [24, 3, 3]);
  assert.equal(jl.meta.devCarved, false);
  assert.deepEqual(jl.labels, ['neg', 'pos']);
});

test('the cache: a second run reads it; other options or other content give another entry', async () => {
  const dir = tempDir();
  const train = join(dir, 'train.tsv');
  const test_ = join(dir, 'test.tsv');
  writeFileSync(train, Array.from({ length: 12 }, (_, i) => `${i % 2 ? 'a' : 'b'}\tword${i % 3} here.`).join('\n'));
  writeFileSync(test_, 'a\tword1 here.\n');
  const c = join(dir, 'cache');
  const first = await prepareDataset(dir, { cacheDir: c });
  assert.equal(first.cached, false);
  const second = await prepareDataset(dir, { cacheDir: c });
  assert.equal(second.cached, true);
  assert.equal(second.dir, first.dir);
  assert.deepEqual(second.meta, first.meta);
  assert.notEqual((await prepareDataset(dir, { cacheDir: c, minCount: 2 })).dir, first.dir);
  writeFileSync(test_, 'b\tword2 here.\n');
  const changed = await prepareDataset(dir, { cacheDir: c });
  assert.equal(changed.cached, false);
  assert.notEqual(changed.dir, first.dir);
  assert.ok(readdirSync(c).every((n) => !n.includes('.tmp-')), 'no temporary folders left');
  process.env.ATTNLAB_CACHE = join(dir, 'env-cache');
  try {
    const viaEnv = await prepareDataset(dir, {});
    assert.ok(viaEnv.dir.startsWith(join(dir, 'env-cache')));
  } finally {
    delete process.env.ATTNLAB_CACHE;
  }
  // The files are the compact binary form, readable without re-tokenizing.
  const reopened = openPrepared(first.dir);
  assert.equal(reopened.train.size + reopened.dev.size, 12);
  assert.equal(readFileSync(join(first.dir, 'train.bin')).subarray(0, 8).toString('latin1'), 'ATNLSPL1');
});

test('the training-set outlier filter drops long documents from train only, never from test', async () => {
  const dir = tempDir();
  const long = Array.from({ length: 30 }, (_, i) => `Sentence ${i} is here.`).join(' ');
  const rows = (n: number, withLong: boolean): string =>
    Array.from({ length: n }, (_, i) => `"${(i % 2) + 1}","${withLong && i === 0 ? long : 'A short doc here.'}"`).join('\n');
  writeFileSync(join(dir, 'train.csv'), rows(20, true));
  writeFileSync(join(dir, 'test.csv'), rows(4, true));
  const ds = await loadDataset(dir, { preset: 'yelp', cacheDir: join(dir, 'c'), filter: { maxSentences: 25, maxSentenceTokens: 175 } });
  assert.equal(ds.meta.filteredOutliers, 1);
  assert.equal(ds.train.size + ds.dev.size, 19);
  assert.equal(ds.test.size, 4);
  assert.equal(ds.sentenceCount(ds.test, 0), 30);
  const unfiltered = await loadDataset(dir, { preset: 'yelp', cacheDir: join(dir, 'c'), filter: null });
  assert.equal(unfiltered.train.size + unfiltered.dev.size, 20);
});

test('a 100,000-token document is stored whole in test and dropped from train by the Yahoo filter', async () => {
  const dir = tempDir();
  const huge = Array.from({ length: 100_000 }, (_, i) => `w${i % 20}`).join(' ');
  const rows = Array.from({ length: 10 }, (_, i) => `"${(i % 3) + 1}","t","w1 w2 w3.","a${i}"`);
  writeFileSync(join(dir, 'train.csv'), [...rows, `"1","t","${huge}","a"`].join('\n'));
  writeFileSync(join(dir, 'test.csv'), `"2","t","${huge}","a"\n"1","t","w1.","a"\n`);
  const ds = await loadDataset(dir, { preset: 'yahoo', cacheDir: join(dir, 'c') });
  assert.equal(ds.meta.filteredOutliers, 1);
  assert.equal(ds.docTokens(ds.test, 0).length, 100_000 + 2); // + title "t" + answer "a"
  assert.equal(ds.docText(ds.test, 0).flat().length, 100_002);
});

test('bad input at prepare time: missing / unknown labels, invalid UTF-8, empty documents', async () => {
  const dir = tempDir();
  const ok = Array.from({ length: 10 }, (_, i) => `"${(i % 2) + 1}","word here."`).join('\n');
  const write = (train: string, test_: string): void => {
    writeFileSync(join(dir, 'train.csv'), train);
    writeFileSync(join(dir, 'test.csv'), test_);
  };
  const c = join(dir, 'c');
  write(`${ok}\n"","no label"\n`, '"1","x."\n');
  await assert.rejects(prepareDataset(dir, { cacheDir: c }), (e: Error) => e instanceof UserError && /train\.csv:11: missing label/.test(e.message) && /--skip-bad/.test(e.message));
  write(`${ok}\n"9","stars out of range"\n`, '"1","x."\n');
  await assert.rejects(prepareDataset(dir, { cacheDir: c, preset: 'yelp' }), /train\.csv:11: unknown label "9" \(expected one of 1, 2, 3, 4, 5\)/);
  write(ok, '"1","x."\n"7","never in train"\n');
  await assert.rejects(prepareDataset(dir, { cacheDir: c }), /test\.csv:2: label "7" does not occur in the training data/);
  writeFileSync(join(dir, 'train.csv'), Buffer.concat([Buffer.from(`${ok}\n"1","caf`), Buffer.from([0xe9, 0x20]), Buffer.from('au lait"\n')]));
  writeFileSync(join(dir, 'test.csv'), '"1","x."\n');
  await assert.rejects(prepareDataset(dir, { cacheDir: c }), /train\.csv:11: invalid UTF-8/);
  const skipped = await prepareDataset(dir, { cacheDir: c, skipBad: true });
  assert.equal(skipped.meta.skipped['invalid UTF-8 (bytes that do not decode as UTF-8)']!.count, 1);
  assert.equal(skipped.meta.counts.train.docs + skipped.meta.counts.dev.docs, 10);
  // Empty documents are not errors: skipped, counted, and reported with their place.
  write(`${ok}\n"1",""\n"2","   ...   "\n`, '"1","x."\n"2",""\n');
  const empty = await prepareDataset(dir, { cacheDir: c });
  assert.equal(empty.meta.skipped['empty documents (no tokens)']!.count, 2);
  assert.deepEqual(empty.meta.skipped['empty documents (no tokens)']!.examples, [`${join(dir, 'train.csv')}:11`, `${join(dir, 'test.csv')}:2`]);
  assert.equal(empty.meta.counts.test.docs, 1);
  // "..." is a token, so the second one is a (tiny) document, not an empty one.
  assert.equal(empty.meta.counts.train.docs + empty.meta.counts.dev.docs, 11);
});

test('no usable data: clear errors instead of empty caches', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train.csv'), '"1",""\n');
  writeFileSync(join(dir, 'test.csv'), '"1","x."\n');
  await assert.rejects(prepareDataset(dir, { cacheDir: join(dir, 'c') }), /no training documents/);
  await assert.rejects(prepareDataset(join(dir, 'nothing-here'), {}), /no such file, folder or built-in/);
  await assert.rejects(prepareDataset(join(dir, 'train.csv'), { cacheDir: join(dir, 'c') }), /give the test file with --test/);
});

test('a split field with an unknown value is a bad row (even one named like an object property)', async () => {
  const dir = tempDir();
  const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ label: i % 2 ? 'a' : 'b', text: 'some words here.', split: i === 9 ? 'test' : 'train' }));
  lines.push(JSON.stringify({ label: 'a', text: 'x.', split: 'constructor' }));
  writeFileSync(join(dir, 'd.jsonl'), lines.join('\n'));
  await assert.rejects(prepareDataset(join(dir, 'd.jsonl'), { cacheDir: join(dir, 'c') }), /d\.jsonl:11: unknown split "constructor" \(expected train, dev or test\)/);
  const r = await prepareDataset(join(dir, 'd.jsonl'), { cacheDir: join(dir, 'c'), skipBad: true });
  assert.equal(r.meta.counts.test.docs, 1);
  assert.equal(r.meta.skipped['unknown split "constructor" (expected train, dev or test)']!.count, 1);
});

test('a source named after one of the paper data sets gets its preset; --preset none turns that off', async () => {
  const dir = tempDir();
  const folder = join(dir, 'yahoo_answers_csv');
  mkdirSync(folder);
  writeFileSync(join(folder, 'train.csv'), Array.from({ length: 12 }, (_, i) => `"${(i % 3) + 1}","t","some text here."`).join('\n'));
  writeFileSync(join(folder, 'test.csv'), '"2","t","x."\n');
  const lines: string[] = [];
  const auto = await loadDataset(folder, { cacheDir: join(dir, 'c'), log: (l) => lines.push(l) });
  assert.equal(auto.labels.length, 10);
  assert.equal(auto.labels[1], 'Science & Mathematics');
  assert.equal(auto.meta.options.preset, 'yahoo');
  assert.ok(lines.some((l) => /using preset yahoo/.test(l)));
  const none = await loadDataset(folder, { cacheDir: join(dir, 'c'), preset: 'none' });
  assert.deepEqual(none.labels, ['1', '2', '3']);
  assert.notEqual(none.dir, auto.dir);
});

