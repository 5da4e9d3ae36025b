// Batches go where the model is: built on the CPU from the documents, copied to the model's device once.
// Call inside torch.scope (the CPU originals are freed with it).
import type { Tensor } from '../torch/index.ts';
import type { AttentionClassifier, Batch } from '../models/index.ts';

/** The device the model's parameters live on ('cpu', 'cuda:0', ...). */
export function deviceOf(model: AttentionClassifier): string {
  return model.classifier.weight.device;
}

export function batchOn(batch: Batch, device: string): Batch {
  if (device === 'cpu') return batch;
  return batch.family === 'flan'
    ? { family: 'flan', tokens: batch.tokens.to(device), lengths: batch.lengths.to(device) }
    : { family: 'han', tokens: batch.tokens.to(device), sentLengths: batch.sentLengths.to(device), sentCounts: batch.sentCounts.to(device) };
}

export function tensorOn(t: Tensor, device: string): Tensor {
  return device === 'cpu' ? t : t.to(device);
}
