// reproduce --suite full runs the Wiegreffe & Pinter analyses on each data set's first HAN/FLAN model before
// the report (diagnose.json, adversary.json in the model folder); --suite default runs none; a rerun redoes nothing;
// each adversary with λ > 0 has its diagnostic MLP (Table 4); an adversary.json from before that is trained again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnosticsStage } from '../../../src/cli/grid/stages-diagnostics.ts';
import { modelDir, type GridPlan } from '../../../src/cli/grid/plan.ts';
import { buildModel } from '../../../src/models/index.ts';
import { saveBestModel } from '../../../src/train/checkpoint.ts';
import { ADVERSARY_DEFAULTS } from '../../../src/train/adversarial-train.ts';
import { DEFAULT_LAMBDAS, readAdversaryFile } from '../../../src/train/adversary-model.ts';
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
    const adv = JSON.parse(readFileSync(join(model, 'adversary.json'), 'utf8')) as { settings: { init: string; epochs: number }; diagnosticSettings?: unknown; runs: { lambda: number; diagnostic?: { variant: string; testDocuments: number } }[] };
    assert.deepEqual(diag.variants.map((v) => v.variant), ['trained', 'uniform', 'learned']);
    assert.deepEqual(adv.runs.map((r) => r.lambda), DEFAULT_LAMBDAS);
    assert.equal(adv.settings.init, ADVERSARY_DEFAULTS.init);
    assert.equal(adv.settings.epochs, ADVERSARY_DEFAULTS.epochs);
    assert.ok(adv.diagnosticSettings, 'the MLP settings of the adversaries\' diagnostics are recorded');
    const trained = (diag.variants as unknown as { variant: string; history: { trainLoss: number }[] }[]).find((v) => v.variant === 'trained')!;
    for (const r of adv.runs) {
      if (r.lambda === 0) assert.equal(r.diagnostic, undefined, 'λ = 0 gets no MLP');
      else {
        assert.equal(r.diagnostic?.variant, 'adversary', `λ = ${r.lambda}: its weights went through the diagnostic`);
        // Same MLP seed, batches and table as diagnose's `trained`: only the weights differ, so equal losses would
        // mean the base's weights were pooled instead of the adversary's.
        const h = (r.diagnostic as unknown as { history: { trainLoss: number }[] }).history;
        assert.notDeepEqual(h.map((x) => x.trainLoss), trained.history.map((x) => x.trainLoss), `λ = ${r.lambda}: the adversary's own weights`);
      }
    }
    assert.ok(lines.some((l) => /toy han-rnn: no trained model/.test(l)), 'a missing model is named, not an error');
    const before = [readFileSync(join(model, 'diagnose.json'), 'utf8'), readFileSync(join(model, 'adversary.json'), 'utf8')];
    await diagnosticsStage({ ...plan, suite: 'full' }, ctx);
    assert.deepEqual([readFileSync(join(model, 'diagnose.json'), 'utf8'), readFileSync(join(model, 'adversary.json'), 'utf8')], before);

    // An adversary.json as written before the diagnostic and `init` existed (same epochs, from scratch): it
    // still reads (init 'scratch', no diagnostics), and the stage trains the adversaries again, with them.
    const old = JSON.parse(before[1]!) as { settings: Record<string, unknown>; diagnosticSettings?: unknown; runs: Record<string, unknown>[] };
    delete old.settings.init;
    delete old.diagnosticSettings;
    for (const r of old.runs) delete r.diagnostic;
    writeFileSync(join(model, 'adversary.json'), JSON.stringify(old));
    const read = readAdversaryFile(model)!;
    assert.equal(read.settings.init, 'scratch');
    assert.ok(read.runs.every((r) => r.diagnostic === undefined));
    await diagnosticsStage({ ...plan, suite: 'full' }, ctx);
    const again = readAdversaryFile(model)!;
    assert.equal(again.settings.init, ADVERSARY_DEFAULTS.init);
    assert.ok(again.runs.filter((r) => r.lambda > 0).every((r) => r.diagnostic?.variant === 'adversary'));
  } finally {
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(dir, { recursive: true, force: true });
  }
});
