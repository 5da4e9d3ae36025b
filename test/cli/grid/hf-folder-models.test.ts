// attnlab reproduce --models with Hugging Face folders beside a built-in architecture: each folder is tested
// (never trained) on every data set with its own tokenizer, under <out>/<data>/<folder name>, and appears
// in the report; a folder that is not a Hugging Face folder, or two models with one name, are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as reproduce } from '../../../src/cli/commands/reproduce.ts';
import { readPlan, stagesOf, stageId } from '../../../src/cli/grid/plan.ts';
import { fixtureDir } from '../../models/hf-fixtures.ts';

/** A tiny corpus with the fixture models' three classes (negative, neutral, positive). */
function writeThreeClassData(path: string): void {
  const words = [['bad', 'poor', 'sad'], ['plain', 'some', 'usual'], ['good', 'great', 'happy']];
  const labels = ['negative', 'neutral', 'positive'];
  const lines: string[] = [];
  for (let i = 0; i < 42; i++) {
    const c = i % 3;
    const text = `the ${words[c]![i % 3]!} one was ${words[c]![(i + 1) % 3]!} and it is ${words[(c + i) % 3]![0]!} .`;
    lines.push(JSON.stringify({ label: labels[c], text, split: i < 30 ? 'train' : 'test' }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

const quiet = async <R>(fn: () => Promise<R>): Promise<R> => {
  const [log, err] = [console.log, console.error];
  console.log = console.error = () => {};
  try {
    return await fn();
  } finally {
    [console.log, console.error] = [log, err];
  }
};

test('reproduce --models: Hugging Face folders are tested, not trained, on each data set; the report has their rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-grid-hf-'));
  try {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeThreeClassData(a);
    writeThreeClassData(b);
    const out = join(dir, 'out');
    const models = [fixtureDir('bert'), `${fixtureDir('roberta')}/`].join(',');
    await quiet(() => reproduce.run(['--data', `${a},${b}`, '--models', models, '--out', out, '--vectors', 'none', '--max-docs', '5']));
    const plan = readPlan(out);
    assert.deepEqual(plan.archs, ['bert', 'roberta']);
    assert.equal(plan.folders?.bert, fixtureDir('bert'));
    assert.equal(plan.folders?.roberta, fixtureDir('roberta'), 'a trailing slash names the same folder');
    assert.ok(stagesOf(plan).map(stageId).includes('test/a/roberta'));
    for (const data of ['a', 'b']) {
      for (const name of ['bert', 'roberta']) {
        const run = join(out, data, name);
        assert.ok(!existsSync(join(run, 'model.safetensors')), `${data}/${name}: nothing trained or copied`);
        const tested = JSON.parse(readFileSync(join(run, 'erasure', 'tested-model.json'), 'utf8')) as { architecture: string; folder: string; documents: number; dataset: string };
        assert.equal(tested.architecture, name);
        assert.equal(tested.folder, fixtureDir(name as 'bert' | 'roberta'));
        assert.equal(tested.documents, 5);
        assert.equal(tested.dataset, data);
        const summary = JSON.parse(readFileSync(join(run, 'erasure', 'summary.json'), 'utf8')) as { run: { tokenization: string; erasureBackend: string } };
        assert.equal(summary.run.erasureBackend, 'transformer-row');
        assert.match(summary.run.tokenization, /documents/);
      }
    }
    const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
    assert.match(html, /roberta/);
    // A second run finds everything done and repeats nothing.
    const again: string[] = [];
    const err = console.error;
    console.error = (l: string) => again.push(String(l));
    try {
      await reproduce.run(['--data', `${a},${b}`, '--models', models, '--out', out, '--vectors', 'none', '--max-docs', '5']);
    } finally {
      console.error = err;
    }
    assert.ok(!again.some((l) => /chunk 1\/1/.test(l)), `no chunk recomputed:\n${again.join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reproduce --models: a folder that is not a Hugging Face folder, an unknown name and a name clash are one clear line each', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-grid-hf-bad-'));
  try {
    const data = join(dir, 'a.jsonl');
    writeThreeClassData(data);
    const run = (models: string) => reproduce.run(['--data', data, '--models', models, '--out', join(dir, 'out'), '--vectors', 'none']);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await assert.rejects(run(empty), /--models: .*empty is not a Hugging Face model folder \(it needs config\.json and model\.safetensors\)/);
    await assert.rejects(run('flan-nope'), /--models: unknown architecture 'flan-nope' \(expected .* or all\)/);
    const twin = join(dir, 'twin', 'bert');
    cpSync(fixtureDir('bert'), twin, { recursive: true });
    await assert.rejects(run(`${fixtureDir('bert')},${twin}`), /the folders .* are both named 'bert'; copy one under another name/);
    const clash = join(dir, 'flan-noenc');
    cpSync(fixtureDir('bert'), clash, { recursive: true });
    await assert.rejects(run(`flan-noenc,${clash}`), /would both write to <out>\/<data>\/flan-noenc/);
    assert.equal(existsSync(join(dir, 'out')), false, 'nothing written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
