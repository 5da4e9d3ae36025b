// ERASER metrics at the input on transformers (docs/faithfulness.md §6.2): inside a real transformer test run
// (batched over a chunk's variants, mixed lengths, padding), every edit of a deterministic ranking equals the
// edited token ids run alone through the model's forward; with --specials out the special tokens are never
// removed. Tiny Hugging Face fixtures (test/models/fixtures/hf).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EraserRecord } from '../../src/erasure/eraser.ts';
import { softmax } from '../../src/erasure/math.ts';
import { runTransformerTest, type TransformerTestSource } from '../../src/erasure/transformer-test-run.ts';
import type { TransformerDocument } from '../../src/erasure/transformer-row.ts';
import type { DocumentResult } from '../../src/erasure/types.ts';
import { loadTransformer } from '../../src/models/index.ts';
import { transformerBatch } from '../../src/models/transformer-model.ts';
import { noGrad, scope } from '../../src/torch/index.ts';
import { expected, fixtureDir, fixtureDocument, type FixtureFamily } from '../models/hf-fixtures.ts';

function documents(family: FixtureFamily): TransformerDocument[] {
  const e = expected(family);
  const rows = e.batch.input_ids.map((row, b): TransformerDocument => {
    const n = e.batch.attention_mask[b]!.reduce((s, v) => s + v, 0);
    const special = new Uint8Array(n);
    special[0] = 1;
    special[n - 1] = 1;
    return { docId: `batch-${b}`, label: 0, input: { ids: Int32Array.from(row.slice(0, n)), typeIds: Int32Array.from(e.batch.token_type_ids[b]!.slice(0, n)) }, special };
  });
  return [...rows, fixtureDocument(e.document)];
}

for (const [family, specials] of [['bert', 'in'], ['roberta', 'out']] as const) {
  test(`${family} (specials ${specials}): input-level records equal one edited input at a time through the model`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnlab-eraser-hf-'));
    const model = loadTransformer(fixtureDir(family));
    try {
      const docs = documents(family);
      const source: TransformerTestSource = { info: { dataset: 'toy', architecture: family, encoder: 'transformer', folder: fixtureDir(family) }, classes: model.config.labels, model, documents: docs, tokenization: 'fixture' };
      runTransformerTest(source, { outDir: dir, seed: 3, bootstrapResamples: 10, batchSize: 3, specials, tests: ['eraser_input'], run: { checkpoint: family } });
      const results = readFileSync(join(dir, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DocumentResult);
      model.eval();
      const alone = (d: TransformerDocument, positions: number[], removed: Set<number>): Float64Array => {
        const drop = new Set(Array.from(removed, (i) => positions[i]!));
        const keep = (_: number, t: number): boolean => !drop.has(t);
        const input = { ids: d.input.ids.filter(keep), typeIds: d.input.typeIds!.filter(keep) };
        return softmax(noGrad(() => scope(() => model.forward(transformerBatch([input], model.config.padTokenId)).logits.to('float64').toFloat64Array())));
      };
      let checked = 0;
      for (const r of results) {
        const d = docs.find((x) => x.docId === r.docId)!;
        const positions = Array.from(d.special, (_, t) => t).filter((t) => specials === 'in' || !d.special[t]);
        assert.equal(r.n, positions.length, 'items are the erasable tokens');
        const record = r.tests!.eraser_input as EraserRecord | null;
        if (r.n < 2) {
          assert.equal(record, null, 'a single item: not applicable');
          continue;
        }
        assert.ok(record, `${String(r.docId)}: a record`);
        const close = (got: readonly number[], want: Float64Array, what: string): void =>
          got.forEach((v, c) => assert.ok(Math.abs(v - want[c]!) < 1e-5, `${family} ${String(r.docId)} ${what} class ${c}: ${v} vs ${want[c]}`));
        close(record.p, alone(d, positions, new Set()), 'original');
        for (const name of ['attention', 'gradient', 'leave_one_out'] as const) {
          const scores = record.rankings[name]!;
          record.bins.forEach((t, b) => {
            const top = new Set(scores.top.slice(0, t));
            const rest = new Set(Array.from({ length: r.n }, (_, i) => i).filter((i) => !top.has(i)));
            close(scores.comprehensiveness[b]!, alone(d, positions, top), `${name} comprehensiveness bin ${b}`);
            close(scores.sufficiency[b]!, alone(d, positions, rest), `${name} sufficiency bin ${b}`);
            checked++;
          });
        }
      }
      assert.ok(checked >= 30, `${checked} edits checked`);
    } finally {
      model.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
