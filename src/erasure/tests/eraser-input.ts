// ERASER comprehensiveness / sufficiency / AOPC at the input (DeYoung et al. 2020; docs/faithfulness.md §6.2):
// the top t_k items of each ranking's order have their words removed (HAN: the sentence, FLAN: the word,
// transformers: the token), or every other item's words, and the whole model is re-run. The variants go to
// the run that holds the model (DocumentTest.input, BatteryOptions.deferInput), which scores those of many
// documents in batched passes. Without a model (a battery over stored states) the record is null.
import { softmax } from '../math.ts';
import { decidedClassOnly, eraserRecord, eraserRequest, summarizeEraser, type EraserRecord, type EraserSummary } from '../eraser.ts';
import type { DocumentTest } from './document-test.ts';

export const eraserInput: DocumentTest<EraserRecord, EraserSummary> = {
  description: 'ERASER comprehensiveness, sufficiency and AOPC of every ranking with the words removed and the whole model re-run (DeYoung et al. 2020)',
  docs: 'docs/faithfulness.md §6.2',
  suite: 'full',
  backends: true,
  run: () => null,
  input: {
    // Variant 0 is the unedited document: p_m(x) comes from the same batched passes as the edits.
    variants: ({ doc, orders }) => (doc.n < 2 ? null : [new Uint8Array(doc.n), ...eraserRequest(doc.n, orders).sets]),
    record({ doc, orders }, logits) {
      const C = doc.C;
      return eraserRecord(softmax(logits.subarray(0, C)), eraserRequest(doc.n, orders), orders, logits.subarray(C));
    },
  },
  held: decidedClassOnly,
  summarize: (records, { median }) => summarizeEraser(records, median),
};
