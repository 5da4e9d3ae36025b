// What a finished run holds while it summarizes (summary.ts heldForSummary / heldDocuments, docs/scale.md):
// each test's record cut to what its summary reads (DocumentTest.held; ERASER keeps the decided class only).
// The summary over held documents must equal the golden summary.json (written by the code before the cut,
// test/erasure/golden/summary-default-tests.gen.ts) byte for byte, and a held ERASER record must give the
// same per-document numbers as the whole one, ties in p included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decidedClassOnly, eraserScores, type EraserRecord } from '../../src/erasure/eraser.ts';
import { heldDocuments, heldForSummary, summarize } from '../../src/erasure/summary.ts';
import { DOCUMENT_TESTS, TEST_NAMES } from '../../src/erasure/tests/index.ts';
import { ALL_RANKING_NAMES, type DocumentResult } from '../../src/erasure/types.ts';
import { CLASSES, GOLDEN, documents } from './golden/summary-default-tests.gen.ts';

const goldenSummary = (): string => JSON.stringify((JSON.parse(readFileSync(GOLDEN, 'utf8')) as { summary: unknown }).summary);

test('the summary over held documents (compact, ERASER cut to the decided class) equals the golden summary.json', () => {
  const docs = documents();
  const held = heldDocuments([docs.slice(0, 30), docs.slice(30)]);
  assert.equal(held.length, docs.length);
  const summary = summarize(held, CLASSES, { seed: 4, bootstrapResamples: 200 });
  assert.equal(JSON.stringify(summary), goldenSummary());
  const cut = held.filter((d) => d.tests?.eraser_attention);
  assert.ok(cut.length > 60, 'most documents have an ERASER record');
  for (const d of cut) assert.deepEqual(d.tests!.eraser_attention!.p.length, 1, 'held: the decided class only');
});

test('a held ERASER record gives the whole record\'s numbers, bit for bit, with a tie for the top class', () => {
  const record: EraserRecord = {
    bins: [1, 1, 2, 2, 3],
    p: [0.2, 0.4, 0.4],
    rankings: {
      attention: {
        top: [2, 0, 1],
        comprehensiveness: [[0.3, 0.3, 0.4], [0.1, 0.6, 0.3], [0.5, 0.25, 0.25], [0.7, 0.1, 0.2], [0.9, 0.05, 0.05]],
        sufficiency: [[0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.3, 0.4, 0.3], [0.3, 0.41, 0.29], [0.2, 0.4, 0.4]],
      },
    },
  };
  const held = decidedClassOnly(record);
  assert.deepEqual(held.p, [0.4], 'ties go to the lower class (1), as eraserScores decides');
  assert.deepEqual(held.rankings.attention!.comprehensiveness.map((q) => q[0]), [0.3, 0.6, 0.25, 0.1, 0.05]);
  assert.deepEqual(eraserScores(held, 'attention'), eraserScores(record, 'attention'));
});

test('held records are much smaller with many classes, and every ranking keeps its numbers', () => {
  const docs = documents().filter((d) => d.tests?.eraser_attention);
  for (const d of docs.slice(0, 10)) {
    const whole = d.tests!.eraser_attention!;
    const held = heldForSummary(d).tests!.eraser_attention!;
    for (const name of ALL_RANKING_NAMES) assert.deepEqual(eraserScores(held, name), eraserScores(whole, name), name);
    // 3 classes here: p and every distribution shrink 3 -> 1 and the top items go.
    assert.ok(JSON.stringify(held).length < JSON.stringify(whole).length / 2);
  }
  assert.equal(heldForSummary(docs[0]!).tests!.kendall_tau, docs[0]!.tests!.kendall_tau, 'a test without `held` keeps its record');
});

test('eraser_attention and eraser_input cut their records; a test this version does not know is kept whole', () => {
  const docs = documents();
  const withHeld = TEST_NAMES.filter((name) => DOCUMENT_TESTS[name].held !== undefined);
  assert.ok(withHeld.includes('eraser_attention') && withHeld.includes('eraser_input'));
  const unknownTest = { ...docs[5]!, tests: { ...docs[5]!.tests, some_later_test: { x: 1 } } } as unknown as DocumentResult;
  assert.deepEqual((heldForSummary(unknownTest).tests as Record<string, unknown>).some_later_test, { x: 1 }, 'a test this version does not know is kept whole');
});
