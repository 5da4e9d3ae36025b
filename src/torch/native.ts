// The libtorch addon (native/build/attnlab.node), typed by src/torch/native-api.ts (generated from the
// function tables in native/*.cc) and loaded on first use: importing src/torch (and so src/models, for
// their constants and types) does not load libtorch; the first call of any addon function does, once,
// with the thread settings this engine wants. This is the only module that touches the addon directly;
// everything else goes through `native` (or Tensor).
import { UserError } from '../util/errors.ts';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NATIVE_FUNCTIONS, type NativeAddon } from './native-api.ts';

export type { Handle } from './native-types.ts';
export type { NativeAddon } from './native-api.ts';

// OpenBLAS sizes its thread pool when the library loads: one BLAS thread, and torch's intra-op threads on
// all cores (both on oversubscribed 2 cores and made steps 2-8x slower). Users may override either.
process.env.OPENBLAS_NUM_THREADS ??= '1';
// libgomp (torch's OpenMP) reads its wait policy once, when it loads with the addon, so the default (passive
// on a machine already busy, openmpDefaults) must be in the environment before the addon is required; child
// processes (Slurm jobs, benches' references) inherit it. docs/threads.md has the measurements behind it.
for (const [name, value] of Object.entries(openmpDefaults(process.env))) process.env[name] = value;

const addonPath = fileURLToPath(new URL('../../native/build/attnlab.node', import.meta.url));

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * The addon's functions. Until the first call each property is a stub that loads the addon and then
 * replaces every property with the addon's own function, so later calls go straight to C++.
 */
export const native = {} as NativeAddon;

let loaded = false;

/** Loads the addon now (idempotent). Every function of `native` calls this the first time. */
export function loadNative(): void {
  if (loaded) return;
  if (!existsSync(addonPath)) {
    throw new Error(`attnlab: the native addon is not built (${addonPath} is missing); run \`npm run setup\``);
  }
  const addon = createRequire(import.meta.url)(addonPath) as Record<string, unknown>;
  const slots = native as unknown as Record<string, unknown>;
  for (const name of NATIVE_FUNCTIONS) if (typeof addon[name] === 'function') slots[name] = addon[name];
  loaded = true;
  native.setNumThreads(threadsFromEnv(process.env.ATTNLAB_NUM_THREADS));
  native.setBlasThreads(Number(process.env.OPENBLAS_NUM_THREADS));
}

/**
 * torch's intra-op threads from ATTNLAB_NUM_THREADS: all cores when unset; a positive integer, capped at
 * the cores (more threads than cores only make every op wait for the others, runtime.ts). Anything else
 * is refused with the variable's name, never passed on as NaN.
 */
export function threadsFromEnv(value: string | undefined, cores = availableParallelism()): number {
  if (value === undefined || value.trim() === '') return cores;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError(`attnlab: ATTNLAB_NUM_THREADS must be a whole number of threads >= 1, got '${value}' (unset it to use all ${cores} cores)`);
  }
  if (n > cores) console.error(`attnlab: ATTNLAB_NUM_THREADS=${n}, but this machine has ${cores} cores: using ${cores}`);
  return Math.min(n, cores);
}

/**
 * The OpenMP variables attnlab sets when the user has not. libgomp's own default spins a worker up to 300,000
 * times between parallel regions: the fastest on idle cores (OMP_WAIT_POLICY=PASSIVE, which sleeps at once,
 * made training steps 1.28-1.32x slower on a quiet 2-core machine and a quiet `npm start` ~15.5 instead of
 * ~12 min), but beside other load the spinning, and the waits for the workers it starves, made steps 5-25x
 * slower at load 13-20 on 2 cores, where PASSIVE was 0.06-0.1x of that (docs/threads.md). So PASSIVE is set
 * when the machine is already busy as the process starts: a 1-minute load average of at least `passiveAt`
 * (ATTNLAB_PASSIVE_AT_LOAD, default the number of cores: a whole machine's worth of other work); otherwise
 * libgomp's default stays. A user's own OMP_WAIT_POLICY or GOMP_SPINCOUNT (which libgomp lets override the
 * policy's spin count) is left as it is, and then nothing is added.
 */
export function openmpDefaults(env: NodeJS.ProcessEnv, load1: number = loadavg()[0]!, cores: number = availableParallelism()): Record<string, string> {
  if (isSet(env.OMP_WAIT_POLICY) || isSet(env.GOMP_SPINCOUNT)) return {};
  const raw = env.ATTNLAB_PASSIVE_AT_LOAD;
  const passiveAt = isSet(raw) ? Number(raw) : cores;
  if (!Number.isFinite(passiveAt) || passiveAt < 0) {
    throw new UserError(`attnlab: ATTNLAB_PASSIVE_AT_LOAD must be a load average >= 0, got '${raw}' (unset it for the default: the number of cores)`);
  }
  return load1 >= passiveAt ? { OMP_WAIT_POLICY: 'PASSIVE' } : {};
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/** Whether the addon has been loaded in this process (tests check that imports alone do not). */
export function nativeLoaded(): boolean {
  return loaded;
}

for (const name of NATIVE_FUNCTIONS) {
  const slots = native as unknown as Record<string, AnyFunction>;
  const stub: AnyFunction = (...args) => {
    loadNative();
    const fn = slots[name]!;
    if (fn === stub) throw new Error(`the native addon has no ${name}; rebuild it with npm run build:native`);
    return fn(...args);
  };
  slots[name] = stub;
}
