// The one model pass of the erasure tests (docs/method.md §3): run the model over the test documents and keep, per
// document, the FINAL attention layer's weights and attended vectors and the logits; plus the classifier.
import { docLength, makeBatch, type AttentionClassifier, type TokenDoc } from '../models/index.ts';
import { keep, noGrad, releaseFreeMemory, scope, type Tensor } from '../torch/index.ts';
import { inEvalMode } from '../nn/index.ts';
import { cutBatches, DEFAULT_BATCH_TOKENS } from '../train/batching.ts';
import type { ClassifierHead, FinalLayerState } from './types.ts';
import { batchOn, deviceOf } from '../train/on-device.ts';

/** A test document as the erasure pass reads it. */
export interface TestDocument {
  docId: string | number;
  /** Gold class index (-1 if unknown). */
  label: number;
  doc: TokenDoc;
  /**
   * Optional: the words of each sentence (same shape as doc.sentences), for the per-document examples.
   * A function, so only the few documents shown as examples pay for their words.
   */
  words?: () => string[][];
}

/** Documents per forward pass. */
export const DEFAULT_BATCH_SIZE = 64;

/** The classifier on top of the final attention layer, in double precision. */
export function classifierHead(model: AttentionClassifier, classes: string[]): ClassifierHead {
  const W = model.classifier.weight.toFloat64Array(); // (C, d)
  const C = model.classifier.outFeatures;
  const b = model.classifier.bias ? model.classifier.bias.toFloat64Array() : new Float64Array(C);
  if (classes.length !== C) throw new RangeError(`classifierHead: ${classes.length} class names for a ${C}-class model`);
  return { W, b, classes, d: model.classifier.inFeatures, C };
}

/**
 * Final-layer states of `docs`, in their order. Batches hold documents of similar length (less padding),
 * at most batchSize documents and batchTokens padded tokens (documents x longest), so memory is bounded
 * by tokens: a document longer than the budget goes alone. The batches depend only on `docs` and the two
 * limits (test-run.ts passes fixed blocks of the run, whatever its chunk size). The model runs in eval
 * mode without gradients and its train/eval flag is restored afterwards, also on an error.
 */
export function finalLayerStates(
  model: AttentionClassifier,
  docs: readonly TestDocument[],
  batchSize = DEFAULT_BATCH_SIZE,
  batchTokens = DEFAULT_BATCH_TOKENS,
): FinalLayerState[] {
  return inEvalMode(model, () => {
    // The classifier in double precision, so z_i = W h_i comes out of one batched product per batch.
    const W = keep(noGrad(() => model.classifier.weight.to('float64'))); // (C, D)
    try {
      const out = new Array<FinalLayerState>(docs.length);
      const byLength = docs.map((_, i) => i).sort((i, j) => docLength(docs[i]!.doc) - docLength(docs[j]!.doc) || i - j);
      const tokenDocs = docs.map((d) => d.doc);
      for (const idx of cutBatches(tokenDocs, byLength, batchSize, { batchTokens })) {
        const batchStates = noGrad(() => scope(() => statesOfBatch(model, W, idx.map((i) => docs[i]!))));
        idx.forEach((i, j) => (out[i] = batchStates[j]!));
        releaseFreeMemory(); // batches in length order grow: see src/torch/runtime.ts
      }
      return out;
    } finally {
      W.dispose();
    }
  });
}

function statesOfBatch(model: AttentionClassifier, W: Tensor, docs: TestDocument[]): FinalLayerState[] {
  // On the model's device; only the final layer's states come back (the typed-array copies below).
  const { logits, alpha, h, mask } = model.forward(batchOn(makeBatch(model.family, docs.map((d) => d.doc)), deviceOf(model)));
  const zAll = h.to('float64').matmul(W.transpose(0, 1)).toFloat64Array(); // (B, T, D) @ (D, C) -> (B, T, C)
  const [B, T] = alpha.shape as [number, number];
  const D = h.size(2);
  const C = logits.size(1);
  const a = alpha.toFloat64Array(); // (B, T)
  const hv = h.toFloat32Array(); // (B, T, D)
  const x = logits.toFloat64Array(); // (B, C)
  const m = mask.to('uint8').toTypedArray() as Uint8Array; // (B, T)
  const states: FinalLayerState[] = [];
  for (let b = 0; b < B; b++) {
    const real: number[] = [];
    for (let t = 0; t < T; t++) if (m[b * T + t]) real.push(t);
    const n = real.length;
    const stateAlpha = new Float64Array(n);
    const stateH = new Float32Array(n * D);
    const z = new Float64Array(n * C);
    real.forEach((t, i) => {
      stateAlpha[i] = a[b * T + t]!;
      stateH.set(hv.subarray((b * T + t) * D, (b * T + t + 1) * D), i * D);
      z.set(zAll.subarray((b * T + t) * C, (b * T + t + 1) * C), i * C);
    });
    const doc = docs[b]!;
    const items = documentItems(model, doc);
    states.push({
      docId: doc.docId,
      label: doc.label,
      alpha: stateAlpha,
      h: stateH,
      logits: x.slice(b * C, (b + 1) * C),
      z,
      ...(items && items.length === n ? { items } : {}),
    });
  }
  return states;
}

/** The words of each final-layer item of `doc`, or undefined when it carries no words. */
export function documentItems(model: AttentionClassifier, doc: TestDocument): string[][] | undefined {
  return doc.words ? itemsOf(model.family, doc.doc, doc.words()) : undefined;
}

/** Words per final-layer item: each word for FLAN; each non-empty sentence's words for HAN. */
function itemsOf(family: AttentionClassifier['family'], doc: TokenDoc, words: string[][]): string[][] {
  if (family === 'flan') return words.flat().map((w) => [w]);
  // By position, never by array identity: a streamed document (train/dataset.ts StoredDoc) reads its
  // sentences afresh on every access, and an identity test then dropped every sentence (no HAN examples).
  const sentences = doc.sentences;
  return words.filter((_, j) => (sentences[j]?.length ?? 0) > 0);
}
