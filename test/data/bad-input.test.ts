// Hard inputs for the readers (issue 10 items 5, 6, 11, 12): each case printed a stack trace, lost rows,
// hung, or named the wrong file before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BadRows } from '../../src/data/bad-rows.ts';
import { detectFormat, readRecords, type RawRecord, type ReaderOptions } from '../../src/data/readers.ts';
import { prepareDataset } from '../../src/data/prepare.ts';
import { UserError } from '../../src/util/errors.ts';
import { tempDir } from './helpers.ts';

async function collect(path: string, opts: ReaderOptions = {}, bad = new BadRows(false)): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of readRecords(path, opts, bad)) out.push(r);
  return out;
}

const isUser = (re: RegExp) => (e: Error) => e instanceof UserError && re.test(e.message);
const lineOf = (r: RawRecord): number => Number(r.where.replace(/.*:/, ''));
const rows = (n: number, from = 2): string[] => Array.from({ length: n }, (_, i) => `${(i % 2) + 1},row ${i + from} text.`);

test('CSV: a stray quote inside an unquoted field is a clear error at its line, or one counted skip', async () => {
  const dir = tempDir();
  const csv = join(dir, 'stray.csv');
  writeFileSync(csv, ['1,fine', '2,He said "hi"', '1,also fine', ''].join('\n'));
  await assert.rejects(collect(csv), isUser(/stray\.csv:2: malformed CSV row \(a quote inside an unquoted field/));
  const bad = new BadRows(true);
  const recs = await collect(csv, {}, bad);
  assert.deepEqual(recs.map(lineOf), [1, 3]);
  assert.equal(bad.toJSON()['malformed CSV row']!.count, 1);
  assert.deepEqual(bad.toJSON()['malformed CSV row']!.examples, [`${csv}:2`]);
});

test('CSV: an unclosed quote is reported at the line where it starts and costs one row, not every later row', async () => {
  const dir = tempDir();
  const csv = join(dir, 'unclosed.csv');
  writeFileSync(csv, ['2,"never closed', ...rows(20)].join('\n') + '\n');
  await assert.rejects(collect(csv), isUser(/unclosed\.csv:1: malformed CSV row \(a quoted field is never closed/));
  const bad = new BadRows(true);
  const recs = await collect(csv, {}, bad);
  assert.equal(recs.length, 20);
  assert.deepEqual(recs.map(lineOf), Array.from({ length: 20 }, (_, i) => i + 2));
  assert.equal(bad.toJSON()['malformed CSV row']!.count, 1);
  // A quote that closes later but wrongly ("...x"y) is one bad record too; the rows after it are read.
  writeFileSync(csv, ['1,"opens', '2,plain', '1,"x"y', '2,after'].join('\n'));
  const bad2 = new BadRows(true);
  const recs2 = await collect(csv, {}, bad2);
  assert.deepEqual(recs2.map((r) => [lineOf(r), r.text]), [[2, 'plain'], [4, 'after']]);
  assert.deepEqual(bad2.toJSON()['malformed CSV row']!.examples, [`${csv}:1`, `${csv}:3`]);
});

test('CSV with CRLF line ends: quoted line breaks count once, later rows keep their line numbers', async () => {
  const dir = tempDir();
  const csv = join(dir, 'crlf.csv');
  writeFileSync(csv, '1,"two\r\nlines"\r\n2,"three\r\nline\r\nfield"\r\n1,plain\r\n2,"bad"x\r\n');
  await assert.rejects(collect(csv), isUser(/crlf\.csv:7: malformed CSV row/));
  const recs = await collect(csv, {}, new BadRows(true));
  assert.deepEqual(recs.map((r) => [lineOf(r), r.text]), [[1, 'two\r\nlines'], [3, 'three\r\nline\r\nfield'], [6, 'plain']]);
});

test('gzip input is read as a stream, by its bytes, with or without .gz; damaged gzip is a clear error', async () => {
  const dir = tempDir();
  const body = rows(30, 1).join('\n') + '\n';
  writeFileSync(join(dir, 'a.csv'), gzipSync(body)); // gzip bytes under a .csv name
  writeFileSync(join(dir, 'b.csv.gz'), gzipSync(body));
  writeFileSync(join(dir, 'c.jsonl.gz'), gzipSync(Array.from({ length: 5 }, (_, i) => JSON.stringify({ label: 'x', text: `t ${i}` })).join('\n')));
  for (const f of ['a.csv', 'b.csv.gz']) {
    assert.equal(detectFormat(join(dir, f)), 'csv');
    const recs = await collect(join(dir, f));
    assert.equal(recs.length, 30, f);
    assert.equal(recs[29]!.text, 'row 30 text.');
  }
  assert.equal(detectFormat(join(dir, 'c.jsonl.gz')), 'jsonl');
  assert.equal((await collect(join(dir, 'c.jsonl.gz'))).length, 5);
  // A gzip stream cut in the middle.
  const big = gzipSync(Array.from({ length: 20000 }, (_, i) => `1,row ${i} ${Math.sin(i)}`).join('\n'));
  writeFileSync(join(dir, 'cut.csv'), big.subarray(0, big.length - 100));
  await assert.rejects(collect(join(dir, 'cut.csv')), isUser(/cut\.csv: the gzip data is damaged/));
  // A bad row inside a gzip file restarts by decompressing again.
  writeFileSync(join(dir, 'd.csv.gz'), gzipSync(['1,"unclosed', ...rows(5)].join('\n')));
  const bad = new BadRows(true);
  assert.equal((await collect(join(dir, 'd.csv.gz'), {}, bad)).length, 5);
  assert.equal(bad.toJSON()['malformed CSV row']!.count, 1);
});

test('UTF-16 (with or without a byte-order mark) and binary data are refused, naming what was found', async () => {
  const dir = tempDir();
  const text = rows(10, 1).join('\n');
  writeFileSync(join(dir, 'le.csv'), Buffer.from(text, 'utf16le'));
  await assert.rejects(collect(join(dir, 'le.csv')), isUser(/le\.csv: the file is UTF-16 little-endian without a byte-order mark .*attnlab reads UTF-8 text.*iconv -f UTF-16LE -t UTF-8/));
  const be = Buffer.from(text, 'utf16le').swap16();
  writeFileSync(join(dir, 'be.tsv'), be);
  await assert.rejects(collect(join(dir, 'be.tsv')), isUser(/UTF-16 big-endian without a byte-order mark/));
  writeFileSync(join(dir, 'bom.jsonl'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"label":1,"text":"x"}', 'utf16le')]));
  await assert.rejects(collect(join(dir, 'bom.jsonl')), isUser(/UTF-16 little-endian \(byte-order mark FF FE\)/));
  writeFileSync(join(dir, 'noext'), Buffer.from(text, 'utf16le'));
  assert.throws(() => detectFormat(join(dir, 'noext')), isUser(/UTF-16 little-endian/));
  writeFileSync(join(dir, 'bin.csv'), Buffer.from([1, 44, 0, 0, 7, 0, 200, 0, 0, 0, 3, 9, 0, 0, 0, 5]));
  await assert.rejects(collect(join(dir, 'bin.csv')), isUser(/binary data/));
});

test('a FIFO (or any non-regular file) as input is refused at once instead of blocking', { timeout: 20_000 }, async () => {
  const dir = tempDir();
  const fifo = join(dir, 'train.csv');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(join(dir, 'test.csv'), rows(3, 1).join('\n'));
  await assert.rejects(prepareDataset(dir, { cacheDir: join(dir, 'c') }), isUser(/train\.csv: is a named pipe \(FIFO\), not a regular file \(train data\)/));
  await assert.rejects(prepareDataset(fifo, { cacheDir: join(dir, 'c'), test: join(dir, 'test.csv') }), isUser(/named pipe/));
  await assert.rejects(prepareDataset(join(dir, 'test.csv'), { cacheDir: join(dir, 'c'), test: fifo }), isUser(/named pipe \(FIFO\).*\(test data\)/));
  assert.throws(() => detectFormat(fifo), isUser(/named pipe/));
  await assert.rejects(prepareDataset(join(dir, 'x.jsonl'), { cacheDir: join(dir, 'c'), test: '/dev/null' }), isUser(/no such file|character device/));
});

test('an empty or header-only train file is reported as such, not as a label error in test.csv', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'test.csv'), rows(3, 1).join('\n'));
  for (const body of ['', 'label,text\n', '\n\n']) {
    writeFileSync(join(dir, 'train.csv'), body);
    await assert.rejects(prepareDataset(dir, { cacheDir: join(dir, 'c') }), isUser(/train\.csv: no training records \(the file is empty or holds only a header row\)/), JSON.stringify(body));
  }
});

test('"no training documents left" says why instead of "see above"', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train.csv'), '1,"x\n2,\n');
  writeFileSync(join(dir, 'test.csv'), rows(3, 1).join('\n'));
  await assert.rejects(prepareDataset(dir, { cacheDir: join(dir, 'c'), skipBad: true }), (e: Error) => {
    assert.doesNotMatch(e.message, /see above/);
    assert.match(e.message, /no training documents left to prepare \(1 well-formed training records read; skipped 1 malformed CSV row .*skipped 1 empty documents/);
    return true;
  });
});

test('a pretty-printed JSON object is named as such, not "an invalid JSON line"', async () => {
  const dir = tempDir();
  const obj = { data: [{ label: 'a', text: 'x' }, { label: 'b', text: 'y' }] };
  writeFileSync(join(dir, 'pretty.json'), JSON.stringify(obj, null, 2));
  await assert.rejects(collect(join(dir, 'pretty.json')), isUser(/pretty\.json: holds one pretty-printed JSON object, not one JSON object per line \(JSONL\); its field "data" holds an array of 2 items/));
  writeFileSync(join(dir, 'arr.jsonl'), JSON.stringify(obj.data, null, 2));
  await assert.rejects(collect(join(dir, 'arr.jsonl')), isUser(/holds one JSON array over several lines.*--format json/));
  // A real JSONL file with one broken line is still a line error.
  writeFileSync(join(dir, 'ok.jsonl'), '{"label":"a", oops\n{"label":"b","text":"y"}\n');
  await assert.rejects(collect(join(dir, 'ok.jsonl')), isUser(/ok\.jsonl:1: invalid JSON line/));
});

test('one-class training data is refused at prepare, before word vectors and training', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train.tsv'), Array.from({ length: 20 }, (_, i) => `pos\tgood words ${i}.`).join('\n'));
  writeFileSync(join(dir, 'test.tsv'), 'pos\tgood.\nneg\tbad.\n');
  await assert.rejects(prepareDataset(dir, { cacheDir: join(dir, 'c'), skipBad: true }), isUser(/train\.tsv: the training documents all have one class \("pos"\); a classifier needs at least 2/));
});
