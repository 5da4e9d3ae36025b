// What the trainer needs from a prepared data set. src/data produces it (see dataset.ts for the adapter);
// tests build it by hand.
import { UserError } from '../util/errors.ts';
import type { TokenDoc } from '../models/index.ts';
import type { DatasetRecord } from './dataset-record.ts';

export interface LabeledDoc extends TokenDoc {
  /** Class index into TrainingData.classes. */
  label: number;
}

export interface TrainingData {
  /** Data set name; picks the Appendix A.1 preset when it is yahoo, imdb, amazon or yelp. */
  name: string;
  /** Identifies the prepared data (tokens, labels, vocabulary); stored in checkpoints. */
  hash: string;
  /** Where the data came from, for model.json (absent for data built in memory, e.g. tests). */
  record?: DatasetRecord;
  /** id -> word; id 0 is padding. */
  vocab: readonly string[];
  /** class index -> label name. */
  classes: readonly string[];
  /** Word vectors, vocab.length x vectorDim row-major, or null for random embeddings. */
  vectors: Float32Array | null;
  vectorDim: number;
  train: readonly LabeledDoc[];
  dev: readonly LabeledDoc[];
  test: readonly LabeledDoc[];
}

/** Refuses data the trainer cannot use, saying which split and document. */
export function checkTrainingData(d: TrainingData, emb: number): void {
  if (d.vocab.length < 2) throw new UserError(`data '${d.name}': the vocabulary has ${d.vocab.length} entries`);
  if (d.classes.length < 2) throw new UserError(`data '${d.name}': needs at least 2 classes, has ${d.classes.length}`);
  if (d.train.length === 0) throw new UserError(`data '${d.name}': the training split is empty`);
  if (d.dev.length === 0) throw new UserError(`data '${d.name}': the dev split is empty (early stopping needs it)`);
  if (d.vectors) {
    if (d.vectorDim !== emb) {
      throw new UserError(`data '${d.name}': word vectors are ${d.vectorDim}-d but the model's embeddings are ${emb}-d (set emb to ${d.vectorDim})`);
    }
    if (d.vectors.length !== d.vocab.length * d.vectorDim) {
      throw new UserError(`data '${d.name}': ${d.vectors.length} vector values for ${d.vocab.length} words x ${d.vectorDim}`);
    }
  }
  const V = d.vocab.length;
  for (const [split, docs] of [['train', d.train], ['dev', d.dev], ['test', d.test]] as const) {
    docs.forEach((doc, i) => {
      if (!(Number.isInteger(doc.label) && doc.label >= 0 && doc.label < d.classes.length)) {
        throw new UserError(`data '${d.name}', ${split} document ${i}: label ${doc.label} is not a class index 0..${d.classes.length - 1}`);
      }
      let n = 0;
      for (const s of doc.sentences) {
        for (const id of s) {
          if (!(id >= 1 && id < V)) throw new UserError(`data '${d.name}', ${split} document ${i}: token id ${id} is outside 1..${V - 1}`);
        }
        n += s.length;
      }
      if (n === 0) throw new UserError(`data '${d.name}', ${split} document ${i} has no tokens`);
    });
  }
}
