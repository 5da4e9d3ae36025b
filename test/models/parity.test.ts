// Parity with the independent PyTorch implementation (reference/torch_models.py): for each of the six
// architectures, the same weights and batch give the same logits, final attention, attended vectors, loss
// and gradient of every parameter, to 1e-5. Fixtures: fixtures/make_fixtures.py (committed output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as torch from '../../src/torch/index.ts';
import { buildModel, isArch, type Batch } from '../../src/models/index.ts';

interface T {
  shape: number[];
  data: number[];
}
interface Fixture {
  arch: string;
  vocab: number;
  classes: number;
  emb: number;
  encoderSize: number;
  inputs: Record<string, T>;
  labels: number[];
  params: Record<string, T>;
  logits: T;
  alpha: T;
  h: T;
  loss: number;
  grads: Record<string, T>;
}

const file = new URL('./fixtures/parity.json', import.meta.url);
const { fixtures } = JSON.parse(readFileSync(file, 'utf8')) as { fixtures: Fixture[] };
const TOL = 1e-5;

function ids(t: T): torch.Tensor {
  return torch.tensor(Int32Array.from(t.data), t.shape);
}

/** Largest |a - b|, failing loudly on a shape mismatch. */
function maxDiff(what: string, got: torch.Tensor, want: T): number {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = got.toFloat64Array();
  let m = 0;
  for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i]! - want.data[i]!));
  return m;
}

test('six architectures are covered by the fixtures', () => {
  assert.deepEqual(fixtures.map((f) => f.arch).sort(), ['flan-conv', 'flan-noenc', 'flan-rnn', 'han-conv', 'han-noenc', 'han-rnn']);
});

for (const fx of fixtures) {
  test(`${fx.arch}: logits, attention, loss and every gradient match PyTorch to ${TOL}`, () => {
    assert.ok(isArch(fx.arch));
    torch.scope(() => {
      const model = buildModel({
        arch: fx.arch as never,
        vocab: fx.vocab,
        classes: fx.classes,
        emb: fx.emb,
        encoderSize: fx.encoderSize,
        dropout: { word: 0, sentence: 0, encoder: 0, classifier: 0 },
      });
      try {
        const names = [...model.namedParameters().keys()].sort();
        assert.deepEqual(names, Object.keys(fx.params).sort(), 'parameter names');
        model.loadStateDict(new Map(Object.entries(fx.params).map(([k, v]) => [k, torch.tensor(v.data, v.shape)])));
        const batch: Batch = fx.arch.startsWith('han')
          ? { family: 'han', tokens: ids(fx.inputs.tokens!), sentLengths: ids(fx.inputs.sent_lengths!), sentCounts: ids(fx.inputs.sent_counts!) }
          : { family: 'flan', tokens: ids(fx.inputs.tokens!), lengths: ids(fx.inputs.lengths!) };
        const out = model.forward(batch);
        const loss = torch.crossEntropy(out.logits, torch.tensor(Int32Array.from(fx.labels)));
        loss.backward();
        const diffs: Record<string, number> = {
          logits: maxDiff('logits', out.logits, fx.logits),
          alpha: maxDiff('alpha', out.alpha, fx.alpha),
          h: maxDiff('h', out.h, fx.h),
          loss: Math.abs(loss.item() - fx.loss),
        };
        for (const [name, p] of model.namedParameters()) {
          const g = p.grad;
          assert.ok(g, `${name} has no gradient`);
          diffs[`grad ${name}`] = maxDiff(`grad ${name}`, g, fx.grads[name]!);
        }
        const bad = Object.entries(diffs).filter(([, d]) => !(d <= TOL));
        assert.deepEqual(bad, [], `differences above ${TOL}`);
        // The fixture must be sensitive: gradients are not all zero.
        assert.ok(Object.values(fx.grads).some((g) => g.data.some((v) => Math.abs(v) > 1e-3)));
      } finally {
        model.dispose();
      }
    });
  });
}
