// The adapter from src/data's prepared data sets (and their word vectors) to the trainer's TrainingData.
import { loadDataset, type Dataset, type Split } from '../data/dataset.ts';
import type { PrepareOptions } from '../data/prepare.ts';
import { loadVectors } from '../data/vectors.ts';
import type { LabeledDoc, TrainingData } from './data.ts';
import { datasetRecordOf } from './dataset-record.ts';

export const VECTOR_KINDS = ['word2vec', 'glove', 'none'] as const;
export type VectorKind = (typeof VECTOR_KINDS)[number];

/**
 * A document of a prepared split that reads its tokens from the split file each time `sentences` is
 * asked for, and keeps nothing but its label and position: a 1.4 M-document split is then a few tens
 * of MB of these, and only the documents of the batch at hand have their tokens in memory (docs/scale.md).
 */
export class StoredDoc implements LabeledDoc {
  constructor(
    private readonly ds: Dataset,
    private readonly split: Split,
    private readonly i: number,
    readonly label: number,
  ) {}

  get sentences(): Int32Array[] {
    return this.ds.docSentences(this.split, this.i);
  }
}

/** Documents of a split as the models read them, streamed from the prepared cache (StoredDoc). */
export function splitDocs(ds: Dataset, split: Split): LabeledDoc[] {
  const out = new Array<LabeledDoc>(split.size);
  for (let i = 0; i < split.size; i++) out[i] = new StoredDoc(ds, split, i, split.labels[i]!);
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
