// examples.jsonl: what the report's per-document view shows for a few documents (DocumentExample in
// types.ts, the one shape both attnlab test and attnlab report use).
import { rankDocument } from './battery.ts';
import { buildContext } from './context.ts';
import { minimalFlipSetOf } from './minimal.ts';
import type { AnyRankingName, BatteryOptions, ClassifierHead, DocumentContext, DocumentExample, FinalLayerState } from './types.ts';

/** The example of one document, or null when its state carries no words. */
export function documentExample(
  state: FinalLayerState,
  head: ClassifierHead,
  index: number,
  options: BatteryOptions,
): DocumentExample | null {
  if (!state.items || state.items.length !== state.alpha.length) return null;
  return exampleOf(buildContext(state, head), state.docId, state.items, head.classes, index, options);
}

/** The example of one document context (any backend) whose items have the given words. */
export function exampleOf(
  doc: DocumentContext,
  docId: string | number,
  items: string[][],
  classes: string[],
  index: number,
  options: BatteryOptions,
): DocumentExample {
  const orders: Partial<Record<AnyRankingName, number[]>> = {};
  for (const [name, o] of rankDocument(doc, index, options)) orders[name] = Array.from(o[0]!);
  const minimal = minimalFlipSetOf(doc);
  return {
    docId,
    items,
    alpha: Array.from(doc.alpha),
    orders,
    minimalSet: minimal.size === null ? [] : Array.from(minimal.order.subarray(0, minimal.size)),
    classes,
  };
}
