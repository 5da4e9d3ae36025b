// The types the addon's function tables name in their signatures (native/*.cc), beside Tensor's own
// DType and TypedData. src/torch/native-api.ts, generated from those tables, imports them from here.

/** An opaque handle owning one libtorch tensor. */
export type Handle = object & { readonly __handle: unique symbol };

/** What native/addon.cc's buildInfo() reports about the linked libtorch. */
export interface NativeBuildInfo {
  torchVersion: string;
  cuda: boolean;
  parallel: string;
}

/** word2vecTrain's options object, as native/word2vec.cc reads it (absent keys take its defaults). */
export interface Word2VecNativeOptions {
  dim?: number;
  window?: number;
  negative?: number;
  epochs?: number;
  alpha?: number;
  minAlpha?: number;
  sample?: number;
  sg?: boolean;
  threads?: number;
  seed?: number;
  /** Ids below this are not training words (padding, <unk>). */
  ignoreBelow?: number;
  /** Called on the JS thread after each epoch. */
  onEpoch?: (done: number, epochs: number) => void;
}

/** What word2vecTrain's promise resolves to. */
export interface Word2VecNativeStats {
  /** Words processed (all epochs, before subsampling). */
  words: number;
  seconds: number;
  prepareSeconds: number;
}
