// Compact per-document results (src/erasure/compact-results.ts) read back exactly what was packed, and
// the summary and the examples computed over them equal those over the full DocumentResult objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactStore, compactResult } from '../../src/erasure/compact-results.ts';
import { runDocument } from '../../src/erasure/battery.ts';
import { chooseExamples } from '../../src/erasure/examples.ts';
import { summarize } from '../../src/erasure/summary.ts';
import type { DocumentResult } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

function results(count: number): DocumentResult[] {
  const rng = new Rng(11);
  const head = randomHead(rng, 3, 6);
  // n = 1 documents have null single records and single_item statuses; a few carry Kendall's tau.
  return Array.from({ length: count }, (_, i) =>
    runDocument(randomState(rng, head, i % 9 === 0 ? 1 : 2 + rng.int(14), i % 4 === 0 ? `d${i}` : i), head, i, { seed: 5, ...(i % 2 ? { kendallTau: true } : {}) }),
  );
}

/** A plain copy through JSON: what documents.jsonl holds, and how the getters' values compare. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Object && !Array.isArray(x) ? { ...x } : x)));

function expand(d: DocumentResult): unknown {
  const { single, multi, minimal } = d;
  return plain({ ...d, single, multi: Object.fromEntries(Object.keys(multi).map((k) => [k, multi[k as keyof typeof multi]])), minimal });
}

test('a compact document reads back every field of the original, in any shape the battery writes', () => {
  const docs = results(60).map((d) => JSON.parse(JSON.stringify(d)) as DocumentResult);
  const store = new CompactStore();
  for (const d of docs) {
    const c = compactResult(d, store);
    assert.notEqual(c, d, 'the battery\'s documents are packed');
    assert.deepEqual(expand(c), plain(d));
    assert.deepEqual(Object.keys(c.multi), Object.keys(d.multi));
    assert.equal(c.multi.random.length, 5);
    assert.equal('attention' in c.multi, true);
    assert.equal('rollout' in c.multi, false);
    assert.equal(c.multi.rollout, undefined);
  }
});

test('a document with a field this file does not know is kept as it came (nothing silently dropped)', () => {
  const [d] = results(2).slice(1).map((x) => JSON.parse(JSON.stringify(x)) as DocumentResult & { eraser?: unknown });
  const store = new CompactStore();
  const withTop = { ...d!, eraser: { comprehensiveness: 0.25 } };
  assert.deepEqual((compactResult(withTop, store) as typeof withTop).eraser, { comprehensiveness: 0.25 }, 'unknown top-level fields ride along');
  const nested = JSON.parse(JSON.stringify(d)) as DocumentResult;
  (nested.multi.attention[0] as unknown as Record<string, unknown>).aopc = 0.5;
  assert.equal(compactResult(nested, store), nested, 'an unknown field inside a record: kept whole');
});

test('summary and examples over compact documents equal those over the full ones', () => {
  const docs = results(150);
  const store = new CompactStore();
  const compact = docs.map((d) => compactResult(JSON.parse(JSON.stringify(d)) as DocumentResult, store));
  const opts = { seed: 3, bootstrapResamples: 200 };
  assert.deepEqual(summarize(compact, ['a', 'b', 'c'], opts), summarize(docs, ['a', 'b', 'c'], opts));
  assert.deepEqual(chooseExamples(compact, 2), chooseExamples(docs, 2));
});
