// Readers for the files users hold (docs/method.md §2): Zhang et al. (2015) CSVs, label<TAB>text TSVs, JSON arrays
// and JSONL. Each yields raw records (label string, text, where it came from); a malformed row goes to
// BadRows, which stops the run or counts the skip. Text is decoded leniently (invalid UTF-8 becomes
// U+FFFD) so that prepare can report the exact row instead of failing on a byte offset.
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseCsv } from './csv.ts';
import { checkRegularFile, checkTextEncoding, contentHead, decompressIfGzip, openContent, openContentAt } from './input-file.ts';
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
  checkRegularFile(path);
  const ext = extname(path.replace(/\.gz$/i, '')).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  checkTextEncoding(path);
  const head = contentHead(path).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (ext === '.json') return head.startsWith('{') ? 'jsonl' : 'json';
  if (head.startsWith('[')) return 'json';
  if (head.startsWith('{')) return 'jsonl';
  if (head.startsWith('"')) return 'csv';
  const firstLine = head.split('\n')[0] ?? '';
  if (firstLine.includes('\t')) return 'tsv';
  if (firstLine.includes(',')) return 'csv';
  throw new UserError(`${path}: cannot tell the format (not .csv/.tsv/.json/.jsonl, and the first line is neither CSV, TSV nor JSON); pass --format ${FORMATS.join('|')}`);
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
// files escape newlines inside fields as a literal backslash-n. Parsing is csv.ts's: a bad record is
// reported at the line where it starts and counted once.
async function* readZhangCsv(path: string, bad: BadRows): AsyncIterable<RawRecord> {
  checkRegularFile(path);
  checkTextEncoding(path);
  let columns = 0;
  let firstLine = 0;
  let index = 0;
  for await (const item of parseCsv((offset) => openContentAt(path, offset))) {
    const where = `${path}:${item.line}`;
    if (item.kind === 'bad') {
      bad.bad(where, 'malformed CSV row', item.reason);
      continue;
    }
    const record = item.fields;
    // A header row ("label,text", "class,title,content,...") is not a record; Zhang's files have none.
    if (item.line === 1 && HEADER_LABELS.test(record[0]!.trim())) continue;
    const i = index++;
    if (columns === 0) {
      if (record.length < 2) {
        bad.bad(where, 'expected a CSV row class,text[,...] (Zhang et al. 2015 layout, no header)', `found ${record.length} column`);
        continue;
      }
      columns = record.length;
      firstLine = item.line;
    } else if (record.length !== columns) {
      bad.bad(where, `expected ${columns} columns like line ${firstLine}, found ${record.length}`);
      continue;
    }
    const text = record.slice(1).join('\n').replace(/\\n/g, '\n');
    yield { label: record[0]!.trim() || undefined, text, where, index: i };
  }
}

/**
 * Lines of a text file, streamed: BOM stripped, CRLF and LF both end a line, invalid UTF-8 -> U+FFFD.
 * A line longer than a chunk is gathered piece by piece and joined once, so a 50 MB line costs linear time.
 */
export async function* readLines(path: string): AsyncIterable<{ line: string; no: number }> {
  const decoder = new TextDecoder('utf-8');
  let parts: string[] = [];
  let no = 0;
  let first = true;
  const finish = (piece: string): string => {
    parts.push(piece);
    const l = parts.length === 1 ? parts[0]! : parts.join('');
    parts = [];
    return l.endsWith('\r') ? l.slice(0, -1) : l;
  };
  for await (const chunk of openContent(path)) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    const lines = text.split('\n');
    const last = lines.pop()!;
    for (const l of lines) yield { line: finish(l), no: ++no };
    if (last) parts.push(last);
  }
  let rest = decoder.decode();
  if (first) rest = rest.replace(/^\uFEFF/, '');
  if (rest) parts.push(rest);
  if (parts.length > 0) yield { line: finish(''), no: no + 1 };
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
  checkRegularFile(path);
  checkTextEncoding(path);
  if (statSync(path).size > MAX_JSON_ARRAY_BYTES) {
    throw new UserError(`${path}: a JSON array this big cannot be read whole; write one record per line (JSONL) and use --format jsonl`);
  }
  const text = decompressIfGzip(path, readFileSync(path)).toString('utf8').replace(/^\uFEFF/, '');
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
  let triedWhole = false;
  let fields: FieldChoice | undefined;
  let index = 0;
  for await (const { line, no } of readLines(path)) {
    if (line.trim() === '') continue;
    const where = `${path}:${no}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (index === 0 && !triedWhole) {
        triedWhole = true;
        notOnePerLine(path);
      }
      bad.bad(where, 'invalid JSON line', (err as Error).message);
      continue;
    }
    const r = fromObject(value, fields, opts, where, index++, bad);
    fields = r.fields;
    if (r.rec) yield r.rec;
  }
}

/**
 * Throws when the file is one JSON value spread over lines (a pretty-printed object or array), which a
 * JSONL reader would otherwise report line by line as "invalid JSON line". Returns if it is not.
 */
function notOnePerLine(path: string): void {
  if (statSync(path).size > MAX_JSON_ARRAY_BYTES) return;
  let value: unknown;
  try {
    value = JSON.parse(decompressIfGzip(path, readFileSync(path)).toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return;
  }
  if (Array.isArray(value)) throw new UserError(`${path}: holds one JSON array over several lines, not one record per line; read it with --format json`);
  if (value !== null && typeof value === 'object') {
    const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v));
    const hint = arrays.length
      ? `; its field "${arrays[0]![0]}" holds an array of ${(arrays[0]![1] as unknown[]).length} items — save that array as the file (e.g. jq '.${arrays[0]![0]}' ${path} > records.json) and read it with --format json`
      : '; write one record per line (JSONL), or a JSON array of records';
    throw new UserError(`${path}: holds one pretty-printed JSON object, not one JSON object per line (JSONL)${hint}`);
  }
}
