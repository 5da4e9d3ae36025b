// The report reads what the erasure battery really writes: documents from runDocument on random
// final-layer states go through the report model and every figure renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDocument } from '../../src/erasure/battery.ts';
import type { ClassifierHead, FinalLayerState } from '../../src/erasure/types.ts';
import { RANKING_NAMES } from '../../src/erasure/types.ts';
import { buildFigures } from '../../src/report/figures.ts';
import { renderSvg } from '../../src/report/render.ts';
import { buildReportModel } from '../../src/report/report-model.ts';
import type { RunInput } from '../../src/report/run-input.ts';
import { Rng } from '../../src/util/rng.ts';

function randomRun(seed: number, docs: number): RunInput {
  const rng = new Rng(seed);
  const d = 4;
  const C = 3;
  const head: ClassifierHead = {
    W: Float64Array.from({ length: C * d }, () => rng.normal()),
    b: Float64Array.from({ length: C }, () => 0.3 * rng.normal()),
    classes: ['a', 'b', 'c'],
    d,
    C,
  };
  const documents = Array.from({ length: docs }, (_, index) => {
    const n = 1 + rng.int(12);
    const raw = Array.from({ length: n }, () => Math.exp(2 * rng.normal()));
    const total = raw.reduce((x, y) => x + y, 0);
    const alpha = Float64Array.from(raw, (x) => x / total);
    const h = Float32Array.from({ length: n * d }, () => rng.normal());
    const logits = new Float64Array(C);
    for (let k = 0; k < C; k++) {
      let s = head.b[k]!;
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) s += head.W[k * d + j]! * alpha[i]! * h[i * d + j]!;
      logits[k] = s;
    }
    const state: FinalLayerState = { docId: index, label: rng.int(C), alpha, h, logits };
    return runDocument(state, head, index, { seed: 5 });
  });
  return { folder: 'mem', model: { dataset: 'random', architecture: 'flan', encoder: 'conv', testAccuracy: null }, documents, examples: [] };
}

test('battery output goes through the report model and every figure renders', async () => {
  const run = randomRun(42, 60);
  const m = buildReportModel([run], { resamples: 100, seed: 1 });
  const multiItem = run.documents.filter((d) => d.n >= 2).length;
  assert.equal(m.runs[0]!.documentsMultiItem, multiItem);
  for (const c of m.flips) assert.equal(c.total, multiItem);
  for (const r of RANKING_NAMES) assert.ok(m.boxes.some((b) => b.ranking === r && b.measure === 'fraction'), r);
  // The exact minimum is never beaten: no ranking has a negative extra over it.
  for (const b of m.boxes.filter((x) => x.measure === 'extraFraction')) assert.ok(b.whiskerLo >= 0, b.ranking);
  // F3 twice: with and without zero-vector flips.
  assert.deepEqual(
    m.findings.map((f) => `${f.id}${f.view ? ` ${f.view}` : ''}`),
    ['F1', 'F2', 'F3 with', 'F3 without'],
  );
  for (const fig of buildFigures(m)) assert.match(await renderSvg(fig.spec), /^<svg /, fig.id);
});
