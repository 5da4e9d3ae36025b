// Process-wide engine settings: seed, threads, devices, live-tensor accounting.
import { native } from './native.ts';

/** Seeds libtorch's generator (weight init, dropout, rand/randn). */
export function manualSeed(seed: number): void {
  native.manualSeed(seed);
}

/** torch's intra-op threads (default: all cores, or ATTNLAB_NUM_THREADS). */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
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
