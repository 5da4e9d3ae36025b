// Several tests read the same derived quantity of a document (its minimal flip set, its single-item
// erasures): compute it on first use and keep it as long as the document context lives.
import type { DocumentContext } from './types.ts';

export function oncePerDocument<R>(compute: (doc: DocumentContext) => R): (doc: DocumentContext) => R {
  const cache = new WeakMap<DocumentContext, R>();
  return (doc) => {
    let found = cache.get(doc);
    if (found === undefined) {
      found = compute(doc);
      cache.set(doc, found);
    }
    return found;
  };
}
