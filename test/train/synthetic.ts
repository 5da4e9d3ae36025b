// A small learnable corpus for trainer tests: 3 classes; each class has its own cue words, scattered among
// shared filler words, in 1-4 sentences of 2-7 words. Deterministic for a seed.
import { Rng } from '../../src/util/rng.ts';
import type { LabeledDoc, TrainingData } from '../../src/train/index.ts';

export function syntheticData(opts: { seed?: number; train?: number; dev?: number; test?: number; emb?: number; vectors?: boolean } = {}): TrainingData {
  const rng = new Rng(opts.seed ?? 5);
  const classes = ['alpha', 'beta', 'gamma'];
  const vocab = ['<pad>', '<unk>', ...Array.from({ length: 20 }, (_, i) => `filler${i}`), ...classes.flatMap((c) => [0, 1, 2].map((k) => `${c}${k}`))];
  const cue = (label: number) => 22 + 3 * label + rng.int(3);
  const doc = (): LabeledDoc => {
    const label = rng.int(3);
    const sentences = Array.from({ length: 1 + rng.int(4) }, () =>
      Int32Array.from({ length: 2 + rng.int(6) }, () => (rng.next() < 0.25 ? cue(label) : 2 + rng.int(20))),
    );
    // Every document carries at least one cue.
    sentences[rng.int(sentences.length)]![0] = cue(label);
    return { sentences, label };
  };
  const emb = opts.emb ?? 8;
  const vectors = opts.vectors ? Float32Array.from({ length: vocab.length * emb }, () => rng.normal() * 0.3) : null;
  return {
    name: 'synthetic',
    hash: `synthetic-${opts.seed ?? 5}`,
    vocab,
    classes,
    vectors,
    vectorDim: emb,
    train: Array.from({ length: opts.train ?? 160 }, doc),
    dev: Array.from({ length: opts.dev ?? 60 }, doc),
    test: Array.from({ length: opts.test ?? 60 }, doc),
  };
}
