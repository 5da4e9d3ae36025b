// attnlab diagnose / attnlab adversary on a tiny trained-model folder: the JSON files they write, a rerun
// that keeps what is done (and trains only what is new), and one-line refusals of bad options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as diagnose } from '../../../src/cli/commands/diagnose.ts';
import { command as adversary } from '../../../src/cli/commands/adversary.ts';
import { buildModel } from '../../../src/models/index.ts';
import { saveBestModel } from '../../../src/train/checkpoint.ts';
import { readDiagnoseFile } from '../../../src/train/diagnose-model.ts';
import { readAdversaryFile } from '../../../src/train/adversary-model.ts';
import { toyFlan } from '../toy-flan.ts';

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string }> {
  const out: string[] = [];
  const origErr = console.error;
  const origLog = console.log;
  console.error = () => {};
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    return { value: await fn(), stdout: out.join('\n') };
  } finally {
    console.error = origErr;
    console.log = origLog;
  }
}

test('attnlab diagnose and adversary: JSON written, reruns keep finished parts, bad options refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-diagnose-'));
  const cacheBefore = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  try {
    const { data, ds, config, modelConfig } = await toyFlan(dir);
    const ckpt = join(dir, 'run');
    mkdirSync(ckpt);
    saveBestModel(ckpt, buildModel(modelConfig), {
      format: 'attnlab-model', version: 1, arch: 'flan-noenc', model: modelConfig, config, profile: 'quick',
      dataset: { name: ds.name, hash: ds.meta.key }, vocabulary: ds.vocab, labels: ds.labels, epoch: 1, devAccuracy: 0.5, testAccuracy: null,
    });

    const first = await quietly(() => diagnose.run([ckpt, '--data', data, '--epochs', '2', '--hidden', '4', '--variants', 'trained,uniform']));
    assert.equal(first.value, 0);
    const f1 = readDiagnoseFile(ckpt)!;
    assert.deepEqual(f1.variants.map((v) => v.variant), ['trained', 'uniform']);
    assert.equal(f1.base.testDocuments, 12);
    assert.equal(f1.settings.epochs, 2);
    for (const v of f1.variants) assert.equal(v.history.length, 2);
    assert.match(first.stdout, /\| flan-noenc \| toy \| [\d.]+% \| [\d.]+% \| [\d.]+% \| - \|/);
    // All three: the two done are kept as they were, only `learned` is trained.
    await quietly(() => diagnose.run([ckpt, '--data', data, '--epochs', '2', '--hidden', '4']));
    const f2 = readDiagnoseFile(ckpt)!;
    assert.deepEqual(f2.variants.map((v) => v.variant), ['trained', 'uniform', 'learned']);
    assert.deepEqual(f2.variants.slice(0, 2), f1.variants);
    // Other settings: everything again.
    await quietly(() => diagnose.run([ckpt, '--data', data, '--epochs', '1', '--hidden', '4']));
    assert.ok(readDiagnoseFile(ckpt)!.variants.every((v) => v.history.length === 1));

    await quietly(() => adversary.run([ckpt, '--data', data, '--lambda', '1,0', '--epochs', '1']));
    const a1 = readAdversaryFile(ckpt)!;
    assert.deepEqual(a1.runs.map((r) => r.lambda), [0, 1]);
    const text1 = readFileSync(join(ckpt, 'adversary.json'), 'utf8');
    await quietly(() => adversary.run([ckpt, '--data', data, '--lambda', '0,1', '--epochs', '1']));
    assert.equal(readFileSync(join(ckpt, 'adversary.json'), 'utf8'), text1, 'a rerun of the same λ trains nothing');
    await quietly(() => adversary.run([ckpt, '--data', data, '--lambda', '0,0.5,1', '--epochs', '1']));
    const a2 = readAdversaryFile(ckpt)!;
    assert.deepEqual(a2.runs.map((r) => r.lambda), [0, 0.5, 1]);
    assert.deepEqual([a2.runs[0], a2.runs[2]], a1.runs);
    for (const r of a2.runs) {
      assert.equal(r.test.documents, 12);
      assert.equal(r.test.js.length, r.test.attentionDocuments);
      assert.ok(r.test.meanTvd >= 0 && r.test.meanTvd <= 1 && r.test.meanJs >= 0 && r.test.meanJs <= Math.log(2) + 1e-9);
    }

    await assert.rejects(() => quietly(() => adversary.run([ckpt, '--lambda', '0,-1'])), /--lambda: '-1' is not a number >= 0/);
    await assert.rejects(() => quietly(() => adversary.run([ckpt, '--init', 'sideways'])), /--init: 'sideways' is not one of base, scratch/);
    // --init is a setting: another start trains every λ again, recorded in the file; λ > 0 gets the MLP column.
    const scratch = await quietly(() => adversary.run([ckpt, '--data', data, '--lambda', '0,1', '--epochs', '1', '--init', 'scratch']));
    const a3 = readAdversaryFile(ckpt)!;
    assert.equal(a3.settings.init, 'scratch');
    assert.notDeepEqual(a3.runs[1]!.test, a1.runs[1]!.test);
    assert.equal(a3.runs[1]!.diagnostic?.variant, 'adversary');
    assert.match(scratch.stdout, /\| flan-noenc \| toy \| 1 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+% \| [\d.]+% \| [\d.]+% \|/);
    await assert.rejects(() => quietly(() => diagnose.run([ckpt, '--variants', 'trained,random'])), /--variants: 'random' is not one of trained, uniform, learned/);
    await assert.rejects(() => quietly(() => diagnose.run([join(dir, 'nowhere')])), /does not exist/);
  } finally {
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(dir, { recursive: true, force: true });
  }
});
