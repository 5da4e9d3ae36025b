// fileLines reads a file in pieces and gives the lines a whole-file split gives, wherever the pieces
// cut: inside a multi-byte character, at a line break, with or without a final newline, CRLF kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileLines } from '../../src/util/lines.ts';

const TEXTS = [
  '{"a":1}\n{"b":"ספורט"}\n\n{"c":"日本語 ✓ 😀"}\n',
  'no final newline: €uro\r\nsecond\r\nthird',
  '',
  '\n\n',
];

test('fileLines gives the lines of split("\\n") for read sizes 1, 7 and the whole file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-lines-'));
  try {
    TEXTS.forEach((text, k) => {
      const path = join(dir, `${k}.txt`);
      writeFileSync(path, text);
      const expected = text.split('\n');
      if (expected[expected.length - 1] === '') expected.pop();
      for (const size of [1, 7, Buffer.byteLength(text) + 1]) {
        const got = [...fileLines(path, size)];
        assert.deepEqual(got.map(([, l]) => l), expected, `text ${k}, read size ${size}`);
        assert.deepEqual(got.map(([n]) => n), expected.map((_, i) => i + 1));
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
