// Accuracy of a model on labelled documents: eval mode, no gradients, batches in length order. The
// model's train/eval flag is restored afterwards, also when a batch throws.
import * as torch from '../torch/index.ts';
import { inEvalMode } from '../nn/index.ts';
import { makeBatch, type AttentionClassifier } from '../models/index.ts';
import { sortedBatches, type BatchBudget } from './batching.ts';
import { batchOn, deviceOf } from './on-device.ts';
import type { LabeledDoc } from './data.ts';

export interface Predictions {
  /** argmax class per document, in the documents' order. */
  predicted: Int32Array;
  correct: number;
  total: number;
  accuracy: number;
}

export function predict(model: AttentionClassifier, docs: readonly LabeledDoc[], batchSize = 64, budget: BatchBudget = {}): Predictions {
  const predicted = new Int32Array(docs.length);
  const device = deviceOf(model);
  inEvalMode(model, () => {
    torch.noGrad(() => {
      for (const idx of sortedBatches(docs, model.family, batchSize, budget)) {
        const am = torch.scope(() => model.forward(batchOn(makeBatch(model.family, idx.map((i) => docs[i]!)), device)).logits.argmax(1).toInt32Array());
        idx.forEach((i, j) => (predicted[i] = am[j]!));
        // Batches in length order grow: without this each one's freed tensors stay as fragments (docs/scale.md).
        torch.releaseFreeMemory();
      }
    });
  });
  let correct = 0;
  docs.forEach((d, i) => (correct += predicted[i] === d.label ? 1 : 0));
  return { predicted, correct, total: docs.length, accuracy: docs.length ? correct / docs.length : NaN };
}

export function accuracy(model: AttentionClassifier, docs: readonly LabeledDoc[], batchSize = 64, budget: BatchBudget = {}): number {
  return predict(model, docs, batchSize, budget).accuracy;
}
