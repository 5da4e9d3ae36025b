import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFindings, MIN_DOCUMENTS } from '../../src/report/findings.ts';
import type { Finding } from '../../src/report/findings.ts';
import type { ModelInfo, RunInput } from '../../src/report/run-input.ts';
import { makeDocument } from './synthetic.ts';
import type { DocSketch } from './synthetic.ts';

const OPTS = { resamples: 300, seed: 3 };

function run(model: Partial<ModelInfo>, sketches: DocSketch[]): RunInput {
  return {
    folder: 'mem',
    model: { dataset: 'toy', architecture: 'han', encoder: 'rnn', testAccuracy: 0.8, ...model },
    documents: sketches.map((s, i) => makeDocument(i, s)),
    examples: [],
  };
}

function repeat(count: number, s: DocSketch): DocSketch[] {
  return Array.from({ length: count }, () => s);
}

function only(findings: Finding[], id: string): Finding {
  const hits = findings.filter((f) => f.id === id);
  assert.equal(hits.length, 1, `${id}: ${hits.length} findings`);
  return hits[0]!;
}

test('F1 holds when almost every ΔJS is positive, and does not when most are negative', () => {
  const yes = only(checkFindings([run({}, [...repeat(28, { n: 4, deltaJs: 0.02 }), ...repeat(2, { n: 4, deltaJs: -0.01 })])], OPTS), 'F1');
  assert.equal(yes.verdict, 'holds');
  assert.equal(yes.estimate, 28 / 30);
  assert.equal(yes.documents, 30);
  assert.ok(typeof yes.interval!.lo === 'number' && yes.interval!.lo > 0.5 && yes.interval!.hi === 1);
  assert.equal(yes.detail, 'ΔJS > 0 for 93.3% of 30 documents (95% CI 83.3%–100.0%)');

  const no = only(checkFindings([run({}, [...repeat(25, { n: 4, deltaJs: -0.02 }), ...repeat(5, { n: 4, deltaJs: 0.01 })])], OPTS), 'F1');
  assert.equal(no.verdict, 'does not hold');
});

test('ΔJS exactly 0 does not count as positive (docs/method.md §9: strictly > 0)', () => {
  const f = only(checkFindings([run({}, repeat(20, { n: 3, deltaJs: 0 }))], OPTS), 'F1');
  assert.equal(f.estimate, 0);
  assert.equal(f.verdict, 'does not hold');
});

test('a 50/50 split is inconclusive, not a verdict either way', () => {
  const f = only(checkFindings([run({}, [...repeat(20, { n: 3, deltaJs: 0.1 }), ...repeat(20, { n: 3, deltaJs: -0.1 })])], OPTS), 'F1');
  assert.equal(f.verdict, 'inconclusive');
});

test('too few documents gives no verdict, and single-item documents do not count', () => {
  const docs = [...repeat(MIN_DOCUMENTS - 1, { n: 5, deltaJs: 0.1 }), ...repeat(30, { n: 1 })];
  const findings = checkFindings([run({}, docs)], OPTS);
  for (const id of ['F1', 'F2', 'F3']) {
    const f = only(findings, id);
    assert.equal(f.verdict, 'too few documents', id);
    assert.equal(f.estimate, null);
    assert.equal(f.interval, null);
    assert.equal(f.detail, `9 documents; a verdict needs at least ${MIN_DOCUMENTS}`);
  }
});

test('F2: erasing i* rarely flips holds at 5% and fails at 60%', () => {
  const rare = [...repeat(38, { n: 3 }), ...repeat(2, { n: 3, flipTop: true })];
  assert.equal(only(checkFindings([run({}, rare)], OPTS), 'F2').verdict, 'holds');
  const often = [...repeat(16, { n: 3 }), ...repeat(24, { n: 3, flipTop: true })];
  const f = only(checkFindings([run({}, often)], OPTS), 'F2');
  assert.equal(f.verdict, 'does not hold');
  assert.equal(f.estimate, 0.6);
});

test('F3: gradient fewer 4× as often as attention holds, with the ratio as the estimate', () => {
  const docs = [
    ...repeat(20, { n: 10, erased: { attention: 6, gradient: 3, gradient_x_attention: 6 } }),
    ...repeat(5, { n: 10, erased: { attention: 3, gradient: 6, gradient_x_attention: 6 } }),
    ...repeat(5, { n: 10, erased: { attention: 4, gradient: 4, gradient_x_attention: 4 } }),
  ];
  const f = only(checkFindings([run({ encoder: 'conv' }, docs)], OPTS), 'F3');
  assert.equal(f.verdict, 'holds');
  assert.equal(f.estimate, 4);
  assert.equal(f.documents, 30);
  assert.match(f.detail, /^gradient fewer in 66\.7%, attention fewer in 16\.7% of 30 documents: 4\.00× as often/);
  assert.match(f.detail, /gradient × attention fewer in 0\.0%, attention fewer in 16\.7% of 30 documents: 0\.00× as often/);
});

test('F3: when attention never needs fewer, the ratio is unbounded, not a number', () => {
  const docs = [...repeat(15, { n: 8, erased: { attention: 5, gradient: 2 } }), ...repeat(5, { n: 8, erased: { attention: 3, gradient: 3 } })];
  const f = only(checkFindings([run({ encoder: 'rnn' }, docs)], OPTS), 'F3');
  assert.equal(f.verdict, 'holds');
  assert.equal(f.estimate, 'unbounded');
  assert.match(f.detail, /attention fewer in 0\.0% of 20 documents: ratio unbounded/);
  assert.ok(JSON.stringify(f).includes('"unbounded"'), 'survives JSON');
});

test('F3: rankings that always tie with attention do not hold (parity, ratio 1)', () => {
  const f = only(checkFindings([run({}, repeat(20, { n: 5, erased: { attention: 2, gradient: 2, gradient_x_attention: 2 } }))], OPTS), 'F3');
  assert.equal(f.verdict, 'does not hold');
  assert.equal(f.estimate, 1);
});

test('F3 does not hold when attention wins, and documents that never flip are left out', () => {
  const docs = [
    ...repeat(25, { n: 8, erased: { attention: 2, gradient: 5, gradient_x_attention: 5 } }),
    ...repeat(40, { n: 8, erased: { attention: null, gradient: 1, gradient_x_attention: 1 } }),
  ];
  const f = only(checkFindings([run({}, docs)], OPTS), 'F3');
  assert.equal(f.verdict, 'does not hold');
  assert.equal(f.documents, 25);
});

test('F5 (no encoder): a tie holds, gradient winning everywhere does not; F3 is not checked without an encoder', () => {
  const tie = checkFindings([run({ encoder: 'noenc' }, repeat(30, { n: 6, erased: { attention: 3, gradient: 3 } }))], OPTS);
  assert.equal(tie.filter((f) => f.id === 'F3').length, 0);
  const f = only(tie, 'F5');
  assert.equal(f.verdict, 'holds');
  assert.equal(f.estimate, 0);
  const lose = only(checkFindings([run({ encoder: 'noenc' }, repeat(30, { n: 6, erased: { attention: 4, gradient: 2 } }))], OPTS), 'F5');
  assert.equal(lose.verdict, 'does not hold');
  assert.equal(lose.estimate, 1);
});

test('F4 compares rnn and conv of the same architecture and data set', () => {
  const rnn = run({ encoder: 'rnn' }, repeat(20, { n: 10, erased: { attention: 8 } }));
  const conv = run({ encoder: 'conv' }, repeat(20, { n: 10, erased: { attention: 2 } }));
  const f = only(checkFindings([rnn, conv], OPTS), 'F4');
  assert.equal(f.model, 'HAN: conv vs rnn');
  assert.equal(f.verdict, 'holds');
  assert.ok(Math.abs((f.estimate as number) - 0.6) < 1e-12);
  const swapped = only(
    checkFindings([run({ encoder: 'rnn' }, repeat(20, { n: 10, erased: { attention: 2 } })), run({ encoder: 'conv' }, repeat(20, { n: 10, erased: { attention: 8 } }))], OPTS),
    'F4',
  );
  assert.equal(swapped.verdict, 'does not hold');
  // A FLAN-conv does not pair with a HAN-rnn.
  const unpaired = checkFindings([rnn, run({ encoder: 'conv', architecture: 'flan' }, repeat(20, { n: 10 }))], OPTS);
  assert.equal(unpaired.filter((x) => x.id === 'F4').length, 0);
});

test('findings are repeatable: same input and seed, same intervals', () => {
  const docs = [...repeat(20, { n: 3, deltaJs: 0.1 }), ...repeat(13, { n: 3, deltaJs: -0.1 })];
  assert.deepEqual(checkFindings([run({}, docs)], OPTS), checkFindings([run({}, docs)], OPTS));
});
