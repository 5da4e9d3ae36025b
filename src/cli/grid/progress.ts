// What the run folder says about each stage: finished or not, and for the erasure tests which chunks.
// Every executor decides from these (a resubmission skips what is finished), and so does attnlab status.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../util/atomic.ts';
import { chunkPath } from '../../erasure/test-run.ts';
import { TESTED_MODEL_FILE } from '../../erasure/types.ts';
import { dataDir, erasureDir, hfFolderOf, modelDir, reportDir, stageModel, testedModels, type GridData, type GridPlan, type Stage } from './plan.ts';

/** Written by the data stage when the data set is prepared and its word vectors exist. */
export const DATA_MARKER = 'data.json';

export interface DataMarker {
  source: string;
  /** The prepared data's cache key (model.json's dataset.hash). */
  hash: string;
  /** Documents in the test split: with the plan's maxDocs and chunkSize, the erasure chunks. */
  testDocs: number;
}

export function writeDataMarker(plan: GridPlan, d: GridData, marker: DataMarker): void {
  writeJsonAtomic(join(dataDir(plan, d), DATA_MARKER), marker);
}

export function readDataMarker(plan: GridPlan, d: GridData): DataMarker | null {
  const path = join(dataDir(plan, d), DATA_MARKER);
  if (!existsSync(path)) return null;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<DataMarker>;
    // A marker for another source (the folder name reused) or a damaged one: the stage runs again.
    if (m.source !== d.source || typeof m.hash !== 'string' || !Number.isInteger(m.testDocs)) return null;
    return m as DataMarker;
  } catch {
    return null;
  }
}

/** The erasure chunks of a model's test stage, as runTest cuts them; null until the data stage is done. */
export function testChunks(plan: GridPlan, d: GridData): [number, number][] | null {
  const marker = readDataMarker(plan, d);
  if (!marker) return null;
  const n = plan.maxDocs === null ? marker.testDocs : Math.min(plan.maxDocs, marker.testDocs);
  const chunks: [number, number][] = [];
  for (let from = 0; from < n; from += plan.chunkSize) chunks.push([from, Math.min(n, from + plan.chunkSize)]);
  return chunks;
}

/** `model` is a GridModel's name (plan.ts), as for every function below. */
export function chunkDone(plan: GridPlan, d: GridData, model: string, [from, to]: [number, number]): boolean {
  return existsSync(chunkPath(erasureDir(plan, d, model), 'chunks', from, to, 'jsonl'));
}

/**
 * Training ended (early stop or last epoch): the log's last event is 'end' and the best model is there —
 * model.json for HAN/FLAN, attnlab.json beside the Hugging Face files for a transformer (transformer-train.ts
 * ATTNLAB_JSON, written just before its 'end' event; not imported, so `attnlab status` loads no engine).
 * A Hugging Face folder of --models comes trained: always done.
 */
export function trainDone(plan: GridPlan, d: GridData, model: string): boolean {
  if (hfFolderOf(plan, model) !== undefined) return true;
  const dir = modelDir(plan, d, model);
  const log = join(dir, 'train.jsonl');
  if (!(existsSync(join(dir, 'model.json')) || existsSync(join(dir, 'attnlab.json'))) || !existsSync(log)) return false;
  const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
  try {
    return (JSON.parse(lines[lines.length - 1] ?? '') as { event?: string }).event === 'end';
  } catch {
    return false; // a half-written last line: the run was stopped mid-write
  }
}

/** Every chunk done and the run's outputs written (examples.jsonl is the last of them). */
export function testDone(plan: GridPlan, d: GridData, model: string): boolean {
  const dir = erasureDir(plan, d, model);
  return ['documents.jsonl', 'summary.json', TESTED_MODEL_FILE, 'examples.jsonl'].every((f) => existsSync(join(dir, f)));
}

/** The report exists and is newer than every erasure run it reads. */
export function reportDone(plan: GridPlan): boolean {
  const html = join(reportDir(plan), 'report.html');
  if (!existsSync(html)) return false;
  const t = statSync(html).mtimeMs;
  return plan.data.every((d) =>
    testedModels(plan).every((m) => {
      const docs = join(erasureDir(plan, d, m.name), 'documents.jsonl');
      return existsSync(docs) && statSync(docs).mtimeMs <= t;
    }),
  );
}

export function stageDone(plan: GridPlan, s: Stage): boolean {
  switch (s.kind) {
    case 'data':
      return readDataMarker(plan, s.data) !== null;
    case 'train':
      return trainDone(plan, s.data, stageModel(s).name);
    case 'test':
      return testDone(plan, s.data, stageModel(s).name);
    case 'report':
      return reportDone(plan);
  }
}
