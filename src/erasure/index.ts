// The erasure tests of Serrano & Smith (2019), docs/method.md §3–9: what other modules and the CLI use.
//   model pass -> FinalLayerState per document (final-layer.ts, states-io.ts)
//   -> runDocument / runBattery (battery.ts) -> DocumentResult -> summarize (summary.ts) -> outputs.ts
//   runTest (test-run.ts) does all of it for `attnlab test`, in resumable chunks.
export * from './types.ts';
export { runBattery, runDocument, rankDocument, type BatteryRun } from './battery.ts';
export { buildContext, contextFromZ, productWithHead } from './context.ts';
export { decisionAfterErasing, firstFlip, leaveOneOut, logitsAfterErasing, type FirstFlip, type LeaveOneOut } from './erase.ts';
export { documentExample } from './examples.ts';
export { classifierHead, finalLayerStates, type TestDocument } from './final-layer.ts';
export { argmax, jsDivergence, softmax } from './math.ts';
export { minimalFlipSet, type MinimalFlipSet } from './minimal.ts';
export { documentColumns, documentsCsv, documentsJsonl, OUTPUT_FILES, writeOutputs } from './outputs.ts';
export { RANKINGS, attentionGradient, leaveOneOutDivergence, RANDOM_PERMUTATIONS } from './rankings/index.ts';
export { decodeStates, encodeStates, readStates } from './states-io.ts';
export { bootstrapMedians, mcnemar, median, medianWithInterval, signTestP, twoByTwo } from './statistics.ts';
export { compareRankings, COMPARISONS, DEFAULT_BOOTSTRAP_RESAMPLES, summarize } from './summary.ts';
export { runTest, selectDocuments, type TestRunOptions, type TestRunResult, type TestSource } from './test-run.ts';
