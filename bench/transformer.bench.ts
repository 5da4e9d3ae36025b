// npm run bench:transformer — two measurements on a trained bert-small (2 layers, 128-d, 4 heads), run side
// by side in one process with the same threads:
//
// 1. The erasure battery (every ranking's first flip, leave-one-out, gradients, the greedy set; attnlab's
//    transformer row backend, src/erasure/transformer-row.ts) over BENCH_DOCS test documents of
//    brown-genre5, against the obvious way: re-run the WHOLE model once per erasure set, as Captum's
//    FeatureAblation does (one forward per perturbation, or perturbations_per_eval of them batched). The
//    obvious way is charged only the erasure sets the tests need (each order's prefixes up to its first
//    flip, leave-one-out, the greedy steps' candidates, one run for the forward and one for the gradient),
//    not the spare prefixes attnlab's batches evaluate past a flip. Its time per set is measured on
//    BENCH_BASELINE_SETS random erasure sets of documents drawn like that workload, one at a time and in
//    batches of 16 (the faster counts), and extrapolated (said so); each re-run's logits are checked
//    against attnlab's erasure of the same set. Two obvious ways: every position of every layer, the last
//    layer's row 0 replaced (a forward hook on a stock model), and the stricter one that computes the last
//    layer for position 0 only.
// 2. The model's forward pass against PyTorch (bench/transformer_reference.py, reference/hf_models.py,
//    /usr/bin/python3) on the same folder and the same padded batch of 32 documents: best of 3 rounds of BENCH_REPS each, the two sides interleaved.
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
import { attentionProbs, mergeHeads, splitHeads } from '../src/models/transformer-model.ts';
import { transformerBatch, type TransformerBatch, type TransformerClassifier } from '../src/models/transformer-model.ts';
import {
  GREEDY_POOL,
  testTransformerDocument,
  transformerRowStates,
  withTransformerContext,
  type TransformerDocument,
  type TransformerRowState,
} from '../src/erasure/transformer-row.ts';
import type { DocumentResult } from '../src/erasure/types.ts';
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

// The obvious way's workload: the erasure sets the battery NEEDS, one model run each (not the spare
// prefixes attnlab evaluates past a flip in its batches): the unmodified forward, the gradient (counted as
// one run, though a backward costs more), leave-one-out (n), each order's prefixes up to its first flip
// (all n when it never flips), and each greedy step's candidates.
function setsNeeded(r: DocumentResult): number {
  const n = r.n;
  if (n < 2) return 1;
  let sets = 2 + n;
  for (const records of Object.values(r.multi)) for (const m of records ?? []) sets += m.erased ?? n;
  const steps = r.minimal.size ?? n;
  for (let s = 0; s < steps; s++) sets += s === 0 ? n : Math.min(n - s, GREEDY_POOL);
  return sets;
}
// Erasure sets for the obvious way, drawn like the workload: GROUP random subsets each of `groups`
// documents drawn with probability proportional to their needed sets, with attnlab's logits for each.
const GROUP = 16;
interface Sampled {
  doc: number;
  rows: Float32Array[]; // (H, T) each: the erased, renormalised attention row
  logits: Float64Array; // (GROUP, C), attnlab's (the backend's erase)
}
const rng = new Rng(7);
function drawSample(ids: number[], states: TransformerRowState[], needed: number[], groups: number): Sampled[] {
  const total = needed.reduce((a, b) => a + b, 0);
  const out: Sampled[] = [];
  for (let g = 0; g < groups; g++) {
    let u = rng.next() * total;
    let j = 0;
    while (j < ids.length - 1 && u >= needed[j]!) u -= needed[j++]!;
    const state = states[j]!;
    const sets = Array.from({ length: GROUP }, () => Uint8Array.from({ length: state.T }, () => (rng.next() < 0.5 ? 1 : 0)));
    const logits = withTransformerContext(model, state, {}, (ctx) => ctx.backend!.erase(sets));
    out.push({ doc: ids[j]!, rows: sets.map((set) => erasedRow(state.probs, state.H, state.T, set)), logits });
  }
  return out;
}

/** alpha with the set's positions zeroed in every head and each head renormalised (all erased: zeros). */
function erasedRow(alpha: Float32Array, H: number, T: number, set: Uint8Array): Float32Array {
  const row = alpha.slice();
  for (let h = 0; h < H; h++) {
    let sum = 0;
    for (let t = 0; t < T; t++) sum += set[t] ? (row[h * T + t] = 0) : row[h * T + t]!;
    for (let t = 0; t < T; t++) row[h * T + t] = sum > 0 ? row[h * T + t]! / sum : 0;
  }
  return row;
}

// The obvious way: the whole model on copies of the document, the last layer's attention row of position
// 0 replaced (what a forward hook on a stock implementation does): every position of every layer.
function wholeModel(doc: TransformerDocument, erased: Float32Array[]): Float32Array {
  if (!(model instanceof BertForSequenceClassification)) throw new Error('wholeModel: bert only');
  const m = model;
  return torch.noGrad(() =>
    torch.scope(() => {
      const K = erased.length;
      const T = doc.input.ids.length;
      const b = transformerBatch(new Array<TransformerDocument['input']>(K).fill(doc.input), m.config.padTokenId);
      const layers = m.bert.encoder.layer.items;
      let h = m.bert.embeddings.forward(b.inputIds, absolutePositions(b.inputIds), b.tokenTypeIds); // (K, T, d)
      for (const layer of layers.slice(0, -1)) h = layer.forward(h, b.attentionMask).y; // (K, T, d)
      const self = layers[layers.length - 1]!.attention.self;
      const H = m.config.heads;
      const q = splitHeads(self.query.forward(h), H); // (K, H, T, dh)
      const k = splitHeads(self.key.forward(h), H); // (K, H, T, dh)
      const v = splitHeads(self.value.forward(h), H); // (K, H, T, dh)
      const probs = attentionProbs(q, k, b.attentionMask); // (K, H, T, T)
      const row0 = torch.tensor(concat(erased), [K, H, 1, T]); // (K, H, 1, T)
      const hooked = T > 1 ? torch.cat([row0, probs.narrow(2, 1, T - 1)], 2) : row0; // (K, H, T, T)
      const last = layers[layers.length - 1]!;
      const a = last.attention.output.forward(mergeHeads(hooked.matmul(v)), h); // (K, T, d)
      const y = last.output.forward(last.intermediate.forward(a), a); // (K, T, d)
      return m.classifier.forward(m.bert.pooler.forward(y.select(1, 0))).toFloat32Array(); // (K, C)
    }),
  );
}

// The stricter baseline: the whole model too, but the last layer for position 0 only (what the
// classifier reads; a shortcut a stock implementation does not take).
function positionZeroOnly(doc: TransformerDocument, erased: Float32Array[]): Float32Array {
  return torch.noGrad(() =>
    torch.scope(() => {
      const K = erased.length;
      const T = doc.input.ids.length;
      const b = transformerBatch(new Array<TransformerDocument['input']>(K).fill(doc.input), model.config.padTokenId);
      const { hidden, mask } = model.encodeToLastLayer(b); // (K, T, d)
      const { values, residual } = model.lastLayerRowInputs(hidden, mask); // (K, H, T, dh), (K, d)
      const probs = torch.tensor(concat(erased), [K, model.config.heads, T]); // (K, H, T)
      return model.rowToLogits(probs, values, residual).toFloat32Array(); // (K, C)
    }),
  );
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Seconds per erasure set, `perRun` sets per model run (Captum's perturbations_per_eval), and the largest logit difference from attnlab. */
function timeObvious(
  sample: Sampled[],
  run: (doc: TransformerDocument, erased: Float32Array[]) => Float32Array,
  perRun: number,
): { perSet: number; worst: number } {
  let worst = 0;
  let sets = 0;
  const t = performance.now();
  for (const s of sample) {
    for (let at = 0; at < GROUP; at += perRun) {
      const got = run(docs[s.doc]!, s.rows.slice(at, at + perRun));
      got.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - s.logits[at * model.config.labels.length + i]!))));
      sets += Math.min(perRun, GROUP - at);
    }
  }
  return { perSet: (performance.now() - t) / 1000 / sets, worst };
}

// Interleaved: the battery on a chunk of documents (timed), then the obvious ways on a sample of that
// chunk's erasure sets (timed), chunk after chunk, so that both sides see the same load on a shared machine.
const CHUNKS = Math.min(10, docs.length);
const options = { seed: SEED, bootstrapResamples: 10 };
// rowToLogits counted while the battery runs: how many erasure rows attnlab really evaluates.
const original = model.rowToLogits.bind(model);
let rows = 0;
let counting = false;
model.rowToLogits = (probs: Tensor, values: Tensor, residual: Tensor): Tensor => {
  if (counting) rows += probs.size(0);
  return original(probs, values, residual);
};
let tPass = 0;
let tTests = 0;
let totalNeeded = 0;
let sampled = 0;
let worst = 0;
const obvious = { whole1: 0, wholeG: 0, zero1: 0, zeroG: 0 }; // extrapolated seconds of each way
for (let c = 0; c < CHUNKS; c++) {
  const ids = docs.map((_, i) => i).filter((i) => i % CHUNKS === c);
  let t = performance.now();
  const states = transformerRowStates(model, ids.map((i) => docs[i]!));
  tPass += (performance.now() - t) / 1000;
  counting = true;
  t = performance.now();
  const results = states.map((s, j) => testTransformerDocument(model, s, ids[j]!, options));
  tTests += (performance.now() - t) / 1000;
  counting = false;
  const needed = results.map(setsNeeded);
  const chunkNeeded = needed.reduce((a, b) => a + b, 0);
  totalNeeded += chunkNeeded;
  const sample = drawSample(ids, states, needed, Math.max(1, Math.round(SETS / GROUP / CHUNKS)));
  sampled += sample.length * GROUP;
  model.eval();
  for (const [key, run, perRun] of [
    ['whole1', wholeModel, 1],
    ['wholeG', wholeModel, GROUP],
    ['zero1', positionZeroOnly, 1],
    ['zeroG', positionZeroOnly, GROUP],
  ] as const) {
    const r = timeObvious(sample, run, perRun);
    obvious[key] += chunkNeeded * r.perSet;
    worst = Math.max(worst, r.worst);
  }
}
model.rowToLogits = original;
const tFast = tPass + tTests;
const whole = Math.min(obvious.whole1, obvious.wholeG);
const zero = Math.min(obvious.zero1, obvious.zeroG);
const ms = (seconds: number): string => (1000 * seconds / totalNeeded).toFixed(2);

console.log(`\n1. erasure battery on ${docs.length} test documents of brown-genre5 (mean ${meanLen.toFixed(0)} tokens, ${model.config.heads} heads)`);
console.log(`   attnlab (one model pass + row re-runs, batched): ${tFast.toFixed(2)} s  (model pass ${tPass.toFixed(2)} s, tests ${tTests.toFixed(2)} s; ${rows} rows evaluated for the ${totalNeeded} erasure sets the tests need)`);
console.log(`   whole model per erasure set (Captum-style): ${totalNeeded} sets x time per set (measured on ${sampled} sampled sets, extrapolated):`);
console.log(`     every position of every layer (a hooked stock model): ${whole.toFixed(1)} s  (${ms(obvious.whole1)} ms per set one at a time, ${ms(obvious.wholeG)} ms in batches of ${GROUP}; the faster counts)`);
console.log(`     last layer for position 0 only (stricter):          ${zero.toFixed(1)} s  (${ms(obvious.zero1)} ms one at a time, ${ms(obvious.zeroG)} ms in batches of ${GROUP})`);
console.log(`   ratio: ${(whole / tFast).toFixed(0)}x faster than the whole model per set (target >= 100x); ${(zero / tFast).toFixed(0)}x against the stricter baseline`);
console.log(`   largest logit difference, whole-model re-runs vs attnlab's erasures, on the sample: ${worst.toExponential(1)}`);

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

// ROUNDS rounds of (attnlab best of REPS, PyTorch best of REPS), the best of all rounds counting for each:
// on a shared machine both sides then get their quiet moments.
const ROUNDS = 3;
let oursLogits: Float32Array<ArrayBufferLike> = new Float32Array();
const tmp = mkdtempSync(join(tmpdir(), 'attnlab-bench-tf-'));
const batchPath = join(tmp, 'batch.json');
writeFileSync(batchPath, JSON.stringify(batchJson));
const script = fileURLToPath(new URL('transformer_reference.py', import.meta.url));
let tRow = Infinity;
let tFull = Infinity;
let ref = { seconds_per_forward: Infinity, logits: [] as number[][] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    tRow = Math.min(tRow, best(() => torch.noGrad(() => torch.scope(() => void (oursLogits = model.forward(batch).logits.toFloat32Array())))));
    tFull = Math.min(tFull, best(() => torch.noGrad(() => torch.scope(() => void fullForward(model, batch).toFloat32Array()))));
    const r = spawnSync('/usr/bin/python3', [script, modelDir, batchPath, String(REPS), '2', String(THREADS)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(THREADS) } });
    if (r.status !== 0) throw new Error(`PyTorch reference failed (is python3-torch installed?):\n${r.stderr}`);
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds_per_forward: number; logits: number[][] };
    if (got.seconds_per_forward < ref.seconds_per_forward) ref = got;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const agree = ref.logits.flat().reduce((m, x, i) => Math.max(m, Math.abs(x - oursLogits[i]!)), 0);
const T = batchJson.input_ids[0]!.length;
console.log(`\n2. forward pass, batch of ${forwardDocs.length} x ${T} tokens (eval, no gradients), best of ${ROUNDS} x ${REPS}, interleaved`);
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
