// The ERASER metrics' records in ERASER's own results format (docs/faithfulness.md §6.3), so its metrics.py
// (or ferret) can read them: eraser/<place>-<ranking>.jsonl, one instance per applicable document. Field
// names and shapes as rationale_benchmark/metrics.py reads and verifies them (verify_instance,
// _instances_aopc, score_classifications).
import { join } from 'node:path';
import { ensureDir, writeFileAtomic } from '../util/atomic.ts';
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

/** The export files' contents, keyed by file name (attention-attention.jsonl, input-random.jsonl, ...). */
export function eraserJsonl(documents: readonly DocumentResult[], classes: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [test, place] of Object.entries(ERASER_PLACES) as [keyof typeof ERASER_PLACES, string][]) {
    for (const name of ALL_RANKING_NAMES) {
      const lines: string[] = [];
      for (const d of documents) {
        const record = d.tests?.[test];
        const instance = record ? eraserInstance(d, record, name, classes) : null;
        if (instance) lines.push(JSON.stringify(instance) + '\n');
      }
      if (lines.length > 0) out.set(`${place}-${name}.jsonl`, lines.join(''));
    }
  }
  return out;
}

/** Writes eraser/<file> for every place and ranking with records; returns their paths (none: nothing written). */
export function writeEraserExports(dir: string, documents: readonly DocumentResult[], classes: readonly string[]): Record<string, string> {
  const files = eraserJsonl(documents, classes);
  if (files.size === 0) return {};
  const folder = join(dir, 'eraser');
  ensureDir(folder, 'the ERASER export folder');
  const paths: Record<string, string> = {};
  for (const [file, text] of files) {
    const path = join(folder, file);
    writeFileAtomic(path, text);
    paths[`eraser:${file.replace(/\.jsonl$/, '')}`] = path;
  }
  return paths;
}
