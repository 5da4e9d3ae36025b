// Readers for the files users hold (docs/method.md §2): Zhang et al. (2015) CSVs, label<TAB>text TSVs, JSON arrays
// and JSONL. Each yields raw records (label string, text, where it came from); a malformed row goes to
// BadRows, which stops the run or counts the skip. Text is decoded leniently (invalid UTF-8 becomes
// U+FFFD) so that prepare can report the exact row instead of failing on a byte offset.
import { createReadStream, openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv, type CsvError } from 'csv-parse';
import { UserError } from '../util/errors.ts';
import type { BadRows } from './bad-rows.ts';

export type Format = 'csv' | 'tsv' | 'json' | 'jsonl';
export const FORMATS: readonly Format[] = ['csv', 'tsv', 'json', 'jsonl'];
export type SplitName = 'train' | 'dev' | 'test';

export interface RawRecord {
  /** The label as written in the file; undefined when the row has none. */
  label: string | undefined;
  text: string;
  /** file:line (or file: element N for JSON arrays), for messages. */
  where: string;
  /** 0-based position of the record in its file (kept so reports can point back at the source). */
  index: number;
  /** From a split field, when the file carries one. */
  split?: string;
}

export interface ReaderOptions {
  format?: Format;
  /** JSON/JSONL: field holding the label; default the first of label, rating, class, stars. */
  labelField?: string;
  /** JSON/JSONL: field(s) holding the text, comma-separated (joined by a newline); default text, review, content. */
  textField?: string;
  /** JSON/JSONL: field naming the split (train/dev/test) of each record; default "split" when present. */
  splitField?: string;
}

const LABEL_FIELDS = ['label', 'rating', 'class', 'stars'];
const HEADER_LABELS = /^(label|class|category|rating|stars)$/i;
// V8 strings stop at ~512 MB; a bigger JSON array cannot be parsed whole.
const MAX_JSON_ARRAY_BYTES = 400 * 2 ** 20;
const TEXT_FIELDS = ['text', 'review', 'content'];

/** Format from the extension, else from the first bytes. */
export function detectFormat(path: string): Format {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  const head = readHead(path, 4096).replace(/^\uFEFF/, '').trimStart();
  if (ext === '.json') return head.startsWith('{') ? 'jsonl' : 'json';
  if (head.startsWith('[')) return 'json';
  if (head.startsWith('{')) return 'jsonl';
  if (head.startsWith('"')) return 'csv';
  const firstLine = head.split('\n')[0] ?? '';
  if (firstLine.includes('\t')) return 'tsv';
  if (firstLine.includes(',')) return 'csv';
  throw new UserError(`${path}: cannot tell the format (not .csv/.tsv/.json/.jsonl, and the first line is neither CSV, TSV nor JSON); pass --format ${FORMATS.join('|')}`);
}

function readHead(path: string, n: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function readRecords(path: string, opts: ReaderOptions, bad: BadRows): AsyncIterable<RawRecord> {
  const format = opts.format ?? detectFormat(path);
  switch (format) {
    case 'csv':
      return readZhangCsv(path, bad);
    case 'tsv':
      return readTsv(path, bad);
    case 'json':
      return readJsonArray(path, opts, bad);
    case 'jsonl':
      return readJsonl(path, opts, bad);
  }
}

// Zhang's CSVs: no header; column 1 is the 1-based class, the rest are text fields (title, content,
// answer...) joined here by a newline so a title without a final period stays its own sentence. The
// files escape newlines inside fields as a literal backslash-n.
async function* readZhangCsv(path: string, bad: BadRows): AsyncIterable<RawRecord> {
  const skipped: { err: CsvError | undefined }[] = [];
  const parser = createReadStream(path).pipe(
    parseCsv({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: bad.skipBad,
      on_skip: (err) => {
        skipped.push({ err });
        return undefined;
      },
    }),
  );
  let columns = 0;
  let firstLine = 0;
  let prevEnd = 0;
  let prevEmpty = 0;
  let index = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      for (const s of skipped.splice(0)) bad.bad(`${path}:${(s.err?.lines as number | undefined) ?? '?'}`, 'malformed CSV row', s.err?.message);
      const { record, info } = item;
      const line = prevEnd + 1 + (info.empty_lines - prevEmpty);
      prevEnd = info.lines;
      prevEmpty = info.empty_lines;
      const where = `${path}:${line}`;
      // A header row ("label,text", "class,title,content,...") is not a record; Zhang's files have none.
      if (line === 1 && HEADER_LABELS.test(record[0]!.trim())) continue;
      const i = index++;
      if (columns === 0) {
        if (record.length < 2) {
          bad.bad(where, 'expected a CSV row class,text[,...] (Zhang et al. 2015 layout, no header)', `found ${record.length} column`);
          continue;
        }
        columns = record.length;
        firstLine = line;
      } else if (record.length !== columns) {
        bad.bad(where, `expected ${columns} columns like line ${firstLine}, found ${record.length}`);
        continue;
      }
      const text = record.slice(1).join('\n').replace(/\\n/g, '\n');
      yield { label: record[0]!.trim() || undefined, text, where, index: i };
    }
  } catch (err) {
    const e = err as CsvError;
    if (e.code?.startsWith('CSV_')) throw new UserError(`${path}:${(e.lines as number | undefined) ?? '?'}: malformed CSV (${e.message}); fix the file or rerun with --skip-bad`);
    throw err;
  }
  for (const s of skipped.splice(0)) bad.bad(`${path}:${(s.err?.lines as number | undefined) ?? '?'}`, 'malformed CSV row', s.err?.message);
}

/** Lines of a text file, streamed: BOM stripped, CRLF and LF both end a line, invalid UTF-8 -> U+FFFD. */
export async function* readLines(path: string): AsyncIterable<{ line: string; no: number }> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let no = 0;
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let text = rest + decoder.decode(chunk as Buffer, { stream: true });
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const l of lines) yield { line: l.endsWith('\r') ? l.slice(0, -1) : l, no: ++no };
  }
  rest += decoder.decode();
  if (first) rest = rest.replace(/^\uFEFF/, '');
  if (rest.length > 0) yield { line: rest.endsWith('\r') ? rest.slice(0, -1) : rest, no: no + 1 };
}

// label<TAB>text; the text is everything after the first tab. Blank lines are not records. A first line
// whose label reads label / class / category / rating / stars is a header.
async function* readTsv(path: string, bad: BadRows): AsyncIterable<RawRecord> {
  let index = 0;
  for await (const { line, no } of readLines(path)) {
    if (line.trim() === '') continue;
    const where = `${path}:${no}`;
    const tab = line.indexOf('\t');
    if (tab < 0) {
      bad.bad(where, 'expected label<TAB>text, found no tab');
      continue;
    }
    const label = line.slice(0, tab).trim();
    const text = line.slice(tab + 1);
    if (no === 1 && HEADER_LABELS.test(label)) continue;
    yield { label: label || undefined, text, where, index: index++ };
  }
}

interface FieldChoice {
  label: string;
  text: string[];
  split: string | undefined;
}

function chooseFields(first: Record<string, unknown>, opts: ReaderOptions, where: string): FieldChoice {
  const keys = Object.keys(first);
  const label = opts.labelField ?? LABEL_FIELDS.find((k) => k in first);
  const text = opts.textField ? opts.textField.split(',').map((s) => s.trim()) : TEXT_FIELDS.filter((k) => k in first).slice(0, 1);
  if (!label) throw new UserError(`${where}: no label field (looked for ${LABEL_FIELDS.join(', ')}; the record has ${keys.join(', ')}); pass --label-field`);
  if (text.length === 0) throw new UserError(`${where}: no text field (looked for ${TEXT_FIELDS.join(', ')}; the record has ${keys.join(', ')}); pass --text-field`);
  const split = opts.splitField ?? ('split' in first ? 'split' : undefined);
  return { label, text, split };
}

function fromObject(value: unknown, fields: FieldChoice | undefined, opts: ReaderOptions, where: string, index: number, bad: BadRows): { rec?: RawRecord; fields?: FieldChoice } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    bad.bad(where, 'expected a JSON object with a label and a text field', `found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)?.slice(0, 40)}`);
    return { fields };
  }
  const obj = value as Record<string, unknown>;
  const f = fields ?? chooseFields(obj, opts, where);
  const rawLabel = obj[f.label];
  // A JSON label may be a string, number or boolean; anything else stringifies as before.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  const label = rawLabel === undefined || rawLabel === null ? undefined : String(rawLabel).trim() || undefined;
  const parts: string[] = [];
  for (const k of f.text) {
    const v = obj[k];
    if (typeof v === 'string') parts.push(v);
    else if (v !== undefined && v !== null) {
      bad.bad(where, `expected field "${k}" to be a string`, `found ${typeof v}`);
      return { fields: f };
    }
  }
  if (parts.length === 0) {
    bad.bad(where, `missing text field ${f.text.map((k) => `"${k}"`).join(' / ')}`);
    return { fields: f };
  }
  const rec: RawRecord = { label, text: parts.join('\n'), where, index };
  if (f.split !== undefined && obj[f.split] !== undefined) rec.split = String(obj[f.split]);
  return { rec, fields: f };
}

// A JSON array is parsed whole (the paper's IMDB file is ~100 MB; use JSONL for bigger data).
// eslint-disable-next-line @typescript-eslint/require-await -- async to match the other readers' AsyncIterable
async function* readJsonArray(path: string, opts: ReaderOptions, bad: BadRows): AsyncIterable<RawRecord> {
  if (statSync(path).size > MAX_JSON_ARRAY_BYTES) {
    throw new UserError(`${path}: a JSON array this big cannot be read whole; write one record per line (JSONL) and use --format jsonl`);
  }
  const text = readFileSync(path).toString('utf8').replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : '?';
    throw new UserError(`${path}:${line}: invalid JSON (${(err as Error).message}); expected an array of objects`);
  }
  if (!Array.isArray(data)) throw new UserError(`${path}: expected a JSON array of records, found ${typeof data}; for one object per line use --format jsonl`);
  let fields: FieldChoice | undefined;
  for (let i = 0; i < data.length; i++) {
    const r = fromObject(data[i], fields, opts, `${path}: element ${i}`, i, bad);
    fields = r.fields;
    if (r.rec) yield r.rec;
  }
}

async function* readJsonl(path: string, opts: ReaderOptions, bad: BadRows): AsyncIterable<RawRecord> {
  let fields: FieldChoice | undefined;
  let index = 0;
  for await (const { line, no } of readLines(path)) {
    if (line.trim() === '') continue;
    const where = `${path}:${no}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      bad.bad(where, 'invalid JSON line', (err as Error).message);
      continue;
    }
    const r = fromObject(value, fields, opts, where, index++, bad);
    fields = r.fields;
    if (r.rec) yield r.rec;
  }
}
