// reproduce --suite / --seeds / --attention-kinds as a plan: which models and stages a grid has, their
// folders, what grid.json stores and how a grid written before these options reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planOf } from '../../../src/cli/commands/reproduce.ts';
import { erasureDir, gridTestNames, modelsOf, readPlan, reportDir, stageId, stagesOf, writePlan, type GridPlan } from '../../../src/cli/grid/plan.ts';
import { DEFAULT_TEST_NAMES, TEST_NAMES } from '../../../src/erasure/tests/index.ts';
import { UserError } from '../../../src/util/errors.ts';

const base = { data: 'tiny.jsonl', models: 'flan-noenc,bert-small', vectors: 'none', out: 'o' };

test('--suite default is the grid it was: one softmax model per architecture, the default tests, erasure/ and report/', () => {
  const p = planOf(base);
  assert.equal(p.suite, 'default');
  assert.equal(p.seeds, 1);
  assert.deepEqual(p.attentionKinds, ['softmax']);
  assert.deepEqual(stagesOf(p).map(stageId), ['data/tiny', 'train/tiny/flan-noenc', 'train/tiny/bert-small', 'test/tiny/flan-noenc', 'test/tiny/bert-small', 'report']);
  assert.deepEqual(gridTestNames(p), DEFAULT_TEST_NAMES);
  assert.equal(erasureDir(p, p.data[0]!, 'flan-noenc'), join('o', 'tiny', 'flan-noenc', 'erasure'));
  assert.equal(reportDir(p), join('o', 'report'));
});

test('--suite full: every test, 3 seeds, every attention kind (uniform trained only, transformers softmax only), own folders', () => {
  const p = planOf({ ...base, suite: 'full' });
  assert.equal(p.suite, 'full');
  assert.equal(p.seeds, 3);
  assert.deepEqual(p.attentionKinds, ['softmax', 'sparsemax', 'entmax15', 'uniform']);
  assert.deepEqual(gridTestNames(p), TEST_NAMES);
  assert.deepEqual(
    modelsOf(p, 'flan-noenc').map((m) => `${m.name}|${m.attention}|${m.seed}`),
    [
      'flan-noenc|softmax|1', 'flan-noenc/seed-2|softmax|2', 'flan-noenc/seed-3|softmax|3',
      'flan-noenc-sparsemax|sparsemax|1', 'flan-noenc-sparsemax/seed-2|sparsemax|2', 'flan-noenc-sparsemax/seed-3|sparsemax|3',
      'flan-noenc-entmax15|entmax15|1', 'flan-noenc-entmax15/seed-2|entmax15|2', 'flan-noenc-entmax15/seed-3|entmax15|3',
      'flan-noenc-uniform|uniform|1', 'flan-noenc-uniform/seed-2|uniform|2', 'flan-noenc-uniform/seed-3|uniform|3',
    ],
  );
  assert.deepEqual(modelsOf(p, 'bert-small').map((m) => m.name), ['bert-small', 'bert-small/seed-2', 'bert-small/seed-3']);
  const ids = stagesOf(p).map(stageId);
  assert.equal(ids.filter((i) => i.startsWith('train/')).length, 12 + 3);
  assert.equal(ids.filter((i) => i.startsWith('test/')).length, 9 + 3, 'uniform-attention models are not erasure-tested');
  assert.ok(!ids.some((i) => i.startsWith('test/') && i.includes('uniform')));
  assert.equal(erasureDir(p, p.data[0]!, 'flan-noenc/seed-2'), join('o', 'tiny', 'flan-noenc', 'seed-2', 'erasure-full'));
  assert.equal(reportDir(p), join('o', 'report-full'));
  // Explicit options win over the suite's defaults; kinds are put in table order, softmax first.
  const q = planOf({ ...base, suite: 'full', seeds: '1', 'attention-kinds': 'sparsemax,softmax' });
  assert.equal(q.seeds, 1);
  assert.deepEqual(q.attentionKinds, ['softmax', 'sparsemax']);
  assert.deepEqual(stagesOf(planOf({ ...base, models: 'flan-noenc', seeds: '2' })).map(stageId), [
    'data/tiny', 'train/tiny/flan-noenc', 'train/tiny/flan-noenc/seed-2', 'test/tiny/flan-noenc', 'test/tiny/flan-noenc/seed-2', 'report',
  ]);
});

test('bad --suite, --seeds and --attention-kinds are one clear line', () => {
  const refuses = (v: Record<string, string>, message: string): void => {
    assert.throws(() => planOf({ ...base, ...v }), (err: unknown) => err instanceof UserError && err.message === message);
  };
  refuses({ suite: 'heavy' }, `attnlab reproduce: --suite must be one of default, full, got 'heavy'`);
  refuses({ seeds: '0' }, `attnlab reproduce: --seeds must be an integer >= 1, got '0'`);
  refuses({ 'attention-kinds': 'softmax,relu' }, `attnlab reproduce: --attention-kinds: unknown attention kind 'relu' (expected a comma-separated list of softmax, sparsemax, entmax15, uniform)`);
});

test('grid.json stores the suite, seeds and kinds; a grid from before them reads as the default suite; a bad field is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-suite-'));
  try {
    const p = { ...planOf({ ...base, suite: 'full', seeds: '2' }), out: dir };
    writePlan(p);
    const back = readPlan(dir);
    assert.deepEqual(back, p);
    assert.deepEqual(stagesOf(back).map(stageId), stagesOf(p).map(stageId));
    const old = JSON.parse(readFileSync(join(dir, 'grid.json'), 'utf8')) as Partial<GridPlan>;
    delete old.suite;
    delete old.seeds;
    delete old.attentionKinds;
    writeFileSync(join(dir, 'grid.json'), JSON.stringify(old));
    const o = readPlan(dir);
    assert.equal(o.suite, 'default');
    assert.equal(o.seeds, 1);
    assert.deepEqual(o.attentionKinds, ['softmax']);
    writeFileSync(join(dir, 'grid.json'), JSON.stringify({ ...old, suite: 'heavy' }));
    assert.throws(() => readPlan(dir), (err: unknown) => err instanceof UserError && err.message.includes(`field 'suite' should be default or full`));
    writeFileSync(join(dir, 'grid.json'), JSON.stringify({ ...old, attentionKinds: ['relu'] }));
    assert.throws(() => readPlan(dir), (err: unknown) => err instanceof UserError && err.message.includes(`field 'attentionKinds' should be a list of softmax, sparsemax, entmax15, uniform`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
