// npm run bench:transformer — two measurements on a trained bert-small (2 layers, 128-d, 4 heads), run side
// by side in one process with the same threads:
//
// 1. The erasure battery (every ranking's first flip, leave-one-out, gradients, the greedy set; attnlab's
//    transformer row backend, src/erasure/transformer-row.ts) over BENCH_DOCS test documents of
//    brown-genre5, against the obvious way: re-run the WHOLE model (embeddings, every layer) once per
//    erasure set, as Captum's FeatureAblation does (one forward per perturbation). The obvious way gets the
//    very erasure sets the battery evaluates: a counting pass records how many rows the battery sends
//    through the model, then BENCH_BASELINE_SETS of those rows (a uniform sample, with their documents) are
//    re-run through the whole model and timed; the obvious way's time is rows x mean time per re-run
//    (extrapolated from the sample, and said so). Each re-run's logits are checked against the fast path's.
//    The re-run computes the last layer for position 0 only (what the classifier reads), which favours the
//    obvious way: a hooked re-run of a stock implementation computes all T positions there.
// 2. The model's forward pass against PyTorch (bench/transformer_reference.py, reference/hf_models.py,
//    /usr/bin/python3) on the same folder and the same padded batch of 32 documents: best of BENCH_REPS.
//    attnlab twice: its forward as the erasure tests run it (last layer for position 0 only) and a full
//    forward (every position of every layer, as PyTorch computes it), the like-for-like ratio.
//
// The model: BENCH_MODEL (a Hugging Face folder), else runs/reproduce/brown-genre5/bert-small (what
// `npm start` trains), else a bert-small trained here for 1 epoch on 600 documents (said in the output).
//   BENCH_DOCS (200), BENCH_BASELINE_SETS (300), BENCH_REPS (10); threads: ATTNLAB_NUM_THREADS or all cores.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/torch/index.ts';
import type { Tensor } from '../src/torch/index.ts';
import { loadTransformer } from '../src/models/transformer-load.ts';
import { absolutePositions, BertForSequenceClassification } from '../src/models/bert.ts';
import { transformerBatch, type TransformerBatch, type TransformerClassifier } from '../src/models/transformer-model.ts';
import { testTransformerDocument, transformerRowStates, type TransformerDocument } from '../src/erasure/transformer-row.ts';
import { loadTrainingData } from '../src/train/dataset.ts';
import { makeProgress } from '../src/train/index.ts';
import { documentInput, trainTransformer, transformerPreset } from '../src/train/transformer-train.ts';
import { Rng } from '../src/util/rng.ts';

const DOCS = Number(process.env.BENCH_DOCS ?? 200);
const SETS = Number(process.env.BENCH_BASELINE_SETS ?? 300);
const REPS = Number(process.env.BENCH_REPS ?? 10);
const THREADS = torch.getNumThreads();
const SEED = 1;

const data = await loadTrainingData('brown-genre5', { vectors: 'word2vec', log: (l) => console.error(l) });
const { dir: modelDir, note, cleanup } = findModel();
const model = loadTransformer(modelDir);
console.log(`bench:transformer — ${note}; ${THREADS} thread(s)`);

const docs: TransformerDocument[] = data.test.slice(0, DOCS).map((d, i) => {
  const { input } = documentInput(d, data.vocab.length, model.config.maxPositions);
  const special = new Uint8Array(input.ids.length);
  special[0] = 1;
  special[input.ids.length - 1] = 1;
  return { docId: i, label: d.label, input, special };
});
const meanLen = docs.reduce((s, d) => s + d.input.ids.length, 0) / docs.length;

// ---------------------------------------------------------------- 1. battery vs whole-model re-runs

// The battery's own calls of rowToLogits, counted (timed pass) or sampled (second pass, untimed).
const original = model.rowToLogits.bind(model);
let rowsSeen = 0;
let onRows: ((probs: Tensor, values: Tensor, residual: Tensor, logits: Tensor) => void) | null = null;
model.rowToLogits = (probs: Tensor, values: Tensor, residual: Tensor): Tensor => {
  const logits = original(probs, values, residual);
  rowsSeen += probs.size(0);
  onRows?.(probs, values, residual, logits);
  return logits;
};

const options = { seed: SEED, bootstrapResamples: 10 };
const t0 = performance.now();
const states = transformerRowStates(model, docs);
const tPass = (performance.now() - t0) / 1000;
rowsSeen = 0;
const t1 = performance.now();
states.forEach((s, i) => testTransformerDocument(model, s, i, options));
const tTests = (performance.now() - t1) / 1000;
const rows = rowsSeen;
const tFast = tPass + tTests;

// Second pass: a uniform sample (reservoir) of the rows the battery evaluates, with their fast-path logits.
interface Sampled {
  doc: number;
  row: Float32Array; // (H, T)
  logits: Float32Array; // (C)
}
const reservoir: Sampled[] = [];
const rng = new Rng(7);
let current = 0;
let counted = 0;
onRows = (probs, _values, _residual, logits) => {
  const [K, H, T] = probs.shape as [number, number, number];
  let P: Float32Array | null = null;
  let L: Float32Array | null = null;
  for (let k = 0; k < K; k++) {
    counted++;
    const slot = reservoir.length < SETS ? reservoir.length : rng.int(counted);
    if (slot >= SETS) continue;
    P ??= torch.noGrad(() => probs.detach().contiguous().toFloat32Array());
    L ??= torch.noGrad(() => logits.detach().contiguous().toFloat32Array());
    const C = L.length / K;
    reservoir[slot] = { doc: current, row: P.slice(k * H * T, (k + 1) * H * T), logits: L.slice(k * C, (k + 1) * C) };
  }
};
states.forEach((s, i) => {
  current = i;
  testTransformerDocument(model, s, i, options);
});
onRows = null;
model.rowToLogits = original;

// The obvious way for one erasure set: the whole model on the document, the last layer's row replaced.
function wholeModel(doc: TransformerDocument, row: Float32Array): Float32Array {
  return torch.noGrad(() =>
    torch.scope(() => {
      const batch = transformerBatch([doc.input], model.config.padTokenId);
      const { hidden, mask } = model.encodeToLastLayer(batch); // (1, T, d)
      const { values, residual } = model.lastLayerRowInputs(hidden, mask); // (1, H, T, dh), (1, d)
      const T = doc.input.ids.length;
      const probs = torch.tensor(row, [1, model.config.heads, T]); // (1, H, T)
      return model.rowToLogits(probs, values, residual).toFloat32Array(); // (1, C)
    }),
  );
}

model.eval();
let worst = 0;
const t2 = performance.now();
for (const s of reservoir) {
  const got = wholeModel(docs[s.doc]!, s.row);
  got.forEach((x, c) => (worst = Math.max(worst, Math.abs(x - s.logits[c]!))));
}
const perSet = (performance.now() - t2) / 1000 / Math.max(reservoir.length, 1);
const tObvious = rows * perSet;

console.log(`\n1. erasure battery on ${docs.length} test documents of brown-genre5 (mean ${meanLen.toFixed(0)} tokens, ${model.config.heads} heads)`);
console.log(`   attnlab (one model pass + row re-runs, batched): ${tFast.toFixed(2)} s  (model pass ${tPass.toFixed(2)} s, tests ${tTests.toFixed(2)} s; ${rows} rows evaluated)`);
console.log(`   whole model per erasure set (Captum-style):     ${tObvious.toFixed(1)} s  (${(1000 * perSet).toFixed(2)} ms per set, measured on ${reservoir.length} of the ${rows} sets, extrapolated)`);
console.log(`   ratio: ${(tObvious / tFast).toFixed(0)}x faster   (target >= 100x); largest logit difference on the sample: ${worst.toExponential(1)}`);

// ---------------------------------------------------------------- 2. forward vs PyTorch

const forwardDocs = docs.slice(0, 32);
const batchJson = (() => {
  const T = Math.max(...forwardDocs.map((d) => d.input.ids.length));
  return {
    input_ids: forwardDocs.map((d) => [...d.input.ids, ...new Array<number>(T - d.input.ids.length).fill(model.config.padTokenId)]),
    attention_mask: forwardDocs.map((d) => [...new Array<number>(d.input.ids.length).fill(1), ...new Array<number>(T - d.input.ids.length).fill(0)]),
  };
})();
const batch = transformerBatch(forwardDocs.map((d) => d.input), model.config.padTokenId);

// A full forward: every position of every layer, then the classifier on position 0 (what PyTorch computes).
function fullForward(m: TransformerClassifier, b: TransformerBatch): Tensor {
  if (!(m instanceof BertForSequenceClassification)) throw new Error('fullForward: bert only');
  let h = m.bert.embeddings.forward(b.inputIds, absolutePositions(b.inputIds), b.tokenTypeIds); // (B, T, d)
  for (const layer of m.bert.encoder.layer.items) h = layer.forward(h, b.attentionMask).y; // (B, T, d)
  return m.classifier.forward(m.bert.pooler.forward(h.select(1, 0))); // (B, C)
}

function best(fn: () => void): number {
  for (let i = 0; i < 2; i++) fn();
  let b = Infinity;
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    fn();
    b = Math.min(b, (performance.now() - t) / 1000);
  }
  return b;
}

let oursLogits: Float32Array<ArrayBufferLike> = new Float32Array();
const tRow = best(() => torch.noGrad(() => torch.scope(() => void (oursLogits = model.forward(batch).logits.toFloat32Array()))));
const tFull = best(() => torch.noGrad(() => torch.scope(() => void fullForward(model, batch).toFloat32Array())));
const tmp = mkdtempSync(join(tmpdir(), 'attnlab-bench-tf-'));
const batchPath = join(tmp, 'batch.json');
writeFileSync(batchPath, JSON.stringify(batchJson));
const script = fileURLToPath(new URL('transformer_reference.py', import.meta.url));
const r = spawnSync('/usr/bin/python3', [script, modelDir, batchPath, String(REPS), '2', String(THREADS)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(THREADS) } });
rmSync(tmp, { recursive: true, force: true });
if (r.status !== 0) throw new Error(`PyTorch reference failed (is python3-torch installed?):\n${r.stderr}`);
const ref = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds_per_forward: number; logits: number[][] };
const agree = ref.logits.flat().reduce((m, x, i) => Math.max(m, Math.abs(x - oursLogits[i]!)), 0);
const T = batchJson.input_ids[0]!.length;
console.log(`\n2. forward pass, batch of ${forwardDocs.length} x ${T} tokens (eval, no gradients), best of ${REPS}`);
console.log(`   PyTorch (reference/hf_models.py):                ${(1000 * ref.seconds_per_forward).toFixed(1)} ms`);
console.log(`   attnlab, full forward (every position):          ${(1000 * tFull).toFixed(1)} ms   ratio ${(ref.seconds_per_forward / tFull).toFixed(2)}x (target >= 1.0x)`);
console.log(`   attnlab, as the tests run it (last layer row 0): ${(1000 * tRow).toFixed(1)} ms   ratio ${(ref.seconds_per_forward / tRow).toFixed(2)}x`);
console.log(`   largest logit difference attnlab vs PyTorch: ${agree.toExponential(1)}`);

model.dispose();
cleanup();

function findModel(): { dir: string; note: string; cleanup: () => void } {
  const given = process.env.BENCH_MODEL;
  if (given) return { dir: given, note: `model ${given}`, cleanup: () => {} };
  const fromStart = join('runs', 'reproduce', 'brown-genre5', 'bert-small');
  if (existsSync(join(fromStart, 'model.safetensors'))) return { dir: fromStart, note: `model ${fromStart} (trained by npm start)`, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-bench-bert-'));
  const cfg = { ...transformerPreset('bert-small', 'demo'), maxEpochs: 1, maxTrainDocs: 600 };
  console.error('bench:transformer: no trained bert-small found; training one for 1 epoch on 600 documents');
  trainTransformer({ data, config: cfg, outDir: dir, profile: 'bench', progress: makeProgress({ logPath: null, quiet: true }) });
  return { dir, note: `a bert-small trained here for 1 epoch on 600 brown-genre5 documents (run npm start for the real one)`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
