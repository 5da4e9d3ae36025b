// A toy TSV data set (two classes, ten words) and the sizes of a tiny FLAN-noenc for it: the trained-model
// fixture of the `attnlab test` / `attnlab eval` tests, written once here.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/dataset.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { preset } from '../../src/train/presets.ts';
import { manualSeed } from '../../src/torch/index.ts';
import { Rng } from '../../src/util/rng.ts';

export const TOY_WORDS = ['good', 'bad', 'fine', 'awful', 'movie', 'plot', 'the', 'a', 'very', 'not'];

/** <dir>/toy/{train,test}.tsv (60 + 12 rows), prepared; `row()` draws more rows from the same generator. */
export async function toyFlan(dir: string) {
  const data = join(dir, 'toy');
  mkdirSync(data);
  const rng = new Rng(5);
  const row = (): string => `${rng.int(2) ? 'pos' : 'neg'}\t${Array.from({ length: 4 + rng.int(8) }, () => TOY_WORDS[rng.int(TOY_WORDS.length)]).join(' ')} .`;
  writeFileSync(join(data, 'train.tsv'), Array.from({ length: 60 }, row).join('\n'));
  writeFileSync(join(data, 'test.tsv'), Array.from({ length: 12 }, row).join('\n'));
  const ds: Dataset = await loadDataset(data);
  manualSeed(2);
  const config = { ...preset(ds.name, 'flan-noenc', 'quick'), emb: 8, encoderSize: 4 };
  const modelConfig = { arch: 'flan-noenc' as const, vocab: ds.vocab.length, classes: ds.labels.length, emb: 8, encoderSize: 4, dropout: { word: 0, sentence: 0, encoder: 0, classifier: 0 } };
  return { data, ds, row, config, modelConfig };
}
