// A streaming CSV parser (RFC 4180) that knows where every record starts, written for the errors users
// meet: a quote in the middle of an unquoted field, a quote that is never closed, CRLF line ends. It works
// on bytes (the delimiters are ASCII, which never occurs inside a UTF-8 multi-byte character) so that a
// bad record can be re-read from the exact byte where its second line starts.
//
// A bad record is reported once, at the line where it starts, and reading goes on from the next line:
// a record that runs over several lines before it turns out bad (an unclosed quote reaches the end of the
// file) is re-read from its second line, so one stray quote costs one row, not every row after it.
// Line numbers count LF; CRLF is one line end, inside quoted fields too.

export interface CsvRecord {
  kind: 'record';
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

export interface CsvBadRecord {
  kind: 'bad';
  line: number;
  reason: string;
}

/** Opens the file's content (decompressed) from a byte offset. */
export type OpenAt = (offset: number) => AsyncIterable<Buffer>;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

const STRAY_QUOTE = 'a quote inside an unquoted field (quote the whole field: "…", with inner quotes doubled "")';
const BAD_CLOSE = 'a quote inside a quoted field must be doubled ("")';
const UNCLOSED = 'a quoted field is never closed (its opening quote has no closing quote before the end of the file)';

class Restart {
  constructor(
    readonly offset: number,
    readonly line: number,
  ) {}
}

export async function* parseCsv(open: OpenAt): AsyncGenerator<CsvRecord | CsvBadRecord> {
  let offset = 0;
  let line = 1;
  for (;;) {
    const p = new Parser(line, offset);
    let restart: Restart | undefined;
    for await (const chunk of open(offset)) {
      const out = p.feed(chunk);
      for (const r of out) yield r;
      if (p.restart) {
        restart = p.restart;
        break;
      }
    }
    if (!restart) {
      for (const r of p.end()) yield r;
      if (!p.restart) return;
      restart = p.restart;
    }
    offset = restart.offset;
    line = restart.line;
  }
}

class Parser {
  restart: Restart | undefined;
  private pos: number; // absolute byte offset of the chunk being read
  private line: number;
  private checkBom: boolean;
  // The record being read.
  private recordLine: number;
  private afterFirstBreak = -1; // byte offset just after the record's first line end, -1 if none yet
  private fields: string[] = [];
  private parts: Buffer[] = [];
  private fieldEmpty = true; // nothing read for this field yet
  private quoted = false; // the field began with a quote
  private inQuotes = false;
  private afterQuote = false; // a quote inside quotes: closing, or the first of a doubled pair
  private closed = false; // the quoted field is closed; only , \r \n may follow
  private skipping = false; // after a bad single-line record: ignore the rest of its line
  private pendingCR = false;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(line: number, offset: number) {
    this.line = line;
    this.pos = offset;
    this.recordLine = line;
    this.checkBom = offset === 0;
  }

  feed(chunk: Buffer): (CsvRecord | CsvBadRecord)[] {
    const out: (CsvRecord | CsvBadRecord)[] = [];
    let i = 0;
    if (this.checkBom) {
      this.checkBom = false;
      if (chunk.length >= 3 && chunk[0] === BOM[0] && chunk[1] === BOM[1] && chunk[2] === BOM[2]) i = 3;
    }
    let seg = i; // start of the current field's bytes not yet copied into parts
    const n = chunk.length;
    for (; i < n; i++) {
      const b = chunk[i]!;
      if (this.skipping) {
        if (b === LF) {
          this.skipping = false;
          this.line++;
          this.startRecord();
          seg = i + 1;
        }
        continue;
      }
      if (this.inQuotes) {
        if (this.afterQuote) {
          this.afterQuote = false;
          if (b === QUOTE) {
            seg = i; // the second quote of "" is content
            continue;
          }
          this.inQuotes = false;
          this.closed = true;
          // fall through: b follows the closing quote
        } else {
          if (b === QUOTE) {
            if (i > seg) this.parts.push(chunk.subarray(seg, i));
            seg = i + 1;
            this.afterQuote = true;
          } else if (b === LF) this.noteBreak(this.pos + i + 1);
          continue;
        }
      }
      if (this.closed) {
        if (b === COMMA || b === LF) {
          if (b === LF && this.pendingCR) this.pendingCR = false;
        } else if (b === CR && !this.pendingCR) {
          this.pendingCR = true;
          continue;
        } else {
          if (this.fail(out, BAD_CLOSE)) return out;
          continue;
        }
      }
      if (b === COMMA) {
        this.endField(chunk, seg, i, false);
        seg = i + 1;
      } else if (b === LF) {
        this.endField(chunk, seg, i, true);
        this.endRecord(out);
        this.line++;
        this.startRecord();
        seg = i + 1;
      } else if (b === QUOTE) {
        if (this.fieldEmpty) {
          this.quoted = true;
          this.inQuotes = true;
          this.fieldEmpty = false;
          seg = i + 1;
        } else if (this.fail(out, STRAY_QUOTE)) return out;
      } else this.fieldEmpty = false;
    }
    if (!this.skipping && !this.closed && !this.afterQuote && seg < n) this.parts.push(chunk.subarray(seg, n));
    this.pos += n;
    return out;
  }

  end(): (CsvRecord | CsvBadRecord)[] {
    const out: (CsvRecord | CsvBadRecord)[] = [];
    if (this.skipping) return out;
    if (this.inQuotes && !this.afterQuote) {
      this.fail(out, UNCLOSED);
      return out;
    }
    this.inQuotes = false;
    const empty = this.fields.length === 0 && this.parts.length === 0 && !this.quoted;
    if (!empty) {
      this.endField(Buffer.alloc(0), 0, 0, true);
      this.endRecord(out);
    }
    return out;
  }

  private noteBreak(after: number): void {
    this.line++;
    if (this.afterFirstBreak < 0) this.afterFirstBreak = after;
  }

  /** A bad record: reported at its first line; returns true when reading must restart elsewhere. */
  private fail(out: (CsvRecord | CsvBadRecord)[], reason: string): boolean {
    out.push({ kind: 'bad', line: this.recordLine, reason });
    if (this.afterFirstBreak >= 0) {
      // It ran over line ends: re-read from its second line.
      this.restart = new Restart(this.afterFirstBreak, this.recordLine + 1);
      return true;
    }
    this.skipping = true;
    this.resetRecord();
    return false;
  }

  private startRecord(): void {
    this.recordLine = this.line;
    this.afterFirstBreak = -1;
    this.resetRecord();
  }

  private resetRecord(): void {
    this.fields = [];
    this.parts = [];
    this.fieldEmpty = true;
    this.quoted = false;
    this.inQuotes = false;
    this.afterQuote = false;
    this.closed = false;
    this.pendingCR = false;
  }

  private endField(chunk: Buffer, seg: number, i: number, lineEnd: boolean): void {
    if (!this.closed && i > seg) this.parts.push(chunk.subarray(seg, i));
    let bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    // CRLF: the CR before the line end is not part of an unquoted field.
    if (lineEnd && !this.quoted && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    this.fields.push(this.decoder.decode(bytes));
    this.parts = [];
    this.fieldEmpty = true;
    this.quoted = false;
    this.closed = false;
    this.pendingCR = false;
  }

  private endRecord(out: (CsvRecord | CsvBadRecord)[]): void {
    const blank = this.fields.length === 1 && this.fields[0] === '';
    if (!blank) out.push({ kind: 'record', fields: this.fields, line: this.recordLine });
    this.fields = [];
  }
}
