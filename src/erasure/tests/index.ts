// The table of per-document tests beyond the paper's single- and multi-weight tests (docs/faithfulness.md):
// each is one file exporting a DocumentTest, registered here with its per-document record and its summary
// types. The battery runs the selected ones on every document (battery.ts) and summarize() gives their
// summaries (summary.ts), so a new test reaches documents.jsonl, summary.json and the report's input
// without touching either. Adding a test: one file, one line in each interface below, one line in the table.
import type { DocumentTest } from './document-test.ts';
import { kendallTau, type KendallTauRecord, type KendallTauSummary } from './kendall-tau.ts';
import { permutation, type PermutationRecord, type PermutationSummary } from './permutation.ts';
import { adversarialAttentionTest, type AdversarialRecord, type AdversarialSummary } from './adversarial-attention.ts';
import { eraserAttention } from './eraser-attention.ts';
import { eraserInput } from './eraser-input.ts';
import type { EraserRecord, EraserSummary } from '../eraser.ts';

/** The per-document record of each test (DocumentResult.tests[name]). */
export interface TestRecords {
  kendall_tau: KendallTauRecord;
  permutation: PermutationRecord;
  adversarial_attention: AdversarialRecord;
  eraser_attention: EraserRecord;
  eraser_input: EraserRecord;
}

/** The summary of each test over a run's documents (BatterySummary.tests[name]). */
export interface TestSummaries {
  kendall_tau: KendallTauSummary;
  permutation: PermutationSummary;
  adversarial_attention: AdversarialSummary;
  eraser_attention: EraserSummary;
  eraser_input: EraserSummary;
}

export type TestName = keyof TestRecords;

export const DOCUMENT_TESTS: { [K in TestName]: DocumentTest<TestRecords[K], TestSummaries[K]> } = {
  kendall_tau: kendallTau,
  permutation,
  adversarial_attention: adversarialAttentionTest,
  eraser_attention: eraserAttention,
  eraser_input: eraserInput,
};

/** Every test, in table order (its position also keys its random stream: seeding.ts STREAM.test). */
export const TEST_NAMES = Object.keys(DOCUMENT_TESTS) as TestName[];

/** The tests `attnlab test` runs unless told otherwise: the cheap ones (suite 'default'). */
export const DEFAULT_TEST_NAMES = TEST_NAMES.filter((name) => DOCUMENT_TESTS[name].suite === 'default');

export type { DocumentTest, InputHook, InputRequest, SummaryArgs, TestArgs } from './document-test.ts';
export { kendallTauB, type KendallTauRecord, type KendallTauSummary } from './kendall-tau.ts';
