// What every per-document test provides (the table is index.ts). A test reads the document's context (the
// final attention layer: linear fast path for HAN/FLAN, an erasure backend for transformers) and the erasure
// orders the battery already computed; it returns a small JSON-able record, or null where it does not apply
// (counted as "not applicable" in its summary, never dropped silently).
import type { Rng } from '../../util/rng.ts';
import type { AnyRankingName, DocumentContext, DocumentResult, MedianWithInterval } from '../types.ts';

export interface TestArgs {
  doc: DocumentContext;
  /**
   * The document's own generator for this test, derived from the run seed, the document's position in the
   * run and the test's place in the table: chunked or resumed runs draw the same numbers.
   */
  rng: Rng;
  /** The erasure orders of every ranking the battery ran on this document (most important first). */
  orders: ReadonlyMap<AnyRankingName, Int32Array[]>;
}

export interface SummaryArgs {
  /** Class names, index = class id (DocumentResult.predicted / label). */
  classes: readonly string[];
  /** The run's documents, in order (records[i] belongs to documents[i]). */
  documents: readonly DocumentResult[];
  /**
   * A median with its 95% bootstrap interval over documents, from one group of values per document (in
   * `documents` order; an empty group = the document adds nothing). Filled in at the end of summarize(), so
   * that every median of the run is bootstrapped on the same resamples (statistics.ts: bootstrapMedians):
   * keep the returned object, do not read its fields inside summarize.
   */
  median: (groups: number[][], weight?: number) => MedianWithInterval;
}

/**
 * What an input-level test asks of one document (DocumentTest.input): variant documents, each the original
 * with the items of one set removed at the input (sets[k][i] = 1: item i's words removed), and where the
 * model's logits on them go (variants × C, row-major). The run that holds the model scores the requests
 * of many documents together (input-variants.ts) and calls finish; a request never finished records null.
 */
export interface InputRequest {
  variants: readonly Uint8Array[];
  finish: (logits: Float64Array) => void;
}

/** The input-level part of a test: it needs the whole model, so only a run that has it (test-run.ts) calls it. */
export interface InputHook<R> {
  /** The variants to score; null where the test does not apply (the record stays null). */
  variants(args: TestArgs): Uint8Array[] | null;
  /** The record from the model's logits on those variants. */
  record(args: TestArgs, logits: Float64Array): R | null;
}

export interface DocumentTest<R, S> {
  /** One sentence for captions and `attnlab test --help`. */
  description: string;
  /** Where the quantity is defined, e.g. "docs/faithfulness.md §4". */
  docs: string;
  /** 'default': run by `attnlab test` unless told otherwise (cheap); 'full': only with --tests all / --suite full. */
  suite: 'default' | 'full';
  /** False: the test needs the linear fast path (alpha, z, b) and records null on a transformer backend. */
  backends: boolean;
  /** The test on one document; null where it does not apply (e.g. a single item). */
  run(args: TestArgs): R | null;
  /**
   * Optional (additive): a test that re-runs the whole model on edited inputs. Where the battery is given
   * BatteryOptions.deferInput (a run with the model), this replaces run: the record is filled in once the
   * run has scored the variants; without it the record is run()'s.
   */
  input?: InputHook<R>;
  /**
   * Optional: the part of a record that summarize reads, for the copy of every document a run holds while it
   * summarizes (summary.ts heldDocuments). summarize must give the same result on held records as on whole
   * ones (a test checks it); the outputs that need whole records (documents.jsonl, the ERASER export) are
   * written from the chunk files. Without it the record is held whole.
   */
  held?(record: R): R;
  /** The test's summary over a run; records[i] is documents[i]'s record (undefined: the test did not run on it). */
  summarize(records: readonly (R | null | undefined)[], args: SummaryArgs): S;
}
