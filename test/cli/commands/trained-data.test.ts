// A model trained from a data file finds that file again (issue 9 item 7, issue 10 item 4): model.json
// records the absolute path and sha256; test and eval work from any folder without --data, a moved file
// is an error that says to pass --data, a changed file is refused, and the data options (--skip-bad ...)
// are taken by train, test and eval alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as trainCommand } from '../../../src/cli/commands/train.ts';
import { command as evalCommand } from '../../../src/cli/commands/eval.ts';
import { runTestCommand } from '../../../src/cli/commands/test.ts';
import { readModelMeta } from '../../../src/train/index.ts';
import { evaluateTrainedModel } from '../../../src/train/trained-model.ts';
import { UserError } from '../../../src/util/errors.ts';
import { Rng } from '../../../src/util/rng.ts';

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { value: await fn(), stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);

test('train from a file with data options; test and eval find the data from another folder; moved or changed data is refused clearly', async () => {
  const root = mkdtempSync(join(tmpdir(), 'attnlab-trained-data-'));
  const cwd = process.cwd();
  const cacheBefore = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(root, 'cache');
  try {
    const rng = new Rng(8);
    const words = ['good', 'bad', 'fine', 'awful', 'movie', 'plot', 'the', 'a', 'very', 'not'];
    const row = (): string => `${1 + rng.int(2)},${Array.from({ length: 4 + rng.int(8) }, () => words[rng.int(words.length)]).join(' ')} .`;
    const work = join(root, 'work');
    mkdirSync(join(work, 'data'), { recursive: true });
    // One malformed row: this file needs --skip-bad, which train did not accept before.
    writeFileSync(join(work, 'data', 'reviews.csv'), [...Array.from({ length: 50 }, row), '2,He said "hi"', ...Array.from({ length: 30 }, row)].join('\n') + '\n');
    writeFileSync(join(work, 'data', 'reviews_test.csv'), Array.from({ length: 12 }, row).join('\n') + '\n');
    process.chdir(work);
    const trainArgs = ['data/reviews.csv', '--test', 'data/reviews_test.csv', '--arch', 'flan-noenc', '--profile', 'quick', '--vectors', 'none', '--emb', '8', '--max-epochs', '1', '--max-doc-tokens', '4', '--out', 'models', '--threads', '1'];
    await assert.rejects(quietly(() => trainCommand.run(trainArgs)), userError(/reviews\.csv:51: malformed CSV row .*rerun with --skip-bad/));
    const trained = await quietly(() => trainCommand.run([...trainArgs, '--skip-bad']));
    assert.equal(trained.value, 0, trained.stderr);
    const modelDir = join(work, 'models', 'flan-noenc');
    const rec = readModelMeta(modelDir).dataset;
    assert.equal(rec.source, join(work, 'data', 'reviews.csv'));
    assert.equal(rec.test, join(work, 'data', 'reviews_test.csv'));
    assert.deepEqual(rec.files!.map((f) => [f.role, f.path, f.sha256.length]), [['train', join(work, 'data', 'reviews.csv'), 64], ['test', join(work, 'data', 'reviews_test.csv'), 64]]);
    assert.equal(rec.options!.skipBad, true);

    // From another folder, without --data: the recorded path and options are used.
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    process.chdir(elsewhere);
    const ev = await quietly(() => evalCommand.run([modelDir]));
    assert.equal(ev.value, 0, ev.stderr);
    assert.match(ev.stdout, /\| reviews +\| +\d+\.\d \| +\d+\.\d \|/);
    const t = await quietly(() => runTestCommand([modelDir, '--out', join(elsewhere, 'run'), '--resamples', '10']));
    assert.equal(t.value, 0, t.stderr);

    // Moved: the error names the recorded path and says --data; --data (with --test) finds it.
    renameSync(join(work, 'data'), join(root, 'moved'));
    await assert.rejects(evaluateTrainedModel(modelDir), userError(new RegExp(`was trained on ${join(work, 'data', 'reviews.csv')} \\(train data\\), which is no longer there; pass the data with --data PATH \\(and --test FILE\\)`)));
    await assert.rejects(quietly(() => runTestCommand([modelDir, '--out', join(elsewhere, 'run2')])), userError(/no longer there; pass the data with --data/));
    const moved = await evaluateTrainedModel(modelDir, { data: join(root, 'moved', 'reviews.csv'), options: { test: join(root, 'moved', 'reviews_test.csv') } });
    assert.equal(typeof moved.accuracy, 'number');
    // eval measures as training did: documents over --max-doc-tokens cut, batches bounded in tokens.
    assert.equal(moved.accuracy, readModelMeta(modelDir).testAccuracy, 'eval recomputes the accuracy training recorded');

    // Changed in place: refused, naming the file.
    renameSync(join(root, 'moved'), join(work, 'data'));
    writeFileSync(join(work, 'data', 'reviews_test.csv'), readFileSync(join(work, 'data', 'reviews_test.csv'), 'utf8') + '1,one more row .\n');
    await assert.rejects(
      evaluateTrainedModel(modelDir),
      userError(new RegExp(`${join(work, 'data', 'reviews_test.csv')} has changed since training \\(sha256 was [0-9a-f]{12}…, now [0-9a-f]{12}…\\); pass the data the model was trained on with --data`)),
    );
  } finally {
    process.chdir(cwd);
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(root, { recursive: true, force: true });
  }
});

test('a model.json that records only a name (before paths were recorded) says to pass --data', async () => {
  const { trainingDatasetOf } = await import('../../../src/train/trained-model.ts');
  const meta = { dataset: { name: 'debian_topics10', hash: '0123456789abcdef' } } as Parameters<typeof trainingDatasetOf>[0];
  await assert.rejects(trainingDatasetOf(meta, 'runs/x/han-rnn'), userError(/^runs\/x\/han-rnn: records only the data set's name 'debian_topics10', which is no built-in corpus and no path here; pass the data it was trained on with --data PATH$/));
});
