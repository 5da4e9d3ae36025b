// The whole battery on transformer documents: the same records, outputs and summary as HAN/FLAN, plus the
// transformer-only rankings; the greedy set is a real flip set and no smaller than the exact minimal one
// (brute force); the first flip along the attention order matches hf-ref's whole-model re-runs; memory is
// flat and the model's weights are left as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { loadTransformer } from '../../src/models/index.ts';
import {
  runTransformerBattery,
  testTransformerDocument,
  transformerRowStates,
  withTransformerContext,
  type TransformerDocument,
} from '../../src/erasure/transformer-row.ts';
import { argmax, documentsCsv, writeOutputs } from '../../src/erasure/index.ts';
import { minimalFlipSetOf } from '../../src/erasure/minimal.ts';
import { expected, FAMILIES, fixtureDir, fixtureDocument } from '../models/hf-fixtures.ts';

function batchDocuments(family: (typeof FAMILIES)[number]): TransformerDocument[] {
  const e = expected(family);
  return e.batch.input_ids.map((row, b) => {
    const n = e.batch.attention_mask[b]!.reduce((s, v) => s + v, 0);
    const special = new Uint8Array(n);
    special[0] = 1;
    special[n - 1] = 1;
    return {
      docId: `batch-${b}`,
      label: b % 3,
      input: { ids: Int32Array.from(row.slice(0, n)), typeIds: Int32Array.from(e.batch.token_type_ids[b]!.slice(0, n)) },
      special,
    };
  });
}

for (const family of FAMILIES) {
  test(`${family}: the first flip along the attention order is where the whole-model re-runs first change the decision`, () => {
    const e = expected(family).document;
    const model = loadTransformer(fixtureDir(family));
    try {
      const [state] = transformerRowStates(model, [fixtureDocument(e)]);
      const r = testTransformerDocument(model, state!, 0, { seed: 1, bootstrapResamples: 10 });
      const k = e.erase_prefix.findIndex((p) => argmax(p) !== e.decided);
      const want = k < 0 ? { status: 'never_flips', erased: null } : { status: k + 1 === e.length ? 'zero_vector' : 'flipped', erased: k + 1 };
      const got = r.multi.attention[0]!;
      assert.deepEqual({ status: got.status, erased: got.erased }, want);
    } finally {
      model.dispose();
    }
  });

  test(`${family}: the greedy set flips the decision and is never smaller than the exact minimal set (brute force)`, () => {
    const model = loadTransformer(fixtureDir(family));
    try {
      let flipping = 0;
      for (const state of transformerRowStates(model, batchDocuments(family))) {
        withTransformerContext(model, state, {}, (doc) => {
          const greedy = minimalFlipSetOf(doc);
          assert.equal(greedy.method, 'greedy_upper_bound');
          const n = doc.n;
          const sets = Array.from({ length: 2 ** n - 1 }, (_, mask) => Uint8Array.from({ length: n }, (_, i) => ((mask + 1) >> i) & 1));
          const rows = doc.backend!.erase(sets);
          let exact = null as number | null;
          sets.forEach((s, k) => {
            const size = s.reduce((a, b) => a + b, 0);
            if (argmax(rows, k * doc.C, doc.C) !== doc.predicted && (exact === null || size < exact)) exact = size;
          });
          if (exact === null) {
            assert.equal(greedy.status, 'never_flips', `${String(state.docId)}: nothing flips`);
            return;
          }
          flipping++;
          assert.notEqual(greedy.size, null, `${String(state.docId)}: a flip exists, greedy must find one`);
          assert.ok(greedy.size! >= exact, `greedy ${greedy.size} < exact ${exact}`);
          const set = new Uint8Array(n);
          for (const i of greedy.order.subarray(0, greedy.size!)) set[i] = 1;
          const after = doc.backend!.erase([set]);
          assert.equal(argmax(after, 0, doc.C), greedy.flipsTo, 'erasing the greedy set gives its flipsTo');
          assert.notEqual(greedy.flipsTo, doc.predicted);
        });
      }
      assert.ok(flipping > 0, 'at least one document can flip, so the bound is really tested');
    } finally {
      model.dispose();
    }
  });
}

test('the battery on transformer documents writes the same outputs as HAN/FLAN, with the extra rankings and the greedy bound labelled', () => {
  const model = loadTransformer(fixtureDir('bert'));
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-transformer-battery-'));
  try {
    const docs = [...batchDocuments('bert'), fixtureDocument(expected('bert').document)];
    const states = transformerRowStates(model, docs);
    const { documents, summary } = runTransformerBattery(model, states, { seed: 3, bootstrapResamples: 20, run: { checkpoint: 'bert' } });
    assert.equal(documents.length, 4);
    for (const d of documents) {
      assert.deepEqual(d.multi.optimal, [], 'no exact minimal set for a transformer');
      for (const name of ['attention_norm', 'rollout', 'greedy'] as const) assert.equal(d.multi[name]?.length, 1, name);
      assert.equal(d.multi.random.length, 5);
      assert.equal(d.minimal.method, 'greedy_upper_bound');
      assert.notEqual(d.single.gradient, null);
      // The greedy ranking's first flip is the greedy set itself.
      assert.equal(d.multi.greedy![0]!.erased, d.minimal.size);
    }
    // The greedy order is a permutation of the items, also on the 40-token document (longer than the pool).
    withTransformerContext(model, states[3]!, {}, (doc) => {
      const order = Array.from(minimalFlipSetOf(doc).order).sort((a, b) => a - b);
      assert.deepEqual(order, Array.from({ length: doc.n }, (_, i) => i));
    });
    assert.equal(summary.minimal.method, 'greedy_upper_bound');
    assert.equal(summary.run.erasureBackend, 'transformer-row');
    assert.ok(summary.multi.greedy && summary.multi.rollout && summary.multi.attention_norm);
    assert.deepEqual(
      summary.comparisons.map((c) => c.first),
      ['gradient', 'gradient_x_attention', 'leave_one_out', 'optimal', 'attention_norm', 'rollout', 'greedy'],
    );
    const header = documentsCsv(documents).split('\n')[0]!.split(',');
    for (const col of ['multi_attention_norm_status', 'multi_rollout_erased', 'multi_greedy_fraction', 'minimal_method']) assert.ok(header.includes(col), col);
    const paths = writeOutputs(dir, documents, summary);
    const lines = readFileSync(paths.jsonl, 'utf8').trim().split('\n');
    assert.equal(lines.length, 4);
    assert.deepEqual(JSON.parse(lines[3]!), JSON.parse(JSON.stringify(documents[3])));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
});

test('no tensor leaks, no gradient lands on the weights, and the weights stay trainable', () => {
  const model = loadTransformer(fixtureDir('distilbert'));
  try {
    const [state] = transformerRowStates(model, [fixtureDocument(expected('distilbert').document)]);
    testTransformerDocument(model, state!, 0, { seed: 1 }); // warm-up: any one-time allocation happens here
    const before = torch.liveTensors();
    for (let i = 0; i < 3; i++) {
      testTransformerDocument(model, state!, i, { seed: 1 });
      testTransformerDocument(model, state!, i, { seed: 1, heads: 'each', specials: 'out' });
    }
    assert.equal(torch.liveTensors(), before, 'liveTensors flat');
    for (const p of model.parameters()) {
      assert.equal(p.requiresGrad, true);
      assert.equal(p.grad, null);
    }
    assert.equal(model.training, false);
  } finally {
    model.dispose();
  }
});
