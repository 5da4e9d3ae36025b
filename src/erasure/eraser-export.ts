// The ERASER metrics' records in ERASER's own results format (docs/faithfulness.md §6.3), so its metrics.py
// (or ferret) can read them: eraser/<place>-<ranking>.jsonl, one instance per applicable document. Field
// names and shapes as rationale_benchmark/metrics.py reads and verifies them (verify_instance,
// _instances_aopc, score_classifications).
import { join } from 'node:path';
import { AtomicWriter, ensureDir } from '../util/atomic.ts';
import { hasTestRecord, testRecordOf } from './compact-results.ts';
import { argmax } from './math.ts';
import { ERASER_BINS, ERASER_HARD_BIN, type EraserRecord } from './eraser.ts';
import { ALL_RANKING_NAMES, type AnyRankingName, type DocumentResult } from './types.ts';

/** One ERASER results instance. */
export interface EraserInstance {
  annotation_id: string;
  rationales: {
    docid: string;
    /** start inclusive, end exclusive, non-overlapping. */
    hard_rationale_predictions: { start_token: number; end_token: number }[];
    /** One score per item (token), higher = more important. */
    soft_rationale_predictions: number[];
  }[];
  classification: string;
  classification_scores: Record<string, number>;
  comprehensiveness_classification_scores: Record<string, number>;
  sufficiency_classification_scores: Record<string, number>;
  thresholded_scores: {
    threshold: number;
    comprehensiveness_classification_scores: Record<string, number>;
    sufficiency_classification_scores: Record<string, number>;
  }[];
}

/** The places the metrics are computed, by test name, and their file prefixes. */
export const ERASER_PLACES = { eraser_attention: 'attention', eraser_input: 'input' } as const;

/** The instance of one document's record for one ranking (null: the ranking has no scores there). */
export function eraserInstance(d: DocumentResult, record: EraserRecord, name: AnyRankingName, classes: readonly string[]): EraserInstance | null {
  const r = record.rankings[name];
  if (!r) return null;
  const n = d.n;
  const byClass = (q: readonly number[]): Record<string, number> => Object.fromEntries(classes.map((c, k) => [c, q[k]!]));
  const hardBin = ERASER_BINS.indexOf(ERASER_HARD_BIN);
  const hard = r.top.slice(0, record.bins[hardBin]).sort((a, b) => a - b);
  // Scores from the rank: (n - rank) / n for the ranked top half, 0 below it (docs/faithfulness.md §6.3).
  const soft = new Array<number>(n).fill(0);
  r.top.forEach((item, rank) => (soft[item] = (n - rank) / n));
  const id = String(d.docId);
  return {
    annotation_id: id,
    rationales: [{ docid: id, hard_rationale_predictions: hard.map((i) => ({ start_token: i, end_token: i + 1 })), soft_rationale_predictions: soft }],
    classification: classes[argmax(record.p)]!,
    classification_scores: byClass(record.p),
    comprehensiveness_classification_scores: byClass(r.comprehensiveness[hardBin]!),
    sufficiency_classification_scores: byClass(r.sufficiency[hardBin]!),
    thresholded_scores: ERASER_BINS.map((k, b) => ({
      threshold: k / 100,
      comprehensiveness_classification_scores: byClass(r.comprehensiveness[b]!),
      sufficiency_classification_scores: byClass(r.sufficiency[b]!),
    })),
  };
}

/** Every export file's name, in the order they are listed (place, then ranking). */
function exportFiles(): string[] {
  return Object.values(ERASER_PLACES).flatMap((place) => ALL_RANKING_NAMES.map((name) => `${place}-${name}.jsonl`));
}

/**
 * One pass over the documents, each instance's line handed to `emit` with its file's name: a document's
 * records are read once (compact documents build them on demand, compact-results.ts) and no file's
 * text is held whole.
 */
function eachInstanceLine(documents: Iterable<DocumentResult>, classes: readonly string[], emit: (file: string, line: string) => void): void {
  for (const d of documents) {
    for (const [test, place] of Object.entries(ERASER_PLACES) as [keyof typeof ERASER_PLACES, string][]) {
      if (!hasTestRecord(d, test)) continue;
      const record = testRecordOf(d, test) as EraserRecord | null | undefined;
      if (!record) continue;
      for (const name of ALL_RANKING_NAMES) {
        const instance = eraserInstance(d, record, name, classes);
        if (instance) emit(`${place}-${name}.jsonl`, JSON.stringify(instance) + '\n');
      }
    }
  }
}

/** The export files' contents, keyed by file name (attention-attention.jsonl, input-random.jsonl, ...). */
export function eraserJsonl(documents: Iterable<DocumentResult>, classes: readonly string[]): Map<string, string> {
  const lines = new Map<string, string[]>();
  eachInstanceLine(documents, classes, (file, line) => {
    const these = lines.get(file);
    if (these) these.push(line);
    else lines.set(file, [line]);
  });
  const out = new Map<string, string>();
  for (const file of exportFiles()) {
    const these = lines.get(file);
    if (these) out.set(file, these.join(''));
  }
  return out;
}

// Lines gathered per file before a write: bounded buffers, few system calls.
const WRITE_BYTES = 1 << 20;

/**
 * Writes eraser/<file> for every place and ranking with records; returns their paths (none: nothing written).
 * The documents' records must be whole (a run's chunk files, not its held records: summary.ts heldForSummary).
 */
export function writeEraserExports(dir: string, documents: Iterable<DocumentResult>, classes: readonly string[]): Record<string, string> {
  const folder = join(dir, 'eraser');
  const open = new Map<string, { writer: AtomicWriter; buffer: string[]; bytes: number }>();
  try {
    eachInstanceLine(documents, classes, (file, line) => {
      let w = open.get(file);
      if (!w) {
        if (open.size === 0) ensureDir(folder, 'the ERASER export folder');
        open.set(file, (w = { writer: new AtomicWriter(join(folder, file)), buffer: [], bytes: 0 }));
      }
      w.buffer.push(line);
      w.bytes += line.length;
      if (w.bytes >= WRITE_BYTES) {
        w.writer.write(w.buffer.join(''));
        w.buffer = [];
        w.bytes = 0;
      }
    });
  } catch (e) {
    for (const w of open.values()) w.writer.abort();
    throw e;
  }
  const paths: Record<string, string> = {};
  for (const file of exportFiles()) {
    const w = open.get(file);
    if (!w) continue;
    if (w.buffer.length > 0) w.writer.write(w.buffer.join(''));
    w.writer.commit();
    paths[`eraser:${file.replace(/\.jsonl$/, '')}`] = join(folder, file);
  }
  return paths;
}
