// node --import tsx bench/threads-under-load.bench.ts [--archs flan-rnn,han-rnn] [--steps 12] [--reps 2]
//   [--loads 0,1] [--variants today,passive,...] [--data brown-genre5]
// One short training (`attnlab train --max-epochs 1 --max-steps-per-epoch N`, through the CLI exactly as a
// user runs it) per thread setting, on a quiet machine and beside a controlled competing load (N busy
// loops, `node -e "for(;;){}"`, started and stopped by this script). The settings take turns inside each
// round, so every setting of a round runs beside the same load; the rounds alternate quiet / loaded.
// Time = the epoch's seconds in train.jsonl (the training steps and the dev pass, not start-up); the median
// over --reps. The child's environment has every OMP_* / GOMP_* / KMP_* / ATTNLAB_NUM_THREADS /
// OPENBLAS_NUM_THREADS removed, then the setting's own variables added; 'cli-default' adds none, so it
// measures whatever src/torch/native.ts chooses when nothing is set.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CLI = fileURLToPath(new URL('../bin/attnlab.js', import.meta.url));
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
  dynamic: { ATTNLAB_NUM_THREADS: String(cores), OMP_DYNAMIC: 'TRUE', GOMP_SPINCOUNT: '300000' },
  'threads-1': { ATTNLAB_NUM_THREADS: '1' },
  ...(cores > 2 ? { 'cores-1': { ATTNLAB_NUM_THREADS: String(cores - 1), GOMP_SPINCOUNT: '300000' }, 'cores-1-passive': { ATTNLAB_NUM_THREADS: String(cores - 1), OMP_WAIT_POLICY: 'PASSIVE' } } : {}),
  'cli-default': {},
};

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'brown-genre5' },
    archs: { type: 'string', default: 'flan-rnn,han-rnn' },
    steps: { type: 'string', default: '12' },
    reps: { type: 'string', default: '2' },
    loads: { type: 'string', default: '0,1' },
    variants: { type: 'string', default: 'today,passive,spin-10k,spin-1k,threads-1,dynamic,cli-default' },
  },
});
const archs = values.archs.split(',');
const steps = Number(values.steps);
const reps = Number(values.reps);
const loads = values.loads.split(',').map(Number);
const variants = values.variants.split(',');
for (const v of variants) if (!(v in VARIANTS)) throw new Error(`--variants: unknown setting '${v}' (known: ${Object.keys(VARIANTS).join(', ')})`);
if (cores <= 2) console.error(`(${cores} cores: cores - 1 = 1 thread, the same as threads-1, so it is not run separately)`);

const SCRUB = /^(OMP_|GOMP_|KMP_)|^(ATTNLAB_NUM_THREADS|OPENBLAS_NUM_THREADS)$/;
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!SCRUB.test(k)) env[k] = v;
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
process.on('exit', stopLoad);
process.on('SIGINT', () => {
  stopLoad();
  process.exit(130);
});

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const dir = mkdtempSync(join(tmpdir(), 'attnlab-bench-threads-'));
/** seconds[arch][variant][load] = the epoch seconds of each repetition */
const seconds = new Map<string, number[]>();
const key = (arch: string, variant: string, l: number) => `${arch}|${variant}|${l}`;
let run = 0;

function trainOnce(arch: string, variant: string, l: number): number {
  const out = join(dir, `run-${run++}`);
  const args = [CLI, 'train', values.data, '--arch', arch, '--profile', 'demo', '--max-epochs', '1', '--max-steps-per-epoch', String(steps), '--out', out];
  const r = spawnSync(process.execPath, args, { env: childEnv(VARIANTS[variant]!), encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`${variant} ${arch} (load ${l}): attnlab train exited ${r.status ?? r.signal}\n${r.stderr}`);
  const log = readFileSync(join(out, arch, 'train.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event?: string; seconds?: number });
  const epoch = log.find((e) => e.event === 'epoch');
  if (typeof epoch?.seconds !== 'number') throw new Error(`${out}/${arch}/train.jsonl has no epoch line`);
  rmSync(out, { recursive: true, force: true });
  return epoch.seconds;
}

console.log(`threads under load: ${values.data}, ${archs.join(', ')}, ${steps} steps + the dev pass, ${reps} rounds, ${cores} cores, busy loops ${loads.join('/')}`);
console.log(`uptime at start: load average ${load()}`);
try {
  for (let rep = 0; rep < reps; rep++) {
    for (const l of loads) {
      startLoad(l);
      const before = load();
      // A different setting goes first in each round, so none always runs right after the load starts.
      const order = variants.map((_, i) => variants[(i + rep) % variants.length]!);
      for (const arch of archs) {
        for (const variant of order) {
          const s = trainOnce(arch, variant, l);
          const k = key(arch, variant, l);
          seconds.set(k, [...(seconds.get(k) ?? []), s]);
          console.error(`  round ${rep + 1}, ${l} busy loop(s), ${arch}, ${variant}: ${s.toFixed(1)} s`);
        }
      }
      stopLoad();
      console.log(`round ${rep + 1}, ${l} busy loop(s): load average ${before} -> ${load()}`);
    }
  }
} finally {
  stopLoad();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const at = (arch: string, variant: string, l: number) => median(seconds.get(key(arch, variant, l)) ?? [NaN]);
const header = ['model', 'setting', ...loads.map((l) => (l === 0 ? 'quiet s' : `${l} loop(s) s`)), ...loads.filter((l) => l > 0).map((l) => `slowdown ${l}`), ...loads.map((l) => `vs today ${l === 0 ? 'quiet' : l}`)];
const rows: string[][] = [];
for (const arch of archs) {
  for (const variant of variants) {
    const q = at(arch, variant, loads[0]!);
    rows.push([
      arch,
      variant,
      ...loads.map((l) => at(arch, variant, l).toFixed(1)),
      ...loads.filter((l) => l > 0).map((l) => `${(at(arch, variant, l) / q).toFixed(2)}x`),
      ...loads.map((l) => `${(at(arch, variant, l) / at(arch, 'today', l)).toFixed(2)}x`),
    ]);
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(fmt(header));
for (const r of rows) console.log(fmt(r));
console.log(`(median epoch seconds of ${reps} rounds; slowdown = loaded / quiet of the same setting; vs today = this setting / today's at the same load, < 1 is faster)`);
console.log(`settings: ${variants.map((v) => `${v} = ${Object.entries(VARIANTS[v]!).map(([k, x]) => `${k}=${x}`).join(' ') || '(nothing set: the CLI default)'}`).join('; ')}`);
console.log(`uptime at end: load average ${load()}`);
