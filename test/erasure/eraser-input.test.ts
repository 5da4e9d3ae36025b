// ERASER metrics at the input (docs/faithfulness.md §6.2) against a slow reference: every edit of a
// deterministic ranking rebuilt here from the record's top items and run alone (a batch of one) through
// the model's own forward, on tiny FLAN and HAN models inside a real `attnlab test` run (batched over the
// chunk's variants, mixed lengths, padding). Also: the variant builders, and null without a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTest, type TestSource } from '../../src/erasure/test-run.ts';
import type { TestDocument } from '../../src/erasure/final-layer.ts';
import { removeItems, removeTokens, transformerItemPositions } from '../../src/erasure/input-variants.ts';
import { softmax } from '../../src/erasure/math.ts';
import type { EraserRecord } from '../../src/erasure/eraser.ts';
import type { DocumentResult } from '../../src/erasure/types.ts';
import { buildModel, makeBatch, realSentences, type TokenDoc } from '../../src/models/index.ts';
import { manualSeed, noGrad, scope } from '../../src/torch/index.ts';
import { Rng } from '../../src/util/rng.ts';

function source(arch: 'flan-rnn' | 'han-rnn', count: number): TestSource {
  manualSeed(3);
  const model = buildModel({ arch, vocab: 40, classes: 3, emb: 8, encoderSize: 4, dropout: { word: 0, sentence: 0, encoder: 0.1, classifier: 0.1 } });
  const rng = new Rng(4);
  const documents: TestDocument[] = Array.from({ length: count }, (_, i) => {
    // An empty sentence now and then: HAN skips it, FLAN has no words from it.
    const sentences = Array.from({ length: 1 + rng.int(4) }, (_, j) => Int32Array.from({ length: j === 1 && i % 3 === 0 ? 0 : 1 + rng.int(9) }, () => 1 + rng.int(39)));
    return { docId: `d${i}`, label: rng.int(3), doc: { sentences } };
  });
  const family = arch.startsWith('han') ? 'han' : 'flan';
  return { info: { dataset: 'toy', architecture: family, encoder: 'rnn' }, classes: ['a', 'b', 'c'], model, documents };
}

/** The slow reference: the document with `removed` items' words gone, alone through the model's forward. */
function alone(src: TestSource, doc: TokenDoc, removed: Set<number>): Float64Array {
  const family = src.model.family;
  let edited: TokenDoc;
  if (family === 'flan') {
    let i = 0;
    edited = { sentences: doc.sentences.map((s) => Int32Array.from(Array.from(s).filter(() => !removed.has(i++)))) };
  } else edited = { sentences: realSentences(doc).filter((_, j) => !removed.has(j)) };
  src.model.eval();
  return softmax(noGrad(() => scope(() => src.model.forward(makeBatch(family, [edited])).logits.to('float64').toFloat64Array())));
}

for (const arch of ['flan-rnn', 'han-rnn'] as const) {
  test(`${arch}: input-level records equal one edited document at a time through the model`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnlab-eraser-input-'));
    try {
      const src = source(arch, 14);
      runTest(src, { outDir: dir, seed: 5, bootstrapResamples: 20, batchSize: 8, chunkSize: 5, tests: ['eraser_input', 'eraser_attention'], run: { checkpoint: 'x' } });
      const docs = readFileSync(join(dir, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DocumentResult);
      let checked = 0;
      for (const d of docs) {
        const record = d.tests!.eraser_input as EraserRecord | null;
        if (d.n < 2) {
          assert.equal(record, null, `${d.docId}: single item`);
          continue;
        }
        assert.ok(record, `${d.docId}: a record`);
        assert.ok(d.tests!.eraser_attention, 'the attention-layer record beside it');
        const doc = src.documents.find((x) => x.docId === d.docId)!.doc;
        const close = (got: readonly number[], want: Float64Array, what: string): void =>
          got.forEach((v, c) => assert.ok(Math.abs(v - want[c]!) < 1e-5, `${arch} ${d.docId} ${what} class ${c}: ${v} vs ${want[c]}`));
        close(record.p, alone(src, doc, new Set()), 'original');
        for (const name of ['attention', 'gradient', 'leave_one_out', 'optimal'] as const) {
          const r = record.rankings[name]!;
          record.bins.forEach((t, b) => {
            const top = new Set(r.top.slice(0, t));
            const rest = new Set(Array.from({ length: d.n }, (_, i) => i).filter((i) => !top.has(i)));
            close(r.comprehensiveness[b]!, alone(src, doc, top), `${name} comprehensiveness bin ${b}`);
            close(r.sufficiency[b]!, alone(src, doc, rest), `${name} sufficiency bin ${b}`);
            checked++;
          });
        }
        assert.ok(record.rankings.random, 'random: averaged over its orders');
      }
      assert.ok(checked >= 100, `${checked} edits checked`);
      const exported = readFileSync(join(dir, 'eraser', 'input-attention.jsonl'), 'utf8').trim().split('\n');
      assert.equal(exported.length, docs.filter((d) => d.n >= 2).length, 'the input-level export beside the attention-level one');
      assert.ok(readFileSync(join(dir, 'eraser', 'attention-attention.jsonl'), 'utf8').length > 0);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { tests: Record<string, { documents: number; rankings: Record<string, { documents: number }> }> };
      assert.equal(summary.tests.eraser_input!.documents, docs.filter((d) => d.n >= 2).length);
      assert.equal(summary.tests.eraser_input!.rankings.attention!.documents, summary.tests.eraser_input!.documents);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('variant builders: FLAN words across sentences, HAN non-empty sentences, transformer tokens', () => {
  const doc: TokenDoc = { sentences: [Int32Array.of(1, 2), Int32Array.of(), Int32Array.of(3, 4, 5)] };
  assert.deepEqual(removeItems('flan', doc, Uint8Array.of(0, 1, 1, 0, 0))!.sentences.map((s) => Array.from(s)), [[1], [], [4, 5]]);
  assert.deepEqual(removeItems('han', doc, Uint8Array.of(1, 0))!.sentences.map((s) => Array.from(s)), [[3, 4, 5]]);
  assert.equal(removeItems('han', doc, Uint8Array.of(1, 0, 0)), null, 'item count differs: no variant');
  const special = Uint8Array.of(1, 0, 0, 1);
  assert.deepEqual(transformerItemPositions(special, {}), [0, 1, 2, 3]);
  assert.deepEqual(transformerItemPositions(special, { specials: 'out' }), [1, 2]);
  assert.equal(transformerItemPositions(special, { heads: 'each' }), null);
  const cut = removeTokens({ ids: Int32Array.of(101, 7, 8, 102), typeIds: Int32Array.of(0, 0, 1, 1) }, [1, 2], Uint8Array.of(0, 1))!;
  assert.deepEqual([Array.from(cut.ids), Array.from(cut.typeIds!)], [[101, 7, 102], [0, 0, 1]]);
});

test('input-level records do not depend on how the run is cut into chunks (a document\'s variants batch alone)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-eraser-chunks-'));
  try {
    const src = source('flan-rnn', 12);
    const jsonl = [12, 5, 1].map((chunkSize) => {
      const out = join(dir, `c${chunkSize}`);
      runTest(src, { outDir: out, seed: 5, bootstrapResamples: 20, batchSize: 16, chunkSize, tests: ['eraser_input'], run: { checkpoint: 'x' } });
      return readFileSync(join(out, 'documents.jsonl'), 'utf8');
    });
    assert.ok(jsonl[0]!.includes('"eraser_input":{'), 'records present');
    assert.equal(jsonl[1], jsonl[0], 'chunks of 5');
    assert.equal(jsonl[2], jsonl[0], 'chunks of 1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
