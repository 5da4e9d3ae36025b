// Our BERT, DistilBERT and RoBERTa against an independent PyTorch implementation (reference/hf_models.py,
// fixtures by test/models/fixtures/make_hf_fixtures.py) on the same Hugging Face folders: logits, the hidden
// states entering the last layer, the last layer's attention row of position 0 and dp_m/dalpha, to 1e-5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { loadTransformer } from '../../src/models/index.ts';
import { batchOf, expected, FAMILIES, fixtureDir, maxAbsDiff } from './hf-fixtures.ts';

const TOL = 1e-5;

for (const family of FAMILIES) {
  test(`${family}: logits, last-layer input and query-row attention match the PyTorch reference`, () => {
    const e = expected(family);
    const model = loadTransformer(fixtureDir(family));
    try {
      torch.scope(() =>
        torch.noGrad(() => {
          const batch = batchOf(e.batch);
          const out = model.forward(batch);
          assert.ok(maxAbsDiff(out.logits.toFloat64Array(), e.logits.flat()) < TOL, 'logits');
          // Padding positions of hidden_last_input are not compared: no real position reads them.
          const { hidden, mask } = model.encodeToLastLayer(batch);
          const m = mask.unsqueeze(-1).to('float32'); // (B, T, 1)
          const want = torch.tensor(e.hidden_last_input.flat(2), hidden.shape).mul(m);
          assert.ok(maxAbsDiff(hidden.mul(m).toFloat64Array(), want.toFloat64Array()) < TOL, 'hidden entering the last layer');
          assert.ok(maxAbsDiff(out.probs.toFloat64Array(), e.last_attention_row0.flat(2)) < TOL, 'attention row of position 0');
        }),
      );
    } finally {
      model.dispose();
    }
  });

  test(`${family}: dp_m/dalpha through the row path matches the PyTorch reference`, () => {
    const e = expected(family);
    const model = loadTransformer(fixtureDir(family));
    try {
      torch.scope(() => {
        const batch = batchOf(e.batch);
        const { hidden, mask } = torch.noGrad(() => model.encodeToLastLayer(batch));
        const rows = torch.noGrad(() => model.lastLayerRowInputs(hidden, mask));
        const alpha = rows.probs.detach().requiresGrad_(true); // (B, H, T)
        const p = model.rowToLogits(alpha, rows.values, rows.residual).softmax(-1); // (B, C)
        const decided = torch.tensor(Int32Array.from(e.decided), [e.decided.length, 1]);
        p.gather(1, decided).sum().backward(); // documents are independent: one backward for all
        const g = alpha.grad!.mul(mask.unsqueeze(1).to('float32')); // (B, H, T), 0 at padding
        assert.ok(maxAbsDiff(g.toFloat64Array(), e.grad_alpha.flat(2)) < TOL, 'dp_m/dalpha');
      });
    } finally {
      model.dispose();
    }
  });
}

test('gelu is the exact erf form, not the tanh approximation', () => {
  torch.scope(() => {
    const y = torch.tensor([1, -0.5], [2]).gelu().toFloat64Array();
    assert.ok(Math.abs(y[0]! - 0.8413447460685429) < 1e-6); // 1 * Phi(1); tanh form gives 0.84119...
    assert.ok(Math.abs(y[1]! - -0.15426876936299344) < 1e-6);
  });
});
