// A reproduce folder holds a trained model (model.json) with its erasure run inside (erasure/). The run's
// description is tested-model.json, so `attnlab eval` on the folder finds only the trained model (issue 9,
// item 3), and it carries what the report shows: Table 3 from the full test split, the majority class,
// the training provenance and Table 1 with the length distribution (items 4, 6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestCommand } from '../../src/cli/commands/test.ts';
import { command as evalCommand } from '../../src/cli/commands/eval.ts';
import { readRun } from '../../src/report/run-input.ts';
import { buildModel } from '../../src/models/index.ts';
import { toyFlan } from '../cli/toy-flan.ts';

async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; out: string }> {
  const lines: string[] = [];
  const [origErr, origLog] = [console.error, console.log];
  console.error = () => {};
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    return { value: await fn(), out: lines.join('\n') };
  } finally {
    console.error = origErr;
    console.log = origLog;
  }
}

test('attnlab eval on a folder holding a trained model and its erasure/ run works, and tested-model.json carries Table 3 and provenance', async () => {
  const { saveBestModel } = await import('../../src/train/checkpoint.ts');
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-tested-model-'));
  const cacheBefore = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  try {
    const { data, ds, config, modelConfig } = await toyFlan(dir);
    const root = join(dir, 'reproduce');
    const trained = join(root, ds.name, 'flan-noenc');
    mkdirSync(trained, { recursive: true });
    saveBestModel(trained, buildModel(modelConfig), {
      format: 'attnlab-model', version: 1, arch: 'flan-noenc', model: modelConfig, config, profile: 'quick',
      dataset: { name: ds.name, hash: ds.meta.key }, vocabulary: ds.vocab, labels: ds.labels, epoch: 2, devAccuracy: 0.5,
      testAccuracy: 0.583, testMajority: 0.5, trainDocuments: 60, epochsRun: 3,
    });
    const erasure = join(trained, 'erasure');
    await captured(() => runTestCommand([trained, '--data', data, '--out', erasure, '--resamples', '10']));
    assert.ok(existsSync(join(erasure, 'tested-model.json')));
    assert.ok(!existsSync(join(erasure, 'model.json')), 'no second model.json for attnlab eval to trip over');

    const { value, out } = await captured(() => evalCommand.run([root, '--stored']));
    assert.equal(value, 0);
    assert.match(out, /58\.3/, 'the trained model\'s recorded test accuracy');
    assert.match(out, /50\.0/, 'the majority column');

    const run = readRun(erasure);
    assert.equal(run.model.testAccuracy, 0.583, 'Table 3 is the full test split (model.json), not the erasure sample');
    assert.equal(run.model.testMajority, 0.5);
    assert.equal(typeof run.model.sampleAccuracy, 'number');
    assert.deepEqual(run.model.training, { profile: 'quick', bestEpoch: 2, epochsRun: 3, maxEpochs: config.maxEpochs, trainDocuments: 60, maxTrainDocs: config.maxTrainDocs, seed: config.seed, devAccuracy: 0.5 });
    assert.equal(run.model.data!.test, 12);
    assert.equal(run.model.data!.lengths!.documents, 12);
    assert.equal(run.model.data!.lengths!.sentences.max >= 1, true);
    assert.ok(run.model.data!.lengths!.words.min >= 5 && run.model.data!.lengths!.words.max <= 13, JSON.stringify(run.model.data!.lengths!.words));
    assert.equal(typeof run.model.attnlab!.version, 'string');
    assert.match(run.model.date!, /^\d{4}-\d\d-\d\dT/);
    const onDisk = JSON.parse(readFileSync(join(erasure, 'tested-model.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(onDisk.checkpoint, trained);
  } finally {
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(dir, { recursive: true, force: true });
  }
});
