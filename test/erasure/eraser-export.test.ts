// The ERASER export (docs/faithfulness.md §6.3): the files parse back with ERASER's fields and shapes as its
// metrics.py verifies them (verify_instance), and ERASER's own AOPC arithmetic (_instances_aopc: per
// threshold classification_scores[c] − thresholded[c], averaged) on the file gives our per-document AOPCs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBattery } from '../../src/erasure/battery.ts';
import { eraserScores } from '../../src/erasure/eraser.ts';
import { writeEraserExports } from '../../src/erasure/eraser-export.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

const FIELDS = [
  'annotation_id',
  'rationales',
  'classification',
  'classification_scores',
  'comprehensiveness_classification_scores',
  'sufficiency_classification_scores',
  'thresholded_scores',
].sort();

test('eraser/<place>-<ranking>.jsonl parse back with ERASER fields, and ERASER AOPC arithmetic gives ours', () => {
  const rng = new Rng(8);
  const head = randomHead(rng, 3, 5);
  const states = Array.from({ length: 15 }, (_, i) => randomState(rng, head, i === 3 ? 1 : 2 + rng.int(40), `doc-${i}`));
  const run = runBattery(states, head, { seed: 4, bootstrapResamples: 10, tests: ['eraser_attention'] });
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-eraser-export-'));
  try {
    const paths = writeEraserExports(dir, run.documents, head.classes);
    assert.deepEqual(readdirSync(join(dir, 'eraser')).sort(), ['attention', 'random', 'gradient', 'gradient_x_attention', 'leave_one_out', 'optimal'].map((r) => `attention-${r}.jsonl`).sort());
    assert.equal(Object.keys(paths).length, 6);
    for (const ranking of ['attention', 'random', 'optimal'] as const) {
      const lines = readFileSync(join(dir, 'eraser', `attention-${ranking}.jsonl`), 'utf8').trim().split('\n');
      assert.equal(lines.length, 14, 'one instance per applicable document (the single-item one left out)');
      for (const line of lines) {
        const inst = JSON.parse(line) as Record<string, unknown>;
        assert.deepEqual(Object.keys(inst).sort(), FIELDS);
        const d = run.documents.find((x) => String(x.docId) === inst.annotation_id)!;
        assert.equal(typeof inst.annotation_id, 'string');
        const rationales = inst.rationales as { docid: string; hard_rationale_predictions: { start_token: number; end_token: number }[]; soft_rationale_predictions: number[] }[];
        assert.equal(rationales.length, 1);
        const r = rationales[0]!;
        assert.equal(r.docid, inst.annotation_id);
        assert.equal(r.soft_rationale_predictions.length, d.n, 'a soft score per token');
        const covered = new Set<number>();
        for (const h of r.hard_rationale_predictions) {
          assert.ok(Number.isInteger(h.start_token) && h.start_token >= 0 && h.end_token > h.start_token && h.end_token <= d.n, 'a valid span');
          for (let t = h.start_token; t < h.end_token; t++) {
            assert.ok(!covered.has(t), 'spans do not overlap');
            covered.add(t);
          }
        }
        assert.equal(covered.size, Math.ceil(d.n / 10), 'the hard rationale is the 10% bin');
        assert.equal(inst.classification, head.classes[d.predicted]);
        const dist = (x: unknown): Record<string, number> => {
          const q = x as Record<string, number>;
          assert.deepEqual(Object.keys(q), head.classes, 'a score for every class, by name');
          assert.ok(Math.abs(Object.values(q).reduce((a, v) => a + v, 0) - 1) < 1e-9, 'normalised');
          return q;
        };
        const cls = dist(inst.classification_scores);
        dist(inst.comprehensiveness_classification_scores);
        dist(inst.sufficiency_classification_scores);
        const thresholded = inst.thresholded_scores as { threshold: number; comprehensiveness_classification_scores: unknown; sufficiency_classification_scores: unknown }[];
        assert.deepEqual(thresholded.map((t) => t.threshold), [0.01, 0.05, 0.1, 0.2, 0.5]);
        // _instances_aopc on this instance.
        const kls = inst.classification as string;
        const mean = (v: number[]): number => v.reduce((a, x) => a + x, 0) / v.length;
        const comp = mean(thresholded.map((t) => cls[kls]! - dist(t.comprehensiveness_classification_scores)[kls]!));
        const suff = mean(thresholded.map((t) => cls[kls]! - dist(t.sufficiency_classification_scores)[kls]!));
        const ours = eraserScores(d.tests!.eraser_attention!, ranking)!;
        assert.ok(Math.abs(comp - ours.aopcComprehensiveness) < 1e-12 && Math.abs(suff - ours.aopcSufficiency) < 1e-12);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no ERASER test ran: no export folder', () => {
  const rng = new Rng(1);
  const head = randomHead(rng, 2, 3);
  const run = runBattery([randomState(rng, head, 4)], head, { seed: 1, bootstrapResamples: 10 });
  assert.deepEqual(writeEraserExports('/nonexistent-never-written', run.documents, head.classes), {});
});
