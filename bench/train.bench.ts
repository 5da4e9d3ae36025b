// npm run bench:train [-- --data NAME --archs han-rnn,flan-rnn,flan-conv --max-docs N]
// One training epoch of each model on a built-in corpus, attnlab against the same model (reference/
// torch_models.py) and the same batches in PyTorch, in the same run: documents per second and the ratio.
// Both sides: the same batch tensors (exported by this script), the same dropouts, Adam, clipping at 10,
// one untimed warm-up step, torch threads = cores, OPENBLAS_NUM_THREADS=1. Batch tensors are built before
// the clock starts on both sides. The sides take turns every SEGMENT batches (PyTorch waits in a child
// process), so the load of a shared machine falls on both alike; each side's time is the sum of its turns.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as torch from '../src/torch/index.ts';
import { buildModel, isArch, makeBatch, splitArch, type Arch, type Batch } from '../src/models/index.ts';
import { bucketBatches, labelTensor, modelConfigOf, preset, trainStep, type TrainingData } from '../src/train/index.ts';
import { loadTrainingData } from '../src/train/dataset.ts';
import { Rng } from '../src/util/rng.ts';

const PYTHON = process.env.ATTNLAB_PYTHON ?? '/usr/bin/python3';
/** Batches per turn when the two sides take turns. */
const SEGMENT = 4;

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'brown-genre5' },
    archs: { type: 'string', default: 'han-rnn,flan-rnn,flan-conv' },
    'max-docs': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
  },
});
const archs = values.archs.split(',').map((a) => {
  if (!isArch(a)) throw new Error(`--archs: unknown architecture '${a}'`);
  return a;
});
const cores = availableParallelism();
torch.setNumThreads(cores);
torch.setBlasThreads(1);
const seed = Number(values.seed);

const data = await loadTrainingData(values.data, { log: (l) => console.error(l) });
const maxDocs = Number(values['max-docs']);
const trainDocs = maxDocs > 0 ? data.train.slice(0, maxDocs) : data.train;
console.error(`bench:train on ${data.name}: ${trainDocs.length} training documents, ${cores} threads, torch ${torch.buildInfo().torchVersion} (attnlab) vs ${pythonTorchVersion()} (PyTorch)`);

const dir = mkdtempSync(join(tmpdir(), 'attnlab-bench-train-'));
const rows: string[][] = [];
try {
  for (const arch of archs) rows.push(await benchArch(arch, data, trainDocs));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const header = ['model', 'docs', 'attnlab docs/s', 'PyTorch docs/s', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(fmt(header));
for (const r of rows) console.log(fmt(r));
console.log(`(ratio = attnlab / PyTorch; > 1 means attnlab is faster; one epoch each, ${data.name}, ${cores} threads)`);

async function benchArch(arch: Arch, data: TrainingData, docs: TrainingData['train']): Promise<string[]> {
  const { family } = splitArch(arch);
  const cfg = { ...preset(data.name, arch, 'paper'), seed };
  const batches = bucketBatches(docs, family, cfg.batchSize, new Rng(seed));
  torch.manualSeed(seed);
  const model = buildModel(modelConfigOf(cfg, data.vocab.length, data.classes.length));
  if (data.vectors) model.embedding.setWeights(data.vectors);
  const opt = new torch.Adam(model.parameters(), { lr: cfg.lr });
  const built: { batch: Batch; labels: torch.Tensor }[] = batches.map((idx) => {
    const ds = idx.map((i) => docs[i]!);
    return torch.scope(() => ({ batch: makeBatch(family, ds), labels: labelTensor(ds) }));
  });
  const tensorsOf = (b: Batch): torch.Tensor[] => (b.family === 'flan' ? [b.tokens, b.lengths] : [b.tokens, b.sentLengths, b.sentCounts]);
  // The PyTorch side reads exactly these tensors.
  const file = join(dir, `${arch}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      arch,
      seed,
      vocab: data.vocab.length,
      classes: data.classes.length,
      emb: cfg.emb,
      lr: cfg.lr,
      clip: cfg.clip,
      dropout: modelConfigOf(cfg, 0, 0).dropout,
      batches: built.map(({ batch, labels }) => ({
        inputs: tensorsOf(batch).map((t) => ({ shape: t.shape, data: Array.from(t.toInt32Array()) })),
        labels: { shape: labels.shape, data: Array.from(labels.toInt32Array()) },
      })),
    }),
  );
  // PyTorch runs in a child that waits for batch ranges: the epoch is cut into segments and the two sides
  // take turns, segment by segment, so that a burst of load from other processes lands on both.
  const py = spawn(PYTHON, [new URL('./train_reference.py', import.meta.url).pathname, file, String(cores), '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(cores) },
  });
  const replies = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const reply = async (): Promise<{ docs: number; seconds: number; ready?: boolean }> => {
    const r = await replies.next();
    if (r.done) throw new Error(`${PYTHON} bench/train_reference.py ended early`);
    return JSON.parse(r.value) as { docs: number; seconds: number; ready?: boolean };
  };
  const ours = { docs: 0, seconds: 0 };
  let theirs = { docs: 0, seconds: 0 };
  try {
    await reply(); // ready (its warm-up step is done)
    model.train();
    torch.scope(() => trainStep(model, opt, built[0]!.batch, built[0]!.labels, cfg.clip)); // warm-up
    for (let a = 0; a < built.length; a += SEGMENT) {
      const b = Math.min(built.length, a + SEGMENT);
      const start = process.hrtime.bigint();
      for (const { batch, labels } of built.slice(a, b)) {
        torch.scope(() => trainStep(model, opt, batch, labels, cfg.clip));
        ours.docs += labels.size(0);
      }
      ours.seconds += Number(process.hrtime.bigint() - start) / 1e9;
      py.stdin.write(`${a} ${b}\n`);
      const r = await reply();
      theirs = { docs: theirs.docs + r.docs, seconds: theirs.seconds + r.seconds };
    }
    py.stdin.write('quit\n');
  } finally {
    py.stdin.end();
    for (const { batch, labels } of built) for (const t of [...tensorsOf(batch), labels]) t.dispose();
    opt.dispose();
    model.dispose();
  }
  const o = ours.docs / ours.seconds;
  const t = theirs.docs / theirs.seconds;
  console.error(`${arch}: attnlab ${o.toFixed(1)} docs/s, PyTorch ${t.toFixed(1)} docs/s`);
  return [arch, String(docs.length), o.toFixed(1), t.toFixed(1), (o / t).toFixed(2)];
}

function pythonTorchVersion(): string {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? `torch ${r.stdout.trim()}` : 'unknown torch';
}
