// `attnlab test <Hugging Face folder> --data …`: the folder is recognised, the data set's words go through
// the folder's own tokenizer, and the run folder holds the same outputs as a HAN/FLAN run (resumable by
// chunk), with the transformer backend, its options and the tokenization noted in summary.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestCommand } from '../../src/cli/commands/test.ts';
import { argmax, type BatterySummary, type DocumentExample, type DocumentResult } from '../../src/erasure/index.ts';
import { outcomeScore } from '../../src/erasure/examples.ts';
import { liveTensors } from '../../src/torch/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { expected, fixtureDir } from '../models/hf-fixtures.ts';

async function quietly<R>(fn: () => Promise<R>): Promise<{ result: R; log: string[] }> {
  const log: string[] = [];
  const [err, out] = [console.error, console.log];
  console.error = (line: string) => log.push(line);
  console.log = () => {};
  try {
    return { result: await fn(), log };
  } finally {
    console.error = err;
    console.log = out;
  }
}

function toyData(dir: string, labels: string[]): string {
  const words = expected('bert').document.text.split(/\s+/).filter((w) => /^[a-z]+$/.test(w));
  const rng = new Rng(7);
  const row = (): string => `${labels[rng.int(labels.length)]}\t${Array.from({ length: 3 + rng.int(9) }, () => words[rng.int(words.length)]).join(' ')}`;
  const data = join(dir, 'toy');
  mkdirSync(data);
  writeFileSync(join(data, 'train.tsv'), Array.from({ length: 40 }, row).join('\n'));
  writeFileSync(join(data, 'test.tsv'), Array.from({ length: 9 }, row).join('\n'));
  return data;
}

test('attnlab test on a Hugging Face folder: tokenized by the folder, the same outputs, resumable, greedy bound labelled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-hf-test-'));
  const cacheBefore = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  try {
    const data = toyData(dir, ['negative', 'neutral', 'positive']);
    const out = join(dir, 'out');
    const args = [fixtureDir('bert'), '--data', data, '--out', out, '--resamples', '10', '--chunk', '4', '--specials', 'out'];
    const before = liveTensors();
    const first = await quietly(() => runTestCommand(args));
    assert.equal(first.result, 0);
    assert.ok(first.log.some((l) => l.startsWith('attnlab test: tokenizer: no documents longer than 64 tokens')), first.log.join('\n'));
    assert.equal(liveTensors(), before, 'the model is freed when the command ends');
    const docs = readFileSync(join(out, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DocumentResult);
    assert.equal(docs.length, 9);
    for (const d of docs) {
      assert.equal(d.minimal.method, 'greedy_upper_bound');
      assert.equal(d.multi.greedy?.length, 1);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as BatterySummary;
    assert.equal(summary.minimal.method, 'greedy_upper_bound');
    assert.deepEqual(
      [summary.run.erasureBackend, summary.run.heads, summary.run.specials],
      ['transformer-row', 'all', 'out'],
    );
    assert.deepEqual(summary.classes, ['negative', 'neutral', 'positive']);
    const model = JSON.parse(readFileSync(join(out, 'tested-model.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(model.architecture, 'bert');
    // A Hugging Face folder attnlab did not train records no full-split accuracy: not the sample's.
    assert.equal(model.testAccuracy, null);
    assert.equal(typeof model.sampleAccuracy, 'number');
    const examples = readFileSync(join(out, 'examples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DocumentExample);
    // Chosen by outcome, as for HAN/FLAN: each example says what it shows, and shows it.
    assert.ok(examples.length > 0 && examples.length <= docs.length);
    const byId = new Map(docs.map((d) => [String(d.docId), d]));
    let flipsSeen = 0;
    for (const e of examples) {
      const d = byId.get(String(e.docId))!;
      assert.ok(d, `example ${String(e.docId)} is a tested document`);
      assert.ok(e.outcomes && e.outcomes.length > 0, 'chosen for an outcome');
      for (const o of e.outcomes) assert.notEqual(outcomeScore(d, o), null, `${String(e.docId)} shows ${o}`);
      // With specials out, the items are the words (WordPiece pieces), never [CLS] / [SEP].
      assert.equal(e.items.length, d.n);
      assert.ok(e.items.flat().every((w) => w !== '[CLS]' && w !== '[SEP]'));
      assert.ok(e.orders.greedy && e.orders.rollout);
      // The battery's flips, from the transformer backend: the same k as documents.jsonl, the output at
      // the flip decides another class and the one before it does not.
      for (const [name, at] of Object.entries(e.atFlip ?? {})) {
        const m = d.multi[name as keyof typeof d.multi]![0]!;
        flipsSeen++;
        assert.equal(at.erased, m.erased, `${name}: erased`);
        assert.equal(at.after.length, summary.classes.length, `${name}: probabilities at the flip`);
        assert.notEqual(argmax(Float64Array.from(at.after)), d.predicted, `${name}: flipped at the flip`);
        if (at.erased > 1) assert.equal(argmax(Float64Array.from(at.before)), d.predicted, `${name}: not yet flipped before it`);
      }
    }
    assert.ok(flipsSeen > 0, 'some ranking flips some example, so the flips are really checked');

    // A second run finds every chunk done and writes the same results.
    const again = await quietly(() => runTestCommand(args));
    assert.equal(again.result, 0);
    assert.ok(!again.log.some((l) => l.includes('model pass')), 'no chunk is recomputed');
    assert.deepEqual(readFileSync(join(out, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DocumentResult), docs);
  } finally {
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('attnlab test on a Hugging Face folder: no --data, other classes, bad options are one clear line each', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-hf-test-'));
  const cacheBefore = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  try {
    const bert = fixtureDir('bert');
    await assert.rejects(() => runTestCommand([bert, '--out', join(dir, 'a')]), {
      message: `attnlab test: ${bert} is a Hugging Face folder; name the data to test it on with --data`,
    });
    const data = toyData(dir, ['pos', 'neg']);
    await assert.rejects(
      () => quietly(() => runTestCommand([bert, '--data', data, '--out', join(dir, 'b')])),
      /config\.json: id2label names the classes \["negative","neutral","positive"\], but data 'toy' has \["neg","pos"\]/,
    );
    await assert.rejects(() => runTestCommand([bert, '--data', data, '--heads', 'some']), /--heads must be all or each, got 'some'/);
  } finally {
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(dir, { recursive: true, force: true });
  }
});
