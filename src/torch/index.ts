// attnlab's tensor engine: libtorch through an N-API addon. See README "Engine".
export { Tensor, type DType, type Device, type TypedData } from './tensor.ts';
export { scope, keep, scopeDepth } from './scope.ts';
export { tensor, scalar, zeros, ones, full, rand, randn, arange, randperm, type TensorOptions } from './create.ts';
export {
  cat,
  stack,
  where,
  linear,
  embedding,
  conv1d,
  dropout,
  layerNorm,
  crossEntropy,
  maskedSoftmax,
  gru,
  type GruParams,
} from './functional.ts';
export { noGrad, isGradEnabled, zeroGrad, clipGradNorm } from './autograd.ts';
export { Adam, type AdamOptions } from './adam.ts';
export {
  manualSeed,
  setNumThreads,
  getNumThreads,
  setBlasThreads,
  liveTensors,
  releaseFreeMemory,
  cudaDeviceCount,
  defaultDevice,
  setDeterministic,
  buildInfo,
} from './runtime.ts';
