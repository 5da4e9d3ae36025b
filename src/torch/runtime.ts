// Process-wide engine settings: seed, threads, devices, live-tensor accounting.
import { availableParallelism } from 'node:os';
import { native } from './native.ts';

/** Seeds libtorch's generator (weight init, dropout, rand/randn). */
export function manualSeed(seed: number): void {
  native.manualSeed(seed);
}

/**
 * torch's intra-op threads (default: all cores, or ATTNLAB_NUM_THREADS). More threads than cores only
 * make every op wait for the others (1000 threads ran 100x slower), so n is capped at the cores, with
 * a warning through `warn`. Returns the number set.
 */
export function setNumThreads(n: number, warn: (line: string) => void = (line) => console.error(line)): number {
  const cores = availableParallelism();
  const used = Math.max(1, Math.min(Math.floor(n), cores));
  if (n > cores) warn(`attnlab: ${n} threads asked for, but this machine has ${cores} cores: using ${cores}`);
  native.setNumThreads(used);
  return used;
}
export function getNumThreads(): number {
  return native.getNumThreads();
}

/** OpenBLAS threads (default 1, or OPENBLAS_NUM_THREADS). Returns false when the BLAS is not OpenBLAS. */
export function setBlasThreads(n: number): boolean {
  return native.setBlasThreads(n);
}

/** Tensors held from JS whose memory has not been released: the number a leak test watches. */
export function liveTensors(): number {
  return native.liveCount();
}

/**
 * Hands freed heap memory back to the system. The addon keeps freed memory for the next training step
 * (native/addon.cc TuneMalloc); no-grad passes over many batches of changing size call this after each
 * batch so their fragments do not add up (docs/scale.md). Returns whether anything was released.
 */
export function releaseFreeMemory(): boolean {
  return native.releaseFreeMemory();
}

export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

/** 'cuda' if the linked libtorch has a usable GPU, else 'cpu'. */
export function defaultDevice(): string {
  return cudaDeviceCount() > 0 ? 'cuda' : 'cpu';
}

/** Deterministic kernels (cuDNN and the rest, where libtorch has them): a CUDA run then repeats exactly. */
export function setDeterministic(on: boolean): void {
  native.setDeterministic(on);
}

export function buildInfo(): { torchVersion: string; cuda: boolean; parallel: string } {
  return native.buildInfo();
}
