import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadRows } from '../../src/data/bad-rows.ts';
import { detectFormat, readRecords, type RawRecord, type ReaderOptions } from '../../src/data/readers.ts';
import { UserError } from '../../src/util/errors.ts';
import { fixture, tempDir } from './helpers.ts';

async function collect(path: string, opts: ReaderOptions = {}, bad = new BadRows(false)): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of readRecords(path, opts, bad)) out.push(r);
  return out;
}

test('formats are detected by extension and by content', () => {
  assert.equal(detectFormat(fixture('yahoo/train.csv')), 'csv');
  assert.equal(detectFormat(fixture('topics_train.tsv')), 'tsv');
  assert.equal(detectFormat(fixture('imdb_train.json')), 'json');
  assert.equal(detectFormat(fixture('reviews.jsonl')), 'jsonl');
  const dir = tempDir();
  const cases: [string, string, string][] = [
    ['a', '[{"label":1,"text":"x"}]', 'json'],
    ['b', '{"label":1,"text":"x"}\n', 'jsonl'],
    ['c', '"1","x"\n', 'csv'],
    ['d', 'pos\tsome text\n', 'tsv'],
  ];
  for (const [name, body, want] of cases) {
    writeFileSync(join(dir, name), body);
    assert.equal(detectFormat(join(dir, name)), want, name);
  }
  writeFileSync(join(dir, 'e'), 'no separators here\n');
  assert.throws(() => detectFormat(join(dir, 'e')), /pass --format/);
});

test('Zhang Yahoo CSV: quoted fields with "" quotes, commas, real newlines and \\n escapes', async () => {
  const recs = await collect(fixture('yahoo/train.csv'));
  assert.equal(recs.length, 31);
  assert.equal(recs[0]!.label, '1');
  assert.equal(recs[0]!.text, 'Question about culture music number 0\nI wonder about art, really. Is poem "good"?\nYes. Song is fine.\nAsk Mr. Smith about culture!');
  const last = recs[30]!;
  assert.equal(last.text, 'Multi\nline title, with comma\nShe said "yes, please"\nscience math physics atom energy');
  assert.match(last.where, /train\.csv:31$/);
  assert.equal(last.index, 30);
});

test('Yelp CSV with a BOM and CRLF line ends: clean labels, no carriage returns', async () => {
  const recs = await collect(fixture('yelp_train.csv'));
  assert.equal(recs.length, 25);
  assert.equal(recs[0]!.label, '1');
  assert.ok(recs.every((r) => !r.text.includes('\r') && !r.label!.includes('\uFEFF')));
  assert.match(recs[3]!.where, /:4$/);
});

test('Amazon CSV: class,title,text', async () => {
  const recs = await collect(fixture('amazon_train.csv'));
  assert.equal(recs.length, 20);
  assert.equal(recs[1]!.text, 'Title meh\nThis product is meh slow bland food. Really.');
});

test('TSV: header skipped, text after the first tab, blank lines ignored', async () => {
  const recs = await collect(fixture('topics_train.tsv'));
  assert.equal(recs.length, 20);
  assert.equal(recs[0]!.label, 'sports');
  assert.equal(recs[0]!.text, 'The ball goal team coach story.\tAnother sentence 0.');
  assert.match(recs[0]!.where, /:2$/);
});

test('JSON array with rating/review (found without being told) and JSONL with custom fields and a split field', async () => {
  const imdb = await collect(fixture('imdb_train.json'));
  assert.equal(imdb.length, 30);
  assert.equal(imdb[0]!.label, '1');
  assert.equal(imdb[0]!.text, 'This film was terrible boring. Watch it 0 times.');
  const jl = await collect(fixture('reviews.jsonl'), { labelField: 'stars', textField: 'body', splitField: 'part' });
  assert.equal(jl.length, 30);
  assert.deepEqual([jl[0]!.label, jl[0]!.split, jl[1]!.split, jl[2]!.split], ['neg', 'test', 'dev', 'train']);
});

test('malformed rows stop with file:line and what was expected', async () => {
  const dir = tempDir();
  const csv = join(dir, 'bad.csv');
  writeFileSync(csv, '"1","a","b","c"\n"2","a","b"\n');
  await assert.rejects(collect(csv), (e: Error) => e instanceof UserError && /bad\.csv:2: expected 4 columns like line 1, found 3/.test(e.message));
  const quote = join(dir, 'quote.csv');
  writeFileSync(quote, '"1","fine"\n"2","never closed\n');
  await assert.rejects(collect(quote), (e: Error) => e instanceof UserError && /quote\.csv:\d+: malformed CSV/.test(e.message));
  const tsv = join(dir, 'bad.tsv');
  writeFileSync(tsv, 'a\tok\nno tab here\n');
  await assert.rejects(collect(tsv), /bad\.tsv:2: expected label<TAB>text/);
  const jsonl = join(dir, 'bad.jsonl');
  writeFileSync(jsonl, '{"label":"a","text":"x"}\n{"label":"b", oops}\n[1]\n');
  await assert.rejects(collect(jsonl), /bad\.jsonl:2: invalid JSON line/);
  const json = join(dir, 'bad.json');
  writeFileSync(json, '[\n{"label":"a","text":"x"},\n{"label":"b" "text":"y"}\n]');
  await assert.rejects(collect(json), /bad\.json:3: invalid JSON/);
  writeFileSync(json, '{"label":"a","text":"x"}');
  await assert.rejects(collect(json, { format: 'json' }), /expected a JSON array/);
});

test('with skip-bad, malformed rows are skipped and counted by reason', async () => {
  const dir = tempDir();
  const csv = join(dir, 'bad.csv');
  writeFileSync(csv, '"1","a","b","c"\n"2","a","b"\n"3","x","y","z"\n"4"\n');
  const bad = new BadRows(true);
  const recs = await collect(csv, {}, bad);
  assert.deepEqual(recs.map((r) => r.label), ['1', '3']);
  const skipped = bad.toJSON();
  assert.equal(skipped['expected 4 columns like line 1, found 3']!.count, 1);
  assert.equal(skipped['expected 4 columns like line 1, found 1']!.count, 1);
  const jsonl = join(dir, 'bad.jsonl');
  writeFileSync(jsonl, '{"label":"a","text":"x"}\nnot json\n[1]\n{"label":"b","text":5}\n{"label":"c","text":"z"}\n');
  const bad2 = new BadRows(true);
  assert.deepEqual((await collect(jsonl, {}, bad2)).map((r) => r.label), ['a', 'c']);
  assert.equal(Object.values(bad2.toJSON()).reduce((n, s) => n + s.count, 0), 3);
  assert.deepEqual(bad2.toJSON()['invalid JSON line']!.examples, [`${jsonl}:2`]);
});

test('invalid UTF-8 bytes survive reading as U+FFFD so that prepare can name the row', async () => {
  const dir = tempDir();
  const csv = join(dir, 'latin1.csv');
  writeFileSync(csv, Buffer.concat([Buffer.from('"1","ok"\n"2","caf'), Buffer.from([0xe9]), Buffer.from('"\n')]));
  const recs = await collect(csv);
  assert.equal(recs[1]!.text, 'caf\uFFFD');
});

test('a header row in a CSV or TSV is not a record', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'h.csv'), 'class,title,text\n"1","t","x"\n');
  const recs = await collect(join(dir, 'h.csv'));
  assert.deepEqual(recs.map((r) => [r.label, r.index, r.where.replace(/.*:/, '')]), [['1', 0, '2']]);
  writeFileSync(join(dir, 'h.tsv'), 'Category\tText\nx\ty\n');
  assert.deepEqual((await collect(join(dir, 'h.tsv'))).map((r) => r.label), ['x']);
});

test('multi-byte characters split across read chunks decode intact in every format', async () => {
  const dir = tempDir();
  const texts = Array.from({ length: 20000 }, (_, i) => `héllo wörld ñ 日本語 😀 ${i}`);
  writeFileSync(join(dir, 'mb.csv'), texts.map((t) => `"1","${t}"`).join('\n'));
  writeFileSync(join(dir, 'mb.tsv'), texts.map((t) => `1\t${t}`).join('\n'));
  writeFileSync(join(dir, 'mb.jsonl'), texts.map((t) => JSON.stringify({ label: 1, text: t })).join('\n'));
  for (const f of ['mb.csv', 'mb.tsv', 'mb.jsonl']) {
    const recs = await collect(join(dir, f));
    assert.equal(recs.length, texts.length, f);
    assert.ok(recs.every((r, i) => r.text === texts[i]), f);
  }
});
