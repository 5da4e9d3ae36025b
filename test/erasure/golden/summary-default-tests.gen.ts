// Writes summary-default-tests.json: summary.json and the ERASER exports over 80 battery documents with
// the default tests (test/erasure/summary-memory.test.ts compares against it byte for byte). Uses only
// APIs that predate the summary's memory work, so it ran on the code before it:
//   node --import tsx test/erasure/golden/summary-default-tests.gen.ts
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runDocument } from '../../../src/erasure/battery.ts';
import { eraserJsonl } from '../../../src/erasure/eraser-export.ts';
import { summarize } from '../../../src/erasure/summary.ts';
import { DEFAULT_TEST_NAMES } from '../../../src/erasure/tests/index.ts';
import type { DocumentResult } from '../../../src/erasure/types.ts';
import { Rng } from '../../../src/util/rng.ts';
import { randomHead, randomState } from '../fixtures.ts';

export const GOLDEN = new URL('./summary-default-tests.json', import.meta.url);
export const CLASSES = ['a', 'b', 'c'];

/** Documents as the chunk files give them back (through JSON); n = 1 ones have null test records. */
export function documents(): DocumentResult[] {
  const rng = new Rng(21);
  const head = randomHead(rng, 3, 6);
  return Array.from({ length: 80 }, (_, i) => {
    const d = runDocument(randomState(rng, head, i % 11 === 0 ? 1 : 2 + rng.int(10), i), head, i, { seed: 9, tests: [...DEFAULT_TEST_NAMES] });
    return JSON.parse(JSON.stringify(d)) as DocumentResult;
  });
}

export function outputs(docs: readonly DocumentResult[]): string {
  const summary = summarize(docs, CLASSES, { seed: 4, bootstrapResamples: 200 });
  // The exports (~0.8 MB) by their SHA-256: byte-equal or not, without committing them.
  const eraser = Object.fromEntries([...eraserJsonl(docs, CLASSES)].map(([file, text]) => [file, createHash('sha256').update(text).digest('hex')]));
  return JSON.stringify({ summary, eraser }, null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(GOLDEN, outputs(documents()));
