// examples.jsonl: what the report's per-document view shows for a few documents (DocumentExample in
// types.ts, the one shape both attnlab test and attnlab report use).
import { rankDocument } from './battery.ts';
import { buildContext } from './context.ts';
import { minimalFlipSetOf } from './minimal.ts';
import type { BatteryOptions, ClassifierHead, DocumentExample, FinalLayerState, RankingName } from './types.ts';

/** The example of one document, or null when its state carries no words. */
export function documentExample(
  state: FinalLayerState,
  head: ClassifierHead,
  index: number,
  options: BatteryOptions,
): DocumentExample | null {
  if (!state.items || state.items.length !== state.alpha.length) return null;
  const doc = buildContext(state, head);
  const orders: Partial<Record<RankingName, number[]>> = {};
  for (const [name, o] of rankDocument(doc, index, options)) orders[name] = Array.from(o[0]!);
  const minimal = minimalFlipSetOf(doc);
  return {
    docId: state.docId,
    items: state.items,
    alpha: Array.from(state.alpha),
    orders,
    minimalSet: minimal.size === null ? [] : Array.from(minimal.order.subarray(0, minimal.size)),
    classes: head.classes,
  };
}
