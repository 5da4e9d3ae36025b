// The transformer erasure backend against hf-ref's PyTorch fixtures, whose erased outputs come from
// re-running the WHOLE reference model with the last layer's query row replaced by a hook: the one-row fast
// path must give the same probabilities on every erasure of a 40-token document (single items, every
// prefix of the attention order with and without the special tokens, every item in every head alone),
// and the same dp_m/dalpha.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTransformer, type TransformerClassifier } from '../../src/models/index.ts';
import {
  transformerRowStates,
  withTransformerContext,
  type TransformerErasureOptions,
  type TransformerRowState,
} from '../../src/erasure/transformer-row.ts';
import { orderByScoreDescending } from '../../src/erasure/rankings/order.ts';
import { softmax, type DocumentContext } from '../../src/erasure/index.ts';
import { expected, FAMILIES, fixtureDir, fixtureDocument, maxAbsDiff } from '../models/hf-fixtures.ts';

const TOL = 1e-5;

/** Probabilities (K × C) after erasing each item set through the backend. */
function erasedProbs(doc: DocumentContext, sets: Uint8Array[]): number[] {
  const rows = doc.backend!.erase(sets);
  const C = doc.C;
  return sets.flatMap((_, k) => Array.from(softmax(rows.subarray(k * C, (k + 1) * C))));
}

function prefixSets(n: number, order: readonly number[], itemOf: (position: number) => number): Uint8Array[] {
  const s = new Uint8Array(n);
  return order.map((position) => {
    s[itemOf(position)] = 1;
    return s.slice();
  });
}

function withDoc<R>(model: TransformerClassifier, state: TransformerRowState, opts: TransformerErasureOptions, fn: (doc: DocumentContext) => R): R {
  return withTransformerContext(model, state, opts, fn);
}

for (const family of FAMILIES) {
  test(`${family}: the one-row erasure equals re-running the whole PyTorch model with the row modified, on every erasure of a 40-token document`, () => {
    const e = expected(family).document;
    assert.equal(e.length, 40);
    const model = loadTransformer(fixtureDir(family));
    try {
      const [state] = transformerRowStates(model, [fixtureDocument(e)]);
      const T = e.length;
      const H = e.attention_row0.length;
      withDoc(model, state!, {}, (doc) => {
        assert.equal(doc.n, T);
        assert.ok(maxAbsDiff(doc.p, e.probs) < TOL, 'unmodified probabilities');
        assert.equal(doc.predicted, e.decided);
        const alphaMean = e.attention_row0[0]!.map((_, t) => e.attention_row0.reduce((s, row) => s + row[t]!, 0) / H);
        assert.ok(maxAbsDiff(doc.alpha, alphaMean) < TOL, 'alpha = mean over heads of the query row');
        assert.deepEqual(Array.from(orderByScoreDescending(doc.alpha)), e.ranking, 'the attention order');
        // Every single erasure, through the battery's own leave-one-out.
        const loo = doc.backend!.leaveOneOut().logits;
        const looProbs = Array.from({ length: T }, (_, i) => Array.from(softmax(loo.subarray(i * doc.C, (i + 1) * doc.C)))).flat();
        assert.ok(maxAbsDiff(looProbs, e.erase_one.flat()) < TOL, 'erase_one');
        // Every prefix of the attention order, the last one erasing everything (the zero vector).
        assert.ok(maxAbsDiff(erasedProbs(doc, prefixSets(T, e.ranking, (t) => t)), e.erase_prefix.flat()) < TOL, 'erase_prefix');
        // dp_m/dalpha summed over heads, per position.
        const gSum = e.grad_alpha[0]!.map((_, t) => e.grad_alpha.reduce((s, row) => s + row[t]!, 0));
        assert.ok(maxAbsDiff(doc.backend!.gradient(), gSum) < TOL, 'sum_h dp_m/dalpha_hi');
        const gxa = gSum.map((_, t) => e.grad_alpha.reduce((s, row, h) => s + row[t]! * e.attention_row0[h]![t]!, 0));
        assert.ok(maxAbsDiff(doc.backend!.gradientTimesAttention(), gxa) < TOL, 'sum_h alpha_hi dp_m/dalpha_hi');
      });
      withDoc(model, state!, { specials: 'out' }, (doc) => {
        const words = Array.from({ length: T }, (_, t) => t).filter((t) => !e.special.includes(t));
        assert.equal(doc.n, words.length);
        const sets = prefixSets(doc.n, e.ranking_no_special, (t) => words.indexOf(t));
        assert.ok(maxAbsDiff(erasedProbs(doc, sets), e.erase_prefix_no_special.flat()) < TOL, 'erase_prefix_no_special');
      });
      withDoc(model, state!, { heads: 'each' }, (doc) => {
        assert.equal(doc.n, H * T);
        const loo = doc.backend!.leaveOneOut().logits;
        const probs = Array.from({ length: H * T }, (_, j) => Array.from(softmax(loo.subarray(j * doc.C, (j + 1) * doc.C)))).flat();
        assert.ok(maxAbsDiff(probs, e.erase_one_per_head.flat(2)) < TOL, 'erase_one_per_head');
        assert.ok(maxAbsDiff(doc.backend!.gradient(), e.grad_alpha.flat()) < TOL, 'dp_m/dalpha_hi per head');
      });
    } finally {
      model.dispose();
    }
  });
}

test('attention norms are ||sum_h alpha_hi W_O^h v_hi|| computed by hand; rollout rows sum to 1', () => {
  const model = loadTransformer(fixtureDir('bert'));
  try {
    const [state] = transformerRowStates(model, [fixtureDocument(expected('bert').document)]);
    const s = state!;
    const d = s.residual.length;
    const dh = s.values.length / (s.H * s.T);
    const W = model.lastLayerOutputWeight().toFloat64Array(); // (d, H*dh)
    for (const t of [0, 7, 39]) {
      const f = new Float64Array(d);
      for (let h = 0; h < s.H; h++) {
        for (let o = 0; o < d; o++) {
          let dot = 0;
          for (let c = 0; c < dh; c++) dot += W[o * s.H * dh + h * dh + c]! * s.values[(h * s.T + t) * dh + c]!;
          f[o] = f[o]! + s.probs[h * s.T + t]! * dot;
        }
      }
      const norm = Math.hypot(...f);
      assert.ok(Math.abs(norm - s.norms[t]!) < 1e-5 * Math.max(1, norm), `norm at ${t}`);
    }
    for (let h = 0; h < s.H; h++) {
      const total = s.rolloutPerHead.subarray(h * s.T, (h + 1) * s.T).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 1) < 1e-5, `rollout of head ${h} sums to ${total}`);
    }
  } finally {
    model.dispose();
  }
});
