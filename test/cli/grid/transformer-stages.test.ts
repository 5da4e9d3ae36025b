// bert-small in the reproduce grid: its train stage writes a Hugging Face folder (trainTransformer), its test
// stage runs the transformer erasure tests on that folder, and a second run reuses the finished training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStage } from '../../../src/cli/grid/stages.ts';
import { stageDone } from '../../../src/cli/grid/progress.ts';
import type { GridPlan } from '../../../src/cli/grid/plan.ts';
import { MODEL_NAMES } from '../../../src/models/registry.ts';
import { writeTinyData } from './tiny-data.ts';

test('grid: bert-small trains into a Hugging Face folder and is erasure-tested there', async () => {
  assert.ok(MODEL_NAMES.includes('bert-small'));
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-grid-bert-'));
  try {
    const source = join(dir, 'tiny.jsonl');
    writeTinyData(source, { train: 48, test: 12 });
    const plan: GridPlan = {
      format: 'attnlab-grid', version: 1, out: join(dir, 'out'), data: [{ source, name: 'tiny' }], archs: ['bert-small'],
      profile: 'demo', vectors: 'none', seed: 1, maxDocs: null, chunkSize: 500, device: 'cpu',
    };
    const lines: string[] = [];
    const ctx = { log: (l: string) => lines.push(l), device: 'cpu', loaded: new Map() };
    const d = plan.data[0]!;
    const trainStage = { kind: 'train', data: d, arch: 'bert-small' } as const;
    assert.equal(stageDone(plan, trainStage), false);
    await runStage(plan, trainStage, ctx);
    // `attnlab status` and a resumed or resubmitted grid see the finished training (it said "pending").
    assert.equal(stageDone(plan, trainStage), true, 'a finished bert-small training is done');
    const folder = join(plan.out, 'tiny', 'bert-small');
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'attnlab.json']) assert.ok(existsSync(join(folder, f)), f);
    await runStage(plan, { kind: 'test', data: d, arch: 'bert-small' }, ctx);
    const model = JSON.parse(readFileSync(join(folder, 'erasure', 'tested-model.json'), 'utf8')) as { architecture: string; model: string; documents: number; testAccuracy: number | null; testMajority: number | null; training: { trainDocuments: number | null } | null };
    assert.equal(model.architecture, 'bert');
    assert.equal(model.model, 'bert-small');
    assert.equal(model.documents, 12);
    // Table 3's numbers are the full test split's, as training recorded them, not the erasure sample's.
    const trained = JSON.parse(readFileSync(join(folder, 'attnlab.json'), 'utf8')) as { testAccuracy: number; testMajority: number; trainDocuments: number };
    assert.equal(model.testAccuracy, trained.testAccuracy);
    assert.equal(model.testMajority, trained.testMajority);
    // The provenance header's training documents: the trainer's record, not "?".
    assert.ok(Number.isInteger(trained.trainDocuments) && trained.trainDocuments > 0);
    assert.equal(model.training?.trainDocuments, trained.trainDocuments);
    assert.ok(existsSync(join(folder, 'erasure', 'summary.json')));
    await runStage(plan, { kind: 'train', data: d, arch: 'bert-small' }, ctx);
    assert.equal(lines.filter((l) => /tiny bert-small: best dev/.test(l)).length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
