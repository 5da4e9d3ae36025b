// Neural-network building blocks on the engine, with PyTorch's parameter layout and initialisers.
export { Module, inEvalMode } from './module.ts';
export { Linear, Embedding, Conv1d, GRU, Dropout } from './layers.ts';
export { xavierUniform_, zeros_, fans } from './init.ts';
export { saveSafetensors, loadSafetensors, type Loaded } from './safetensors.ts';
