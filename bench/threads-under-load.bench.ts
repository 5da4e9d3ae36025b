// node --import tsx bench/threads-under-load.bench.ts [--archs flan-rnn,han-rnn] [--steps 4] [--reps 5]
//   [--loads 0,1] [--variants today,passive,...] [--data brown-genre5] [--cli]
// Training speed per thread setting, on the machine as it is ("quiet": whatever else runs, the load average
// is printed) and beside a controlled competing load (N busy loops, `node -e "for(;;){}"`, started and
// stopped by this script).
//
// Each setting is a long-lived child process started with that setting's environment (libgomp reads it
// only when it loads): every OMP_* / GOMP_* / KMP_* / ATTNLAB_NUM_THREADS / OPENBLAS_NUM_THREADS of ours
// removed, then the setting's own variables added ('cli-default' adds none, so it runs with whatever
// src/torch/native.ts, which the CLI loads the same way, chooses when nothing is set). The child loads the
// data and builds the model (demo profile, the trainer's batches and training step), takes one untimed
// step, and then runs --steps steps whenever asked. The settings take turns, --steps at a time, in a
// different order each round, so a burst of other load falls on all of them alike; each round runs once
// without and once with the busy loops. Time: median seconds per step over the rounds. Each child also
// reports what libgomp runs with (OMP_DISPLAY_ENV), which shows that a default took effect.
//
// --cli instead times whole `attnlab train --max-epochs 1 --max-steps-per-epoch N` runs through the CLI
// (the epoch's seconds from train.jsonl, which include the dev pass): slower, start-up in every run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CLI = fileURLToPath(new URL('../bin/attnlab.js', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const cores = availableParallelism();

/** libgomp's built-in default, spelled out so that no default of ours applies (300000 = libgomp's spin count when OMP_WAIT_POLICY is unset). */
const BUILTIN = { ATTNLAB_NUM_THREADS: String(cores), GOMP_SPINCOUNT: '300000' };
const VARIANTS: Record<string, Record<string, string>> = {
  today: BUILTIN,
  passive: { ATTNLAB_NUM_THREADS: String(cores), OMP_WAIT_POLICY: 'PASSIVE' },
  'spin-10k': { ATTNLAB_NUM_THREADS: String(cores), GOMP_SPINCOUNT: '10000' },
  'spin-1k': { ATTNLAB_NUM_THREADS: String(cores), GOMP_SPINCOUNT: '1000' },
  active: { ATTNLAB_NUM_THREADS: String(cores), OMP_WAIT_POLICY: 'ACTIVE' },
  // libgomp sizes each parallel region to cores - the 15-minute load average (at least 1 thread).
  dynamic: { ATTNLAB_NUM_THREADS: String(cores), OMP_DYNAMIC: 'TRUE', OMP_WAIT_POLICY: 'PASSIVE' },
  'threads-1': { ATTNLAB_NUM_THREADS: '1' },
  ...(cores > 2
    ? { 'cores-1': { ATTNLAB_NUM_THREADS: String(cores - 1), GOMP_SPINCOUNT: '300000' }, 'cores-1-passive': { ATTNLAB_NUM_THREADS: String(cores - 1), OMP_WAIT_POLICY: 'PASSIVE' } }
    : {}),
  'cli-default': {},
};

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'brown-genre5' },
    archs: { type: 'string', default: 'flan-rnn,han-rnn' },
    steps: { type: 'string', default: '4' },
    reps: { type: 'string', default: '5' },
    loads: { type: 'string', default: '0,1' },
    variants: { type: 'string', default: 'today,passive,spin-1k,dynamic,threads-1,cli-default' },
    cli: { type: 'boolean', default: false },
    worker: { type: 'string' },
  },
});


// ---- the child: one setting, one model; runs steps on request ----

async function worker(arch: string, source: string): Promise<void> {
  const torch = await import('../src/torch/index.ts');
  const { buildModel, isArch, makeBatch, splitArch } = await import('../src/models/index.ts');
  const { bucketBatches, labelTensor, modelConfigOf, preset, trainStep, trainingSample } = await import('../src/train/index.ts');
  const { LATER_SETTINGS } = await import('../src/train/config.ts');
  const { budgetOf } = await import('../src/train/trainer.ts');
  const { applyLongDocPolicy } = await import('../src/train/long-docs.ts');
  const { loadTrainingData } = await import('../src/train/dataset.ts');
  const { Rng } = await import('../src/util/rng.ts');
  if (!isArch(arch)) throw new Error(`unknown architecture '${arch}'`);
  const data = await loadTrainingData(source, { vectors: 'none' });
  const { family } = splitArch(arch);
  const cfg = { ...LATER_SETTINGS, ...preset(data.name, arch, 'demo') };
  const docs = applyLongDocPolicy(trainingSample(data.train, cfg), cfg.longDocs, cfg.maxDocTokens).docs;
  const batches = bucketBatches(docs, family, cfg.batchSize, new Rng(1), budgetOf(cfg));
  torch.manualSeed(1);
  const model = buildModel(modelConfigOf(cfg, data.vocab.length, data.classes.length));
  const opt = new torch.Adam(model.parameters(), { lr: cfg.lr });
  model.train();
  let next = 0;
  const step = () => {
    const idx = batches[next++ % batches.length]!;
    const ds = idx.map((i) => docs[i]!);
    torch.scope(() => trainStep(model, opt, makeBatch(family, ds), labelTensor(ds), cfg.clip));
  };
  step(); // untimed: first-call set-up
  console.log(JSON.stringify({ ready: true, threads: torch.getNumThreads() }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'quit') break;
    const n = Number(line);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) step();
    console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t0) / 1e9 }));
  }
  opt.dispose();
  model.dispose();
}

// ---- the parent ----

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const scrub = /^(OMP_|GOMP_|KMP_)|^(ATTNLAB_NUM_THREADS|OPENBLAS_NUM_THREADS)$/;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!scrub.test(k)) env[k] = v;
  return { ...env, ...extra };
}

let hogs: ChildProcess[] = [];
function startLoad(n: number): void {
  hogs = Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}
function stopLoad(): void {
  for (const h of hogs) h.kill('SIGKILL');
  hogs = [];
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Worker {
  variant: string;
  ask(line: string): Promise<{ seconds?: number; ready?: boolean; threads?: number }>;
  gomp: () => string;
  close(): void;
}

function startWorker(variant: string, arch: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--worker', arch, '--data', values.data], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: childEnv({ ...VARIANTS[variant]!, OMP_DISPLAY_ENV: 'VERBOSE' }),
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    variant,
    async ask(line) {
      if (line) child.stdin.write(`${line}\n`);
      const r = await lines.next();
      if (r.done) throw new Error(`the ${variant} child (${arch}) ended early:\n${stderr}`);
      return JSON.parse(r.value) as { seconds?: number; ready?: boolean; threads?: number };
    },
    gomp: () => {
      const spin = /GOMP_SPINCOUNT = '(\d+)'/.exec(stderr)?.[1] ?? '?';
      const dynamic = /OMP_DYNAMIC = '(\w+)'/.exec(stderr)?.[1] === 'TRUE' ? ', dynamic' : '';
      return `spin ${spin}${dynamic}`;
    },
    close() {
      child.stdin.end('quit\n');
    },
  };
}

function printTable(archs: string[], variants: string[], loads: number[], at: (a: string, v: string, l: number) => number, unit: string, extra: (a: string, v: string) => string[] = () => []): void {
  const header = ['model', 'setting', ...loads.map((l) => (l === 0 ? `quiet ${unit}` : `${l} loop${l > 1 ? 's' : ''} ${unit}`)), ...loads.filter((l) => l > 0).map((l) => `slowdown ${l}`), ...loads.map((l) => `vs today ${l === 0 ? 'quiet' : l}`)];
  const extraHeader = extra('', '').length ? ['threads', 'libgomp'] : [];
  const rows: string[][] = [];
  for (const arch of archs) {
    for (const variant of variants) {
      const q = at(arch, variant, loads[0]!);
      rows.push([
        arch,
        variant,
        ...loads.map((l) => at(arch, variant, l).toFixed(unit === 'ms/step' ? 0 : 1)),
        ...loads.filter((l) => l > 0).map((l) => `${(at(arch, variant, l) / q).toFixed(2)}x`),
        ...loads.map((l) => `${(at(arch, variant, l) / at(arch, 'today', l)).toFixed(2)}x`),
        ...extra(arch, variant),
      ]);
    }
  }
  const all = [...header, ...extraHeader];
  const widths = all.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i < 2 || i >= header.length ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  console.log(fmt(all));
  for (const r of rows) console.log(fmt(r));
}

async function main(): Promise<void> {
  const archs = values.archs.split(',');
  const steps = Number(values.steps);
  const reps = Number(values.reps);
  const loads = values.loads.split(',').map(Number);
  const variants = values.variants.split(',');
  for (const v of variants) if (!(v in VARIANTS)) throw new Error(`--variants: unknown setting '${v}' (known: ${Object.keys(VARIANTS).join(', ')})`);
  if (!variants.includes('today')) throw new Error(`--variants must include 'today' (the ratios are against it)`);
  process.on('exit', stopLoad);
  process.on('SIGINT', () => {
    stopLoad();
    process.exit(130);
  });
  if (cores <= 2) console.log(`(${cores} cores: cores - 1 = 1 thread, the same as threads-1, so it is not run separately)`);
  console.log(`threads under load: ${values.data}, ${archs.join(', ')}, ${cores} cores, busy loops ${loads.join('/')}, ${reps} rounds, ${values.cli ? `attnlab train runs of ${steps} steps` : `${steps} steps a turn`}`);
  console.log(`load average at start: ${load()}`);
  if (values.cli) return cliMode(archs, variants, loads, steps, reps);

  const times = new Map<string, number[]>();
  const key = (a: string, v: string, l: number) => `${a}|${v}|${l}`;
  const info = new Map<string, string[]>();
  for (const arch of archs) {
    const workers = variants.map((v) => startWorker(v, arch));
    try {
      for (const w of workers) {
        const r = await w.ask('');
        info.set(`${arch}|${w.variant}`, [String(r.threads), w.gomp()]);
      }
      for (let rep = 0; rep < reps; rep++) {
        for (const l of loads) {
          startLoad(l);
          await sleep(l > 0 ? 500 : 0);
          const before = load();
          for (let i = 0; i < workers.length; i++) {
            const w = workers[(i + rep) % workers.length]!;
            const r = await w.ask(String(steps));
            const k = key(arch, w.variant, l);
            times.set(k, [...(times.get(k) ?? []), (1000 * r.seconds!) / steps]);
          }
          stopLoad();
          console.error(`  ${arch} round ${rep + 1}, ${l} busy loop(s): load average ${before} -> ${load()}`);
        }
      }
    } finally {
      stopLoad();
      for (const w of workers) w.close();
    }
  }
  printTable(archs, variants, loads, (a, v, l) => median(times.get(key(a, v, l)) ?? []), 'ms/step', (a, v) => (a ? info.get(`${a}|${v}`) ?? ['?', '?'] : ['', '']));
  console.log(`(median ms per training step over ${reps} rounds; slowdown = with the busy loops / quiet, same setting; vs today = this setting / today's at the same load, < 1 is faster)`);
  console.log(`settings: ${variants.map((v) => `${v} = ${Object.entries(VARIANTS[v]!).map(([k, x]) => `${k}=${x}`).join(' ') || '(nothing set)'}`).join('; ')}`);
  console.log(`load average at end: ${load()}`);
}

function cliMode(archs: string[], variants: string[], loads: number[], steps: number, reps: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-bench-threads-'));
  const seconds = new Map<string, number[]>();
  const key = (a: string, v: string, l: number) => `${a}|${v}|${l}`;
  let run = 0;
  const trainOnce = (arch: string, variant: string, l: number): number => {
    const out = join(dir, `run-${run++}`);
    const args = [CLI, 'train', values.data, '--arch', arch, '--profile', 'demo', '--vectors', 'none', '--max-epochs', '1', '--max-steps-per-epoch', String(steps), '--out', out];
    const r = spawnSync(process.execPath, args, { env: childEnv(VARIANTS[variant]!), encoding: 'utf8', timeout: 900_000 });
    if (r.status !== 0) throw new Error(`${variant} ${arch} (load ${l}): attnlab train exited ${r.status ?? r.signal}\n${r.stderr}`);
    const log = readFileSync(join(out, arch, 'train.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event?: string; seconds?: number });
    const epoch = log.find((e) => e.event === 'epoch');
    if (typeof epoch?.seconds !== 'number') throw new Error(`${out}/${arch}/train.jsonl has no epoch line`);
    rmSync(out, { recursive: true, force: true });
    return epoch.seconds;
  };
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const l of loads) {
        startLoad(l);
        const before = load();
        const order = variants.map((_, i) => variants[(i + rep) % variants.length]!);
        for (const arch of archs) {
          for (const variant of order) {
            const k = key(arch, variant, l);
            seconds.set(k, [...(seconds.get(k) ?? []), trainOnce(arch, variant, l)]);
          }
        }
        stopLoad();
        console.error(`  round ${rep + 1}, ${l} busy loop(s): load average ${before} -> ${load()}`);
      }
    }
  } finally {
    stopLoad();
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(archs, variants, loads, (a, v, l) => median(seconds.get(key(a, v, l)) ?? []), 's');
  console.log(`(median epoch seconds of ${reps} rounds, attnlab train through the CLI; slowdown = loaded / quiet of the same setting; vs today = this setting / today's at the same load)`);
  console.log(`load average at end: ${load()}`);
}

// Last, so that every const above is initialised.
if (values.worker !== undefined) await worker(values.worker, values.data);
else await main();
