// Reading a text file line by line without holding it: a documents.jsonl of 100 k documents is ~300 MB,
// and its lines are wanted one at a time (src/erasure/test-run.ts, src/report/run-input.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** The lines of a UTF-8 file with their 1-based numbers, '\n'-separated (a final '\r' is kept), read 1 MiB at a time. */
export function* fileLines(path: string, chunkBytes = 1 << 20): Generator<[number, string]> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(chunkBytes);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let lineNo = 0;
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      const text = got === 0 ? rest + decoder.end() : rest + decoder.write(buf.subarray(0, got));
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
        yield [++lineNo, text.slice(start, nl)];
        start = nl + 1;
      }
      rest = text.slice(start);
      if (got === 0) {
        if (rest !== '') yield [++lineNo, rest];
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}
