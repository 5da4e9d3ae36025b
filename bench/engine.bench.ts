// npm run bench:engine — trains the reference FLAN-rnn and FLAN-conv (batch 64 x 100 tokens, vocab 20,000,
// embedding 200, GRU 50 per direction or conv widths 5 and 3 x 50 filters, attention 100, 10 classes, Adam,
// clip 10) in attnlab and in PyTorch (reference/torch_models.py, /usr/bin/python3), one after the other in
// the same run with the same threads, alternating over BENCH_ROUNDS rounds (best of each), and prints steps/s
// for each and the ratio. attnlab then trains a fresh model for 500 steps and prints RSS along the way,
// which must stay flat.
//   BENCH_STEPS (default 60) timed steps per side and round, BENCH_ROUNDS (3), BENCH_RSS_STEPS (500).
//   BENCH_DEVICE (cpu; cuda on a GPU machine: both sides on that device), BENCH_PYTHON (/usr/bin/python3).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/torch/index.ts';
import { buildModel, flanBatch, type Arch } from '../src/models/index.ts';
import { Rng } from '../src/util/rng.ts';

const STEPS = Number(process.env.BENCH_STEPS ?? 60);
const WARMUP = 5;
const RSS_STEPS = Number(process.env.BENCH_RSS_STEPS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THREADS = torch.getNumThreads();
const DEVICE = process.env.BENCH_DEVICE ?? 'cpu';
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const B = 64;
const L = 100;
const V = 20000;
const C = 10;
const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;

// attnlab's addon keeps freed heap memory (native/addon.cc TuneMalloc); the same glibc settings given to
// Python make PyTorch faster too, so PyTorch runs both ways and the like-for-like ratio is the second.
const SAME_MALLOC = { MALLOC_MMAP_THRESHOLD_: String(64 << 20), MALLOC_TRIM_THRESHOLD_: String(512 << 20), MALLOC_TOP_PAD_: String(64 << 20) };

function reference(arch: Arch, malloc: Record<string, string>): number {
  const script = fileURLToPath(new URL('engine_reference.py', import.meta.url));
  const r = spawnSync(PYTHON, [script, arch, String(STEPS), String(WARMUP), String(THREADS), DEVICE], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', ...malloc },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`PyTorch reference failed (is python3-torch installed?):\n${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { steps_per_s: number }).steps_per_s;
}

function ours(arch: Arch, rssSteps: number): { stepsPerS: number; rss: [number, number][] } {
  torch.manualSeed(0);
  const model = buildModel({ arch, vocab: V, classes: C, emb: 200, encoderSize: 50, dropout: { word: 0, sentence: 0, encoder: 0.2, classifier: 0.3 } });
  model.train();
  if (DEVICE !== 'cpu') model.to(DEVICE);
  const params = model.parameters();
  const opt = new torch.Adam(params, { lr: 1e-3 });
  const rng = new Rng(0);
  const docs = Array.from({ length: B }, () => ({ sentences: [Int32Array.from({ length: L }, () => 1 + rng.int(V - 1))] }));
  const cpuBatch = torch.scope(() => flanBatch(docs));
  const batch = DEVICE === 'cpu' ? cpuBatch : { family: 'flan' as const, tokens: torch.keep(cpuBatch.tokens.to(DEVICE)), lengths: torch.keep(cpuBatch.lengths.to(DEVICE)) };
  const target = torch.keep(torch.tensor(Int32Array.from({ length: B }, () => rng.int(C)), undefined, { device: DEVICE }));
  const step = (): void =>
    torch.scope(() => {
      opt.zeroGrad();
      const { logits } = model.forward(batch);
      torch.crossEntropy(logits, target).backward();
      torch.clipGradNorm(params, 10);
      opt.step();
    });
  for (let i = 0; i < WARMUP; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  const stepsPerS = STEPS / ((performance.now() - t0) / 1000);
  const rss: [number, number][] = [[WARMUP + STEPS, process.memoryUsage().rss]];
  for (let i = WARMUP + STEPS; i < rssSteps; i++) {
    step();
    if ((i + 1) % 100 === 0) rss.push([i + 1, process.memoryUsage().rss]);
  }
  opt.dispose();
  model.dispose();
  target.dispose();
  for (const b of DEVICE === 'cpu' ? [batch] : [batch, cpuBatch]) for (const t of Object.values(b)) if (t instanceof torch.Tensor) t.dispose();
  return { stepsPerS, rss };
}

console.log(`bench:engine — best of ${ROUNDS} rounds of ${STEPS} timed steps after ${WARMUP} warm-up, batch ${B}x${L}, vocab ${V}, ${THREADS} torch threads, 1 BLAS thread, device ${DEVICE}`);
for (const arch of ['flan-rnn', 'flan-conv'] as Arch[]) {
  // Rounds alternate the three so that a load spike on this shared machine hits each alike; best of each.
  let plain = 0;
  let tuned = 0;
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    plain = Math.max(plain, reference(arch, {}));
    tuned = Math.max(tuned, reference(arch, SAME_MALLOC));
    best = Math.max(best, ours(arch, 0).stepsPerS);
  }
  const me = { stepsPerS: best, rss: ours(arch, RSS_STEPS).rss };
  const r = (x: number): string => (me.stepsPerS / x).toFixed(3);
  console.log(
    `${arch.padEnd(10)} attnlab ${me.stepsPerS.toFixed(2)} steps/s   PyTorch ${plain.toFixed(2)} (default malloc), ${tuned.toFixed(2)} (attnlab's malloc settings) steps/s   ratio ${r(plain)}, ${r(tuned)}`,
  );
  console.log(`${''.padEnd(10)} attnlab RSS by step: ${me.rss.map(([s, r]) => `${s}: ${mb(r)}`).join(', ')}`);
}
