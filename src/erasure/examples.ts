// examples.jsonl: the documents the report's explorer shows, chosen by how their erasures ended (not by
// id), each with what a page needs to redo the battery's erasures itself: the items' words, alpha,
// z_i = W h_i, b, the probabilities and every ranking's order (DocumentExample in types.ts).
import { rankDocument } from './battery.ts';
import { buildContext } from './context.ts';
import { firstFlip, logitsAfterErasing } from './erase.ts';
import { softmax } from './math.ts';
import { minimalFlipSetOf } from './minimal.ts';
import { EXAMPLE_OUTCOMES, Z_DIGITS } from './types.ts';
import type {
  AnyRankingName,
  BatteryOptions,
  ClassifierHead,
  DocumentContext,
  DocumentExample,
  DocumentResult,
  ExampleOutcome,
  FinalLayerState,
} from './types.ts';

/** Documents per (predicted class, outcome) written to examples.jsonl. */
export const DEFAULT_EXAMPLES_PER_OUTCOME = 1;

/** A document chosen as an example: its position in the run and the outcomes it was chosen for. */
export interface ChosenExample {
  index: number;
  outcomes: ExampleOutcome[];
}

/**
 * Picks, for every predicted class and every outcome of EXAMPLE_OUTCOMES, the `perOutcome` documents
 * that show it most clearly (largest gap first; ties by position). Returned in run order.
 */
export function chooseExamples(results: readonly DocumentResult[], perOutcome = DEFAULT_EXAMPLES_PER_OUTCOME): ChosenExample[] {
  const chosen = new Map<number, Set<ExampleOutcome>>();
  const classes = [...new Set(results.map((r) => r.predicted))].sort((a, b) => a - b);
  for (const c of classes) {
    const ofClass = results.filter((r) => r.predicted === c);
    for (const outcome of EXAMPLE_OUTCOMES) {
      const scored = ofClass.flatMap((r) => {
        const s = outcomeScore(r, outcome);
        return s === null ? [] : [{ r, s }];
      });
      scored.sort((x, y) => y.s - x.s || x.r.index - y.r.index);
      for (const { r } of scored.slice(0, perOutcome)) {
        const set = chosen.get(r.index) ?? new Set<ExampleOutcome>();
        set.add(outcome);
        chosen.set(r.index, set);
      }
    }
  }
  return [...chosen]
    .sort(([a], [b]) => a - b)
    .map(([index, set]) => ({ index, outcomes: EXAMPLE_OUTCOMES.filter((o) => set.has(o)) }));
}

/** How strongly a document shows `outcome` (larger is clearer), or null when it does not show it. */
export function outcomeScore(r: DocumentResult, outcome: ExampleOutcome): number | null {
  const att = r.multi.attention?.[0];
  const grad = r.multi.gradient?.[0];
  const both = att?.erased != null && grad?.erased != null;
  switch (outcome) {
    case 'attention_slower':
      return both && att.erased! > grad.erased! ? att.erased! - grad.erased! : null;
    case 'attention_faster':
      return both && att.erased! < grad.erased! ? grad.erased! - att.erased! : null;
    case 'zero_vector_only':
      return r.minimal.status === 'zero_vector' ? r.n : null;
    case 'never_flips':
      return r.minimal.status === 'never_flips' ? r.n : null;
    case 'far_from_minimal':
      return att?.extraOverMinimal != null && att.extraOverMinimal > 0 ? att.extraOverMinimal : null;
  }
}

/** The example of one document, or null when its state carries no words. */
export function documentExample(
  state: FinalLayerState,
  head: ClassifierHead,
  index: number,
  options: BatteryOptions,
  outcomes?: ExampleOutcome[],
): DocumentExample | null {
  if (!state.items || state.items.length !== state.alpha.length) return null;
  return exampleOf(buildContext(state, head), state.docId, state.items, head.classes, index, options, outcomes);
}

/** The example of one document context (any backend) whose items have the given words. */
export function exampleOf(
  doc: DocumentContext,
  docId: string | number,
  items: string[][],
  classes: string[],
  index: number,
  options: BatteryOptions,
  outcomes?: ExampleOutcome[],
): DocumentExample {
  const orders: Partial<Record<AnyRankingName, number[]>> = {};
  const atFlip: NonNullable<DocumentExample['atFlip']> = {};
  const ranked = [...rankDocument(doc, index, options)].map(([name, o]) => [name, o[0]!] as const);
  // A backend (transformer) finds every order's first flip in shared batches, as the battery does.
  const flips = doc.backend ? doc.backend.firstFlips(ranked.map(([, order]) => order)) : null;
  for (const [r, [name, order]] of ranked.entries()) {
    orders[name] = Array.from(order);
    const flip = flips ? flips[r]! : firstFlip(doc, order);
    if (flip.erased !== null) {
      atFlip[name] = {
        erased: flip.erased,
        before: probabilitiesAfterErasing(doc, order.subarray(0, flip.erased - 1)),
        after: probabilitiesAfterErasing(doc, order.subarray(0, flip.erased)),
      };
    }
  }
  const minimal = minimalFlipSetOf(doc);
  return {
    docId,
    items,
    alpha: Array.from(doc.alpha),
    orders,
    minimalSet: minimal.size === null ? [] : Array.from(minimal.order.subarray(0, minimal.size)),
    classes,
    ...(outcomes ? { outcomes } : {}),
    z: Array.from(doc.z, (v) => Number(v.toPrecision(Z_DIGITS))),
    b: Array.from(doc.b),
    probabilities: Array.from(doc.p),
    atFlip,
  };
}

/** softmax of the logits after erasing `erased` (the battery's own erasure: erase.ts, or the document's backend). */
export function probabilitiesAfterErasing(doc: DocumentContext, erased: ArrayLike<number>): number[] {
  const mask = new Uint8Array(doc.n);
  for (let t = 0; t < erased.length; t++) mask[erased[t]!] = 1;
  return Array.from(softmax(doc.backend ? doc.backend.erase([mask]) : logitsAfterErasing(doc, mask)));
}
