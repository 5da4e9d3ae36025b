// The splits a trained model saw, for the analyses that train new models beside it (the Wiegreffe & Pinter
// diagnostic and adversary, docs/faithfulness.md): the same seeded sample of training documents and the same
// long-document policy as the trainer used (trainer.ts), dev and test whole.
import type { Dataset } from '../data/dataset.ts';
import { LATER_SETTINGS, type TrainConfig } from './config.ts';
import type { LabeledDoc } from './data.ts';
import { splitDocs } from './dataset.ts';
import { applyLongDocPolicy } from './long-docs.ts';
import { trainingSample } from './trainer.ts';

export interface TrainedSplits {
  train: readonly LabeledDoc[];
  dev: readonly LabeledDoc[];
  test: readonly LabeledDoc[];
}

/** The configuration with the settings older model.json files lack filled in as the trainer fills them. */
export function completeConfig(cfg: TrainConfig): TrainConfig {
  return { ...LATER_SETTINGS, ...cfg };
}

export function trainedSplits(ds: Dataset, config: TrainConfig): TrainedSplits {
  const cfg = completeConfig(config);
  const cut = (docs: readonly LabeledDoc[]) => applyLongDocPolicy(docs, cfg.longDocs, cfg.maxDocTokens).docs;
  return { train: trainingSample(cut(splitDocs(ds, ds.train)), cfg), dev: cut(splitDocs(ds, ds.dev)), test: cut(splitDocs(ds, ds.test)) };
}
