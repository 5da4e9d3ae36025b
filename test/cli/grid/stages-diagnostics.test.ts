// reproduce --suite full runs the Wiegreffe & Pinter analyses on each data set's first HAN/FLAN model before
// the report (diagnose.json, adversary.json in the model folder); --suite default runs none; a rerun redoes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnosticsStage } from '../../../src/cli/grid/stages-diagnostics.ts';
import { modelDir, type GridPlan } from '../../../src/cli/grid/plan.ts';
import { buildModel } from '../../../src/models/index.ts';
import { saveBestModel } from '../../../src/train/checkpoint.ts';
import { toyFlan } from '../toy-flan.ts';

test('diagnostics stage: suite full writes diagnose.json and adversary.json for the first model; suite default nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-grid-wp-'));
  const cacheBefore = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  try {
    const { data, ds, config, modelConfig } = await toyFlan(dir);
    const plan: GridPlan = {
      format: 'attnlab-grid', version: 1, out: join(dir, 'grid'), data: [{ source: data, name: 'toy' }], archs: ['flan-noenc', 'han-rnn', 'bert-small'],
      profile: 'quick', vectors: 'none', seed: 1, maxDocs: null, chunkSize: 100, device: 'cpu', suite: 'default',
    };
    const model = modelDir(plan, plan.data[0]!, 'flan-noenc');
    saveBestModel(model, buildModel(modelConfig), {
      format: 'attnlab-model', version: 1, arch: 'flan-noenc', model: modelConfig, config, profile: 'quick',
      dataset: { name: ds.name, hash: ds.meta.key }, vocabulary: ds.vocab, labels: ds.labels, epoch: 1, devAccuracy: 0.5, testAccuracy: null,
    });
    const lines: string[] = [];
    const ctx = { log: (l: string) => void lines.push(l), device: 'cpu' };
    await diagnosticsStage(plan, ctx);
    assert.equal(existsSync(join(model, 'diagnose.json')), false);
    await diagnosticsStage({ ...plan, suite: 'full' }, ctx);
    const diag = JSON.parse(readFileSync(join(model, 'diagnose.json'), 'utf8')) as { variants: { variant: string }[] };
    const adv = JSON.parse(readFileSync(join(model, 'adversary.json'), 'utf8')) as { runs: { lambda: number }[] };
    assert.deepEqual(diag.variants.map((v) => v.variant), ['trained', 'uniform', 'learned']);
    assert.deepEqual(adv.runs.map((r) => r.lambda), [0, 0.1, 1]);
    assert.ok(lines.some((l) => /toy han-rnn: no trained model/.test(l)), 'a missing model is named, not an error');
    const before = [readFileSync(join(model, 'diagnose.json'), 'utf8'), readFileSync(join(model, 'adversary.json'), 'utf8')];
    await diagnosticsStage({ ...plan, suite: 'full' }, ctx);
    assert.deepEqual([readFileSync(join(model, 'diagnose.json'), 'utf8'), readFileSync(join(model, 'adversary.json'), 'utf8')], before);
  } finally {
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(dir, { recursive: true, force: true });
  }
});
