// ERASER comprehensiveness / sufficiency / AOPC at the final attention layer (DeYoung et al. 2020;
// docs/faithfulness.md §6.1): the top t_k items of each ranking's order erased (weights 0, the rest
// renormalised, as the battery erases) or kept alone, for the bins of eraser.ts. Linear fast path on HAN/FLAN,
// the backend's batched erase(sets) on transformers; null on single-item documents.
import { attentionLayerLogits, decidedClassOnly, eraserRecord, eraserRequest, summarizeEraser, type EraserRecord, type EraserSummary } from '../eraser.ts';
import type { DocumentTest } from './document-test.ts';

export const eraserAttention: DocumentTest<EraserRecord, EraserSummary> = {
  description: 'ERASER comprehensiveness, sufficiency and AOPC of every ranking at the attention layer (DeYoung et al. 2020)',
  docs: 'docs/faithfulness.md §6.1',
  suite: 'default',
  backends: true,
  run({ doc, orders }) {
    if (doc.n < 2) return null;
    const request = eraserRequest(doc.n, orders);
    return eraserRecord(doc.p, request, orders, attentionLayerLogits(doc, request.sets));
  },
  held: decidedClassOnly,
  summarize: (records, { median }) => summarizeEraser(records, median),
};
