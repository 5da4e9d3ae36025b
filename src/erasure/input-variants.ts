// Input-level edits for the tests that re-run the whole model (DocumentTest.input; docs/faithfulness.md §6.2):
// a variant document is the original with some final-layer items' words removed — HAN a sentence, FLAN a
// word, a transformer a token — and each document's variants are scored in batched model passes of
// similar-length variants (the runs hand over a chunk's documents at once; see scoreAll on why a batch
// never mixes documents).
import { docLength, makeBatch, realSentences, type AttentionClassifier, type TokenDoc } from '../models/index.ts';
import type { TransformerClassifier, TransformerInput } from '../models/index.ts';
import { transformerBatch } from '../models/transformer-model.ts';
import { noGrad, scope } from '../torch/index.ts';
import { inEvalMode } from '../nn/index.ts';
import { DEFAULT_BATCH_TOKENS } from '../train/batching.ts';
import { batchOn, deviceOf } from '../train/on-device.ts';

import type { InputRequest } from './tests/document-test.ts';

/**
 * The document without the removed items' words: FLAN item i is the i-th word (all sentences in order), HAN
 * item i the i-th non-empty sentence. null when the item count is not the model's (docs that the model pass
 * saw differently: the test then records null).
 */
export function removeItems(family: AttentionClassifier['family'], doc: TokenDoc, removed: Uint8Array): TokenDoc | null {
  if (family === 'flan') {
    if (docLength(doc) !== removed.length) return null;
    let i = 0;
    return {
      sentences: doc.sentences.map((s) => {
        const kept = s.filter((_, j) => !removed[i + j]);
        i += s.length;
        return kept;
      }),
    };
  }
  const real = realSentences(doc);
  if (real.length !== removed.length) return null;
  return { sentences: real.filter((_, i) => !removed[i]) };
}

/**
 * The token positions a transformer's items stand for (TransformerErasureOptions: every token, or the
 * non-special ones with specials 'out'); null where items are (head, token) pairs, which no input edit removes.
 */
export function transformerItemPositions(special: Uint8Array, opts: { heads?: 'all' | 'each'; specials?: 'in' | 'out' }): number[] | null {
  if (opts.heads === 'each') return null;
  return Array.from(special, (_, t) => t).filter((t) => opts.specials !== 'out' || !special[t]);
}

/** The input without the tokens of the removed items (ids and type ids dropped; positions renumber in the model). */
export function removeTokens(input: TransformerInput, positions: readonly number[], removed: Uint8Array): TransformerInput | null {
  if (positions.length !== removed.length) return null;
  const drop = new Uint8Array(input.ids.length);
  positions.forEach((t, i) => (drop[t] = removed[i]!));
  const keep = (_: number, t: number): boolean => !drop[t];
  return { ids: input.ids.filter(keep), ...(input.typeIds ? { typeIds: input.typeIds.filter(keep) } : {}) };
}

/**
 * Scores every request's variants: edits the document (edit returns null: the request is left unfinished,
 * so its test records null), sorts its variants by length, cuts them into batches of at most batchSize
 * variants and batchTokens padded tokens (one variant always makes a batch) and hands the request its logits.
 * A document's variants are batched together and never with another document's: float32 results then
 * depend on the document alone, not on which documents share its chunk, so a run's results stay the same
 * whatever --chunk is (test-run.ts). At the default --batch 64 a document's 61 variants (the paper's six
 * rankings) are one batch anyway.
 */
function scoreAll<B, V>(
  requests: readonly { base: B; request: InputRequest }[],
  edit: (base: B, removed: Uint8Array) => V | null,
  lengthOf: (variant: V) => number,
  forward: (variants: V[]) => Float64Array,
  C: number,
  batchSize: number,
  batchTokens: number,
): void {
  for (const { base, request } of requests) {
    const edited = request.variants.map((v) => edit(base, v));
    if (edited.length === 0 || edited.some((d) => d === null || lengthOf(d) === 0)) continue;
    const variants = edited as V[];
    const lengths = variants.map(lengthOf);
    const byLength = variants.map((_, i) => i).sort((i, j) => lengths[i]! - lengths[j]! || i - j);
    const out = new Float64Array(variants.length * C);
    const run = (idx: number[]): void => {
      const logits = forward(idx.map((i) => variants[i]!)); // (B, C)
      idx.forEach((i, b) => out.set(logits.subarray(b * C, (b + 1) * C), i * C));
    };
    let cur: number[] = [];
    for (const i of byLength) {
      // Sorted ascending: the variant joining is the batch's longest.
      if (cur.length > 0 && (cur.length + 1 > batchSize || (cur.length + 1) * lengths[i]! > batchTokens)) {
        run(cur);
        cur = [];
      }
      cur.push(i);
    }
    if (cur.length > 0) run(cur);
    request.finish(out);
  }
}

/** HAN/FLAN: the requests of documents `docs` (same order), scored by the model in eval mode without gradients. */
export function scoreDocumentVariants(
  model: AttentionClassifier,
  requests: readonly { doc: TokenDoc; request: InputRequest }[],
  batchSize: number,
  batchTokens = DEFAULT_BATCH_TOKENS,
): void {
  if (requests.length === 0) return;
  inEvalMode(model, () => {
    const C = model.classifier.outFeatures;
    const device = deviceOf(model);
    const forward = (docs: TokenDoc[]): Float64Array =>
      noGrad(() => scope(() => model.forward(batchOn(makeBatch(model.family, docs), device)).logits.to('float64').toFloat64Array()));
    scoreAll(
      requests.map((r) => ({ base: r.doc, request: r.request })),
      (doc, removed) => removeItems(model.family, doc, removed),
      docLength,
      forward,
      C,
      batchSize,
      batchTokens,
    );
  });
}

/** Transformers: the same, on token ids. */
export function scoreTransformerVariants(
  model: TransformerClassifier,
  requests: readonly { input: TransformerInput; positions: readonly number[]; request: InputRequest }[],
  batchSize: number,
  batchTokens = DEFAULT_BATCH_TOKENS,
): void {
  if (requests.length === 0) return;
  inEvalMode(model, () => {
    const device = model.lastLayerOutputWeight().device;
    const forward = (inputs: TransformerInput[]): Float64Array =>
      noGrad(() => scope(() => model.forward(transformerBatch(inputs, model.config.padTokenId, device)).logits.to('float64').toFloat64Array()));
    scoreAll(
      requests.map((r) => ({ base: r, request: r.request })),
      (r, removed) => removeTokens(r.input, r.positions, removed),
      (input) => input.ids.length,
      forward,
      model.classes,
      batchSize,
      batchTokens,
    );
  });
}
