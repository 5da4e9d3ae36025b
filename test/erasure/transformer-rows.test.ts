// Arbitrary attention rows on the transformer backend (backend.ts RowEvaluator) and the two Jain & Wallace
// tests that use them (docs/faithfulness.md §4.2, §4.3), against hf-ref's PyTorch fixtures whose outputs come
// from re-running the WHOLE reference model with the last layer's query row replaced by a hook
// (test/models/fixtures/make_hf_row_fixtures.py): random, sparse, one-hot and specials-kept rows,
// permutations of every position or of the words only, and the adversary's own answers, to 1e-5; those
// answers keep the whole model's output within epsilon. The TVD gradient against central finite
// differences, the JS gradient likewise, the adversary's answers feasible when evaluated again and no worse
// than many random feasible points, and both tests' records on every transformer document, chunk-invariant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as torch from '../../src/torch/index.ts';
import { loadTransformer, type TransformerClassifier } from '../../src/models/index.ts';
import {
  runTransformerBattery,
  transformerRowStates,
  withTransformerContext,
  type TransformerDocument,
  type TransformerErasureOptions,
  type TransformerRowState,
} from '../../src/erasure/transformer-row.ts';
import { jsDivergence, softmax, type DocumentContext } from '../../src/erasure/index.ts';
import type { RowEvaluator } from '../../src/erasure/backend.ts';
import { permutedRows, totalVariation } from '../../src/erasure/tests/permutation.ts';
import { EPSILON } from '../../src/erasure/tests/adversarial-attention.ts';
import { adversarialAttentionOfRows, ItemWeights, TRANSFORMER_ADVERSARIAL_OPTIONS } from '../../src/erasure/tests/adversarial-transformer.ts';
import { Rng } from '../../src/util/rng.ts';
import { expected, FAMILIES, fixtureDir, fixtureDocument, maxAbsDiff, type FixtureFamily } from '../models/hf-fixtures.ts';

const TOL = 1e-5;

interface RowFixtures {
  rows: number[][][];
  rows_probs: number[][];
  permutations_all: number[][];
  permutations_all_probs: number[][];
  permutations_words: number[][];
  permutations_words_probs: number[][];
  adversarial_rows: number[][][];
  adversarial_probs: number[][];
  probs: number[];
}

function rowFixtures(family: FixtureFamily): RowFixtures {
  return JSON.parse(readFileSync(`${fixtureDir(family)}/rows.json`, 'utf8')) as RowFixtures;
}

function withDocument<R>(family: FixtureFamily, opts: TransformerErasureOptions, fn: (doc: DocumentContext, rows: RowEvaluator, model: TransformerClassifier) => R): R {
  const model = loadTransformer(fixtureDir(family));
  try {
    const [state] = transformerRowStates(model, [fixtureDocument(expected(family).document)]);
    return withTransformerContext(model, state!, opts, (doc) => fn(doc, doc.backend!.rows!, model));
  } finally {
    model.dispose();
  }
}

function probsOf(doc: DocumentContext, logits: Float64Array): number[] {
  const K = logits.length / doc.C;
  return Array.from({ length: K }, (_, k) => Array.from(softmax(logits.subarray(k * doc.C, (k + 1) * doc.C)))).flat();
}

/** Full (H, T) fixture rows -> the evaluator's K × H × P weights at its item positions. */
function itemRows(rows: RowEvaluator, full: number[][][]): Float64Array {
  const H = rows.heads;
  const P = rows.positions.length;
  const out = new Float64Array(full.length * H * P);
  full.forEach((r, k) => {
    for (let h = 0; h < H; h++) rows.positions.forEach((t, j) => (out[(k * H + h) * P + j] = r[h]![t]!));
  });
  return out;
}

for (const family of FAMILIES) {
  test(`${family}: arbitrary rows through the backend equal re-running the whole PyTorch model with the row replaced`, () => {
    const f = rowFixtures(family);
    withDocument(family, {}, (doc, rows) => {
      assert.equal(rows.positions.length, 40);
      assert.ok(rows.fixedMass.every((m) => m === 0), 'specials in: nothing is fixed');
      const got = probsOf(doc, rows.logits(itemRows(rows, f.rows), f.rows.length));
      assert.ok(maxAbsDiff(got, f.rows_probs.flat()) < TOL, `rows: ${maxAbsDiff(got, f.rows_probs.flat())}`);
      // Permutations of every position, built by the permutation test's own function.
      const perms = permutedRows(rows, f.permutations_all);
      const pa = probsOf(doc, rows.logits(perms, f.permutations_all.length));
      assert.ok(maxAbsDiff(pa, f.permutations_all_probs.flat()) < TOL, 'permutations of every position');
    });
    withDocument(family, { specials: 'out' }, (doc, rows) => {
      assert.deepEqual(Array.from(rows.positions), Array.from({ length: 38 }, (_, i) => i + 1));
      const e = expected(family).document;
      for (let h = 0; h < rows.heads; h++) {
        const m = e.attention_row0[h]![0]! + e.attention_row0[h]![39]!;
        assert.ok(Math.abs(rows.fixedMass[h]! - m) < 1e-6, `head ${h}: the specials' mass is fixed`);
      }
      // Rows 8 and 9 keep the specials' own weights: the evaluator fills them in.
      const kept = f.rows.slice(8, 10);
      const got = probsOf(doc, rows.logits(itemRows(rows, kept), 2));
      assert.ok(maxAbsDiff(got, f.rows_probs.slice(8, 10).flat()) < TOL, 'specials kept');
      const perms = permutedRows(rows, f.permutations_words);
      const pw = probsOf(doc, rows.logits(perms, f.permutations_words.length));
      assert.ok(maxAbsDiff(pw, f.permutations_words_probs.flat()) < TOL, 'permutations of the words');
    });
    withDocument(family, { heads: 'each' }, (doc, rows) => {
      assert.equal(doc.n, rows.heads * 40);
      const got = probsOf(doc, rows.logits(itemRows(rows, f.rows), f.rows.length));
      assert.ok(maxAbsDiff(got, f.rows_probs.flat()) < TOL, 'heads each: the same rows');
    });
  });
}

for (const family of FAMILIES) {
  test(`${family}: the adversary's answers keep the WHOLE PyTorch model's output within epsilon (specials in and out)`, () => {
    const f = rowFixtures(family);
    // The answers were found by make_adversarial_rows.ts and re-run whole by the reference (float64).
    f.adversarial_probs.forEach((q, k) => {
      const tvd = totalVariation(f.probs, q);
      assert.ok(tvd <= EPSILON, `answer ${k}: whole-model TVD ${tvd} > ${EPSILON}`);
    });
    assert.ok(f.adversarial_probs.some((q) => totalVariation(f.probs, q) > 0.9 * EPSILON), 'an answer on the constraint');
    (['in', 'out'] as const).forEach((specials, k) =>
      withDocument(family, { specials }, (doc, rows) => {
        const got = probsOf(doc, rows.logits(itemRows(rows, [f.adversarial_rows[k]!]), 1));
        assert.ok(maxAbsDiff(got, f.adversarial_probs[k]!) < TOL, `specials ${specials}: the backend agrees with the whole model`);
        assert.ok(maxAbsDiff(doc.p, f.probs) < TOL);
      }),
    );
  });
}

test('the evaluator refuses rows of the wrong size, in one line', () => {
  withDocument('bert', {}, (_doc, rows) => {
    assert.throws(() => rows.logits(new Float64Array(7), 1), /expected K × H × P = 1 × 4 × 40 weights, got 7/);
  });
});

for (const family of ['bert', 'roberta'] as const) {
  test(`${family}: the TVD gradient of arbitrary rows matches central finite differences (float32 model)`, () => {
    const f = rowFixtures(family);
    withDocument(family, {}, (doc, rows) => {
      const W = rows.heads * rows.positions.length;
      // Rows 0-3: random rows, far from the model's own (TVD well above 0, so |q − p| has no kink nearby).
      const X = itemRows(rows, f.rows.slice(0, 4));
      const { tvd, gradient, logits } = rows.tvdWithGradient(X, 4);
      for (let k = 0; k < 4; k++) {
        assert.ok(Math.abs(tvd[k]! - totalVariation(doc.p, softmax(logits.subarray(k * doc.C, (k + 1) * doc.C)))) < 1e-12);
        assert.ok(tvd[k]! > 0.02, `row ${k}: TVD ${tvd[k]} away from the kink`);
      }
      const rng = new Rng(11);
      const h = 1e-3;
      let worst = 0;
      let scale = 0;
      for (let k = 0; k < 4; k++) {
        // Directions: 6 random ones and 6 coordinates (central differences of the float32 model's TVD).
        const dirs: Float64Array[] = [];
        for (let r = 0; r < 6; r++) dirs.push(Float64Array.from({ length: W }, () => rng.normal() / Math.sqrt(W)));
        for (let r = 0; r < 6; r++) {
          const v = new Float64Array(W);
          v[rng.int(W)] = 1;
          dirs.push(v);
        }
        const K = dirs.length;
        const plus = new Float64Array(2 * K * W);
        dirs.forEach((v, r) => {
          for (let i = 0; i < W; i++) {
            plus[r * W + i] = X[k * W + i]! + h * v[i]!;
            plus[(K + r) * W + i] = X[k * W + i]! - h * v[i]!;
          }
        });
        const lg = rows.logits(plus, 2 * K);
        dirs.forEach((v, r) => {
          const tp = totalVariation(doc.p, softmax(lg.subarray(r * doc.C, (r + 1) * doc.C)));
          const tm = totalVariation(doc.p, softmax(lg.subarray((K + r) * doc.C, (K + r + 1) * doc.C)));
          const fd = (tp - tm) / (2 * h);
          let an = 0;
          for (let i = 0; i < W; i++) an += gradient[k * W + i]! * v[i]!;
          worst = Math.max(worst, Math.abs(fd - an));
          scale = Math.max(scale, Math.abs(an));
        });
      }
      // float32 logits: about 1e-7 of noise in each TVD, divided by 2h.
      console.log(`${family}: TVD gradient vs central differences: worst |fd − grad · v| ${worst.toExponential(2)}, largest |grad · v| ${scale.toFixed(4)}`);
      assert.ok(worst < 2e-4 + 1e-3 * scale, `worst |fd − grad · v| = ${worst} (largest |grad · v| ${scale})`);
      assert.ok(scale > 1e-3, 'the gradient is not trivially zero');
    });
  });
}

test('the JS gradient of the item weights matches central finite differences, for --heads all and each', () => {
  for (const heads of ['all', 'each'] as const)
    withDocument('bert', { heads, specials: 'out' }, (doc, rows) => {
      const items = new ItemWeights(doc, rows);
      assert.ok(Math.abs(items.own.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'the own item weights are a distribution');
      const W = rows.heads * rows.positions.length;
      const rng = new Rng(3);
      // A row off the model's own, every weight well above 0, each head keeping its movable mass.
      const P = rows.positions.length;
      const X = new Float64Array(W);
      for (let i = 0; i < W; i++) X[i] = (rows.weights[i]! + 1 / P) * Math.exp(0.5 * rng.normal());
      for (let h = 0; h < rows.heads; h++) {
        let sum = 0;
        for (let j = 0; j < P; j++) sum += X[h * P + j]!;
        for (let j = 0; j < P; j++) X[h * P + j] = (X[h * P + j]! / sum) * (1 - rows.fixedMass[h]!);
      }
      const g = new Float64Array(W);
      items.jsGradient(X, 0, g);
      for (let r = 0; r < 20; r++) {
        const i = rng.int(W);
        const h = 1e-3 * X[i]!; // relative: ½ log(u'/m) curves on the scale of the weight itself
        const up = Float64Array.from(X);
        const dn = Float64Array.from(X);
        up[i]! += h;
        dn[i]! -= h;
        const fd = (items.js(up, 0) - items.js(dn, 0)) / (2 * h);
        assert.ok(Math.abs(fd - g[i]!) < 1e-5 * Math.abs(fd) + 1e-9, `${heads}: weight ${i}: fd ${fd} vs ${g[i]}`);
      }
    });
});

/** The best JS among random feasible points: random rows, and random targets pulled back by plain bisection. */
function bestRandomFeasible(doc: DocumentContext, rows: RowEvaluator, rng: Rng, count: number): number {
  const items = new ItemWeights(doc, rows);
  const H = rows.heads;
  const P = rows.positions.length;
  const W = H * P;
  const targets = new Float64Array(count * W);
  for (let k = 0; k < count; k++)
    for (let h = 0; h < H; h++) {
      const spread = [0.3, 1, 3, 10][k % 4]!;
      const e = Array.from({ length: P }, () => Math.exp(spread * rng.normal()));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < P; j++) targets[k * W + h * P + j] = (e[j]! / sum) * (1 - rows.fixedMass[h]!);
    }
  const tvdAll = (X: Float64Array, K: number): number[] => {
    const lg = rows.logits(X, K);
    return Array.from({ length: K }, (_, k) => totalVariation(doc.p, softmax(lg.subarray(k * doc.C, (k + 1) * doc.C))));
  };
  let best = 0;
  const at = (t: number[]): Float64Array => {
    const X = new Float64Array(count * W);
    for (let k = 0; k < count; k++) for (let i = 0; i < W; i++) X[k * W + i] = rows.weights[i]! + t[k]! * (targets[k * W + i]! - rows.weights[i]!);
    return X;
  };
  const lo = new Array<number>(count).fill(0);
  const hi = new Array<number>(count).fill(1);
  tvdAll(targets, count).forEach((v, k) => {
    if (v <= EPSILON) best = Math.max(best, items.js(targets, k));
  });
  for (let it = 0; it < 30; it++) {
    const mid = lo.map((l, k) => 0.5 * (l + hi[k]!));
    const X = at(mid);
    tvdAll(X, count).forEach((v, k) => {
      if (v <= EPSILON) {
        lo[k] = mid[k]!;
        best = Math.max(best, items.js(X, k));
      } else hi[k] = mid[k]!;
    });
  }
  return best;
}

for (const family of ['bert', 'roberta'] as const) {
  test(`${family}: every adversarial answer is feasible evaluated again and at least as far as random feasible points`, () => {
    const model = loadTransformer(fixtureDir(family));
    try {
      const e = expected(family);
      const docs: TransformerDocument[] = [fixtureDocument(e.document), ...batchDocuments(family)];
      const states = transformerRowStates(model, docs);
      let binding = 0;
      states.forEach((state: TransformerRowState, s) => {
        for (const opts of [{}, { specials: 'out' as const }, { heads: 'each' as const }])
          withTransformerContext(model, state, opts, (doc) => {
            const rows = doc.backend!.rows!;
            if (rows.positions.length < 2) return;
            const r = adversarialAttentionOfRows(doc, rows, new Rng(100 + s));
            // Evaluated again, alone and in a batch with other rows: the TVD holds in both.
            const alone = totalVariation(doc.p, softmax(rows.logits(r.rows, 1)));
            assert.ok(alone <= EPSILON, `document ${s} ${JSON.stringify(opts)}: TVD ${alone} > ${EPSILON}`);
            const batch = new Float64Array(3 * r.rows.length);
            batch.set(rows.weights, 0);
            batch.set(r.rows, r.rows.length);
            batch.set(rows.weights, 2 * r.rows.length);
            const lg = rows.logits(batch, 3);
            assert.ok(totalVariation(doc.p, softmax(lg.subarray(doc.C, 2 * doc.C))) <= EPSILON, 'feasible in a batch too');
            assert.ok(r.constraintMet && Math.abs(r.tvd - alone) < 1e-6);
            // Every head stays a distribution (the fixed specials' weight included).
            for (let h = 0; h < rows.heads; h++) {
              const P = rows.positions.length;
              let sum = rows.fixedMass[h]!;
              for (let j = 0; j < P; j++) {
                assert.ok(r.rows[h * P + j]! >= 0);
                sum += r.rows[h * P + j]!;
              }
              assert.ok(Math.abs(sum - 1) < 1e-6, `head ${h} sums to ${sum}`);
            }
            const items = new ItemWeights(doc, rows);
            assert.ok(Math.abs(r.js - jsDivergence(items.of(r.rows, 0), items.own)) < 1e-12, 'the recorded JS is the answer’s');
            const random = bestRandomFeasible(doc, rows, new Rng(900 + s), 64);
            assert.ok(r.js >= random - 1e-9, `document ${s} ${JSON.stringify(opts)}: JS ${r.js} < random feasible ${random}`);
            if (alone > 0.9 * EPSILON) binding++;
          });
      });
      assert.ok(binding > 0, 'some answers sit on the constraint');
    } finally {
      model.dispose();
    }
  });
}

function batchDocuments(family: FixtureFamily): TransformerDocument[] {
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

test('permutation and adversarial attention record on every transformer document, the same whatever the chunks', () => {
  assert.equal(TRANSFORMER_ADVERSARIAL_OPTIONS.epsilon, EPSILON);
  const model = loadTransformer(fixtureDir('roberta'));
  try {
    const e = expected('roberta');
    const states = transformerRowStates(model, [fixtureDocument(e.document), ...batchDocuments('roberta')]);
    const options = { seed: 9, bootstrapResamples: 10, tests: ['permutation', 'adversarial_attention'] as ('permutation' | 'adversarial_attention')[] };
    const whole = runTransformerBattery(model, states, options);
    for (const d of whole.documents) {
      assert.ok(d.tests?.permutation, `document ${d.index}: permutation`);
      assert.ok(d.tests?.adversarial_attention, `document ${d.index}: adversarial`);
      assert.ok(d.tests.adversarial_attention.constraintMet && d.tests.adversarial_attention.tvd <= EPSILON);
      assert.ok(d.tests.permutation.medianTvd >= 0 && d.tests.permutation.medianTvd <= 1);
    }
    const cut = [
      ...runTransformerBattery(model, states.slice(0, 2), options).documents,
      ...runTransformerBattery(model, states.slice(2), { ...options, firstIndex: 2 }).documents,
    ];
    assert.deepEqual(cut.map((d) => d.tests), whole.documents.map((d) => d.tests), 'chunk-invariant');
    const perm = whole.summary.tests?.permutation;
    const adv = whole.summary.tests?.adversarial_attention;
    assert.equal(perm?.documents, states.length);
    assert.equal(perm?.notApplicable, 0);
    assert.equal(adv?.documents, states.length);
    assert.equal(adv?.constraintMet.count, states.length);
    // No tensor outlives a document: running both tests again leaves the count where it was.
    const before = torch.liveTensors();
    runTransformerBattery(model, states.slice(0, 2), options);
    assert.equal(torch.liveTensors(), before, 'liveTensors flat');
  } finally {
    model.dispose();
  }
});
