// A small reproduce-like set of run folders for the explorer and browser tests, made by the real erasure
// run (runTest) on tiny random models, so examples.jsonl, documents.jsonl and the battery agree the way
// they do after `npm start`. Two data sets × HAN-rnn and FLAN-rnn, 18 documents each. The "news" data
// set has right-to-left class names and a word holding a right-to-left override (U+202E) in every
// document, to check that neither reorders the page (issue 10, item 13).
import { join } from 'node:path';
import type { TestDocument } from '../../src/erasure/final-layer.ts';
import { runTest, type TestSource } from '../../src/erasure/test-run.ts';
import { buildModel } from '../../src/models/index.ts';
import { manualSeed } from '../../src/torch/index.ts';
import { Rng } from '../../src/util/rng.ts';

export const RLO = '\u202E';
/** Word id 7 of the news vocabulary: an override followed by "daer" (shows as "read" if applied). */
export const RLO_WORD = `${RLO}daer`;
export const NEWS_CLASSES = ['ספורט', 'כלכלה', 'weather'];
export const REVIEW_CLASSES = ['negative', 'positive'];
const VOCAB = 30;
const WORDS = 'the a match team won lost price market rain sun storm goal vote bank fell rose cold warm late early game score rate fund wind snow play coach trade'.split(' ');

/** Writes the run folders under `dir`; returns the erasure run folders (what `attnlab report` reads). */
export function makeExplorerRuns(dir: string): string[] {
  const folders: string[] = [];
  let seed = 11;
  for (const [dataset, classes] of [['news', NEWS_CLASSES], ['reviews', REVIEW_CLASSES]] as const) {
    for (const arch of ['han-rnn', 'flan-rnn'] as const) {
      manualSeed(seed++);
      const model = buildModel({ arch, vocab: VOCAB, classes: classes.length, emb: 8, encoderSize: 6, dropout: { word: 0, sentence: 0, encoder: 0, classifier: 0 } });
      const rng = new Rng(seed * 7);
      const word = (id: number): string => (dataset === 'news' && id === 7 ? RLO_WORD : WORDS[(id - 1) % WORDS.length]!);
      const documents: TestDocument[] = Array.from({ length: 18 }, (_, i) => {
        const sentenceCount = arch === 'han-rnn' ? 2 + rng.int(5) : 1;
        const sentences = Array.from({ length: sentenceCount }, () => Int32Array.from({ length: 3 + rng.int(arch === 'han-rnn' ? 5 : 10) }, () => 1 + rng.int(VOCAB - 1)));
        if (dataset === 'news') sentences[0]![1] = 7;
        return { docId: `${dataset}-${i}`, label: rng.int(classes.length), doc: { sentences }, words: () => sentences.map((s) => Array.from(s, word)) };
      });
      const source: TestSource = { info: { dataset, architecture: arch === 'han-rnn' ? 'han' : 'flan', encoder: 'rnn' }, classes: [...classes], model, documents };
      const outDir = join(dir, `${dataset}-${arch}`, 'erasure');
      runTest(source, { outDir, seed: 3, bootstrapResamples: 20, examples: 2, run: { checkpoint: `${dataset}-${arch}`, split: 'test' } });
      folders.push(outDir);
    }
  }
  return folders;
}
