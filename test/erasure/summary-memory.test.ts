// The summary's memory work (docs/scale.md "The summary's memory") changes no number: summary.json and the
// ERASER exports over the default tests' records (kendall_tau, eraser_attention) are byte-identical to
// what the code before it wrote (test/erasure/golden/summary-default-tests.json, written on main at
// a51c3d3 by golden/summary-default-tests.gen.ts), for compact and for full documents; and the tests'
// records packed in compact documents read back exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CompactStore, compactResult, hasTestRecord, testRecordOf } from '../../src/erasure/compact-results.ts';
import { DEFAULT_TEST_NAMES, TEST_NAMES } from '../../src/erasure/tests/index.ts';
import type { DocumentResult } from '../../src/erasure/types.ts';
import { GOLDEN, documents, outputs } from './golden/summary-default-tests.gen.ts';

test('summary.json and the ERASER exports over the default tests equal the golden file byte for byte, compact or not', () => {
  const docs = documents();
  const full = outputs(docs);
  assert.ok(DEFAULT_TEST_NAMES.includes('eraser_attention') && DEFAULT_TEST_NAMES.includes('kendall_tau'));
  const golden = readFileSync(GOLDEN, 'utf8');
  assert.equal(full, golden, 'full documents');
  const store = new CompactStore();
  assert.equal(outputs(docs.map((d) => compactResult(JSON.parse(JSON.stringify(d)) as DocumentResult, store))), golden, 'compact documents');
});

test('the tests\' records packed in a compact document read back exactly, one at a time or all together', () => {
  const docs = documents();
  const store = new CompactStore();
  for (const d of docs) {
    const c = compactResult(JSON.parse(JSON.stringify(d)) as DocumentResult, store);
    assert.equal(JSON.stringify(c.tests), JSON.stringify(d.tests));
    assert.equal(JSON.stringify({ ...c }.tests), JSON.stringify(d.tests), 'a spread sees the field');
    for (const name of TEST_NAMES) {
      assert.equal(hasTestRecord(c, name), d.tests !== undefined && name in d.tests);
      assert.deepEqual(testRecordOf(c, name), d.tests?.[name]);
    }
  }
});

test('records that are not plain JSON numbers and structures are kept as they came', () => {
  const [d] = documents().filter((x) => x.n >= 2);
  const odd = { ...d!, tests: { kendall_tau: { gradient: Infinity, leaveOneOut: -0 } } } as unknown as DocumentResult;
  const c = compactResult(odd, new CompactStore());
  assert.equal(c.tests, odd.tests, 'kept whole');
  const zero = compactResult({ ...d!, tests: { kendall_tau: { gradient: -0, leaveOneOut: null } } }, new CompactStore());
  assert.ok(Object.is(zero.tests?.kendall_tau?.gradient, -0), '-0 reads back as -0');
});
