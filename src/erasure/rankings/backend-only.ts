import type { ErasureBackend } from '../backend.ts';
import type { DocumentContext, ExtraRankingName } from '../types.ts';

/** The document's backend; rankings that exist only for a non-linear backend refuse the linear path. */
export function backendOnly(doc: DocumentContext, ranking: ExtraRankingName): ErasureBackend {
  if (!doc.backend) throw new RangeError(`the ${ranking} ranking needs a transformer erasure backend (HAN/FLAN documents have none)`);
  return doc.backend;
}
