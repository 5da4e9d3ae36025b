// The words of each final-layer item, for examples.jsonl: a streamed document (train/dataset.ts StoredDoc)
// reads its sentences afresh on every access; HAN's items were matched by array identity and came out
// empty, so no HAN model had any example (found in the npm start report: 0 HAN examples).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentItems, type TestDocument } from '../../src/erasure/final-layer.ts';
import type { AttentionClassifier } from '../../src/models/index.ts';

const streamed = (): TestDocument =>
  ({
    doc: {
      get sentences(): Int32Array[] {
        return [Int32Array.of(4, 5), new Int32Array(0), Int32Array.of(6)];
      },
    },
    words: () => [['a', 'b'], [], ['c']],
  }) as unknown as TestDocument;

test('HAN items of a streamed document: its non-empty sentences, by position', () => {
  assert.deepEqual(documentItems({ family: 'han' } as AttentionClassifier, streamed()), [['a', 'b'], ['c']]);
});

test('FLAN items of a streamed document: every word', () => {
  assert.deepEqual(documentItems({ family: 'flan' } as AttentionClassifier, streamed()), [['a'], ['b'], ['c']]);
});
