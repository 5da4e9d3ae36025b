// The adapter from src/data's prepared data sets (and their word vectors) to the trainer's TrainingData.
import { loadDataset, type Dataset, type Split } from '../data/dataset.ts';
import type { PrepareOptions } from '../data/prepare.ts';
import { loadVectors } from '../data/vectors.ts';
import type { LabeledDoc, TrainingData } from './data.ts';
import { datasetRecordOf } from './dataset-record.ts';

export const VECTOR_KINDS = ['word2vec', 'glove', 'none'] as const;
export type VectorKind = (typeof VECTOR_KINDS)[number];

/** Documents of a split as the models read them (views into the split's arrays, no copies). */
export function splitDocs(ds: Dataset, split: Split): LabeledDoc[] {
  const out = new Array<LabeledDoc>(split.size);
  for (let i = 0; i < split.size; i++) out[i] = { sentences: ds.docSentences(split, i), label: split.labels[i]! };
  return out;
}

export function trainingDataOf(ds: Dataset, vectors: { values: Float32Array; dim: number } | null = null): TrainingData {
  return {
    name: ds.name,
    hash: ds.meta.key,
    record: datasetRecordOf(ds),
    vocab: ds.vocab,
    classes: ds.labels,
    vectors: vectors?.values ?? null,
    vectorDim: vectors?.dim ?? 0,
    train: splitDocs(ds, ds.train),
    dev: splitDocs(ds, ds.dev),
    test: splitDocs(ds, ds.test),
  };
}

/**
 * A data set by built-in name or path (prepared on first use, then read from the cache) with its word
 * vectors: word2vec on train + dev, 200-d, as docs/method.md §1 (cached beside the data after the first run).
 */
export async function loadTrainingData(
  source: string,
  opts: PrepareOptions & { vectors?: VectorKind } = {},
): Promise<TrainingData> {
  const { vectors = 'word2vec', ...prep } = opts;
  const ds = await loadDataset(source, prep);
  const v = vectors === 'none' ? null : await loadVectors(ds, { kind: vectors, log: prep.log });
  return trainingDataOf(ds, v);
}
