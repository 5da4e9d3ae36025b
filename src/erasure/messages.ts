// Every message the erasure tests show a user, in one place (tests assert them). Each says which file or
// document, what is wrong, and what to do.

export const msg = {
  emptyDocument: (doc: string) => `${doc}: no items at the final attention layer (empty document)`,
  wrongLength: (doc: string, what: string, got: number, expected: string) => `${doc}: ${what} has ${got} values, expected ${expected}`,
  negativeAttention: (doc: string, i: number, a: number) => `${doc}: attention weight ${i} is ${a}, expected a number >= 0`,
  logitsDisagree: (doc: string, k: number, stored: number, recomputed: number) =>
    `${doc}: stored logit ${k} = ${stored} but W (sum alpha_i h_i) + b = ${recomputed}; ` +
    `the states do not belong to this classifier (or alpha/h are not the final attention layer)`,
  badStatesFile: (path: string, what: string) => `${path}: not a valid states file (${what}); delete it to recompute it`,
  badHead: (path: string, what: string) => `${path}: ${what}`,
  noDocuments: (checkpoint: string) => `${checkpoint}: the split has no documents`,
  otherModel: (path: string, checkpoint: string) => `${path}: the stored states come from another model than ${checkpoint}; pass another --out`,
  badChunkLine: (path: string, line: number) => `${path}:${line}: not a JSON line; delete the file to recompute the chunk`,
  otherSettings: (path: string, differ: string[]) =>
    `${path}: this folder holds a run with other settings (${differ.join(', ')} differ); ` +
    `rerun with the same options to resume, or pass another --out`,
  progress: (chunk: number, chunks: number, from: number, to: number, modelSeconds: number, testSeconds: number) =>
    `attnlab test: chunk ${chunk}/${chunks}, documents ${from}-${to - 1}: ` +
    `model pass ${modelSeconds.toFixed(1)} s, erasure tests ${testSeconds.toFixed(2)} s`,
  partial: (done: number, chunks: number, range?: [number, number]) =>
    `attnlab test: ${done} of ${chunks} chunks done; ` +
    (range ? `--range ${range[0]}:${range[1]} is finished; run the other ranges (or the command without --range) to finish the run` : 'run again to continue'),
  rangePastEnd: (lo: number, hi: number, documents: number) =>
    `--range ${lo}:${hi} starts past the end of the run: it has ${documents} documents, so ranges lie within 0:${documents}`,
  badChunk: (path: string, problem: string) => `${path}: damaged chunk file (${problem}); recomputing the chunk`,
  longDocuments: (long: number, maxTokens: number, longest: number, policy: 'alone' | 'truncate') =>
    `attnlab test: ${long} document${long === 1 ? '' : 's'} longer than ${maxTokens} tokens (longest ${longest}): ` +
    (policy === 'truncate' ? `truncated to ${maxTokens} tokens (--long-docs)` : 'kept whole (--long-docs truncate cuts them; a document over --batch-tokens is a batch of its own)'),
};
