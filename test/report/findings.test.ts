import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F5_MARGIN, findingsOf as checkFindings, MIN_DOCUMENTS } from '../../src/report/findings.ts';
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

/** The one finding with this id (F3, F4, F5: in the given view, default with zero-vector flips). */
function only(findings: Finding[], id: string, view: 'with' | 'without' = 'with'): Finding {
  const hits = findings.filter((f) => f.id === id && (f.view === null || f.view === view));
  assert.equal(hits.length, 1, `${id}: ${hits.length} findings`);
  return hits[0]!;
}

test('F1 holds when almost every ΔJS is positive, and does not when most are negative', () => {
  const yes = only(checkFindings([run({}, [...repeat(28, { n: 4, deltaJs: 0.02 }), ...repeat(2, { n: 4, deltaJs: -0.01 })])], OPTS), 'F1');
  assert.equal(yes.verdict, 'holds');
  assert.equal(yes.estimate, 28 / 30);
  assert.equal(yes.documents, 30);
  // Wilson, 28 of 30: [78.7%, 98.2%] (a percentile bootstrap said [83.3%, 100%]).
  assert.ok(typeof yes.interval!.lo === 'number' && Math.abs(yes.interval!.lo - 0.7868) < 1e-3 && Math.abs((yes.interval!.hi as number) - 0.9815) < 1e-3);
  assert.equal(yes.detail, 'ΔJS > 0 for 28 of 30 documents, 93.3% (95% CI 78.7%–98.2%)');

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
  }
  assert.equal(only(findings, 'F1').detail, `9 documents; a verdict needs at least ${MIN_DOCUMENTS}`);
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
  // The ratio rests on the 25 discordant documents (20 : 5), not on the 5 ties.
  assert.equal(f.documents, 25);
  assert.equal(f.pTest, 'sign test');
  assert.ok(f.p! < 0.01);
  // Wilson of 20/25 = [60.9%, 91.1%], as a ratio p / (1 − p): [1.56, 10.3].
  assert.ok(Math.abs((f.interval!.lo as number) - 1.557) < 0.01 && Math.abs((f.interval!.hi as number) - 10.27) < 0.05, JSON.stringify(f.interval));
  assert.match(f.detail, /^gradient fewer in 20 \(66\.7%\), attention fewer in 5 \(16\.7%\), tied in 5 of 30 documents where both flip: 4\.00× \(95% CI 1\.56–10\.\d\d\)/);
  assert.match(f.detail, /gradient × attention fewer in 0 \(0\.0%\), attention fewer in 5 \(16\.7%\), tied in 25 of 30 documents where both flip: 5 discordant documents, too few for a ratio/);
});

test('F3: when attention never needs fewer, the ratio is unbounded, not a number', () => {
  const docs = [...repeat(15, { n: 8, erased: { attention: 5, gradient: 2 } }), ...repeat(5, { n: 8, erased: { attention: 3, gradient: 3 } })];
  const f = only(checkFindings([run({ encoder: 'rnn' }, docs)], OPTS), 'F3');
  assert.equal(f.verdict, 'holds');
  assert.equal(f.estimate, 'unbounded');
  assert.equal(f.interval!.hi, 'unbounded');
  assert.match(f.detail, /attention fewer in 0 \(0\.0%\), tied in 5 of 20 documents where both flip: 15 : 0 \(unbounded\) \(95% CI 3\.\d\d–∞\)/);
  assert.ok(JSON.stringify(f).includes('"unbounded"'), 'survives JSON');
});

test('F3: rankings that always tie with attention give no ratio: 0 : 0 is too few documents, not parity', () => {
  const f = only(checkFindings([run({}, repeat(20, { n: 5, erased: { attention: 2, gradient: 2, gradient_x_attention: 2 } }))], OPTS), 'F3');
  assert.equal(f.verdict, 'too few documents');
  assert.equal(f.estimate, null);
  assert.equal(f.documents, 0);
});

test('F3: a ratio backed by fewer than 10 discordant documents is no verdict, however large', () => {
  // 39 : 1 would be "39×"; here 9 : 0 among 300 documents that mostly tie.
  const docs = [...repeat(9, { n: 6, erased: { attention: 4, gradient: 1, gradient_x_attention: 4 } }), ...repeat(291, { n: 6, erased: { attention: 3, gradient: 3, gradient_x_attention: 3 } })];
  const f = only(checkFindings([run({}, docs)], OPTS), 'F3');
  assert.equal(f.verdict, 'too few documents');
  assert.equal(f.documents, 9);
});

test('F3 and F4 in both views: zero-vector flips can hide what the other view shows', () => {
  // HAN, n = 4: attention flips only at the zero vector in 30 documents (erasing all 4), gradient at 2;
  // in 20 more both flip early, attention at 2, gradient at 1.
  const docs = [
    ...repeat(30, { n: 4, erased: { attention: 4, gradient: 2, gradient_x_attention: 4 } }),
    ...repeat(20, { n: 4, erased: { attention: 2, gradient: 1, gradient_x_attention: 2 } }),
  ];
  const findings = checkFindings([run({ encoder: 'rnn' }, docs)], OPTS);
  const withZero = only(findings, 'F3', 'with');
  const without = only(findings, 'F3', 'without');
  assert.equal(withZero.view, 'with');
  assert.equal(without.view, 'without');
  assert.equal(withZero.documents, 50);
  // Without zero-vector flips the 30 documents where attention needs every item drop out.
  assert.equal(without.documents, 20);
  assert.equal(findings.filter((f) => f.id === 'F3').length, 2);
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
  // 30 ties could still hide an 11-point gap (Wilson 0 of 30: up to 11.4%), which is inconclusive; 60 cannot.
  const tie30 = checkFindings([run({ encoder: 'noenc' }, repeat(30, { n: 6, erased: { attention: 3, gradient: 3 } }))], OPTS);
  assert.equal(only(tie30, 'F5').verdict, 'inconclusive');
  const tie = checkFindings([run({ encoder: 'noenc' }, repeat(60, { n: 6, erased: { attention: 3, gradient: 3 } }))], OPTS);
  assert.equal(tie.filter((f) => f.id === 'F3').length, 0);
  const f = only(tie, 'F5');
  assert.equal(f.verdict, 'holds');
  assert.equal(f.estimate, 0);
  // A closed-form interval (MOVER-Wilson), not [0, 0]: 60 ties still leave room for a 6-point gap either way.
  assert.ok((f.interval!.lo as number) < -0.05 && (f.interval!.hi as number) > 0.05 && (f.interval!.hi as number) < F5_MARGIN, JSON.stringify(f.interval));
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
  // F4 without zero-vector flips: when rnn flips only at the zero vector (all 10 of 10), that view has no rnn documents.
  // Both at the zero vector (medians 1.0 and 1.0, interval [0, 0]): inconclusive, not "does not hold" (issue 9, item 5).
  const bothStuck = checkFindings([run({ encoder: 'rnn' }, repeat(20, { n: 10, erased: { attention: 10 } })), run({ encoder: 'conv' }, repeat(20, { n: 10, erased: { attention: 10 } }))], OPTS);
  const stuck = only(bothStuck, 'F4', 'with');
  assert.equal(stuck.verdict, 'inconclusive');
  assert.match(stuck.detail, /this view cannot tell rnn from conv/);
  const zeroOnly = checkFindings([run({ encoder: 'rnn' }, repeat(20, { n: 10, erased: { attention: 10 } })), conv], OPTS);
  assert.equal(only(zeroOnly, 'F4', 'with').verdict, 'holds');
  const w = only(zeroOnly, 'F4', 'without');
  assert.equal(w.verdict, 'too few documents');
  assert.match(w.detail, /^rnn 0 documents, conv 20/);
  // A FLAN-conv does not pair with a HAN-rnn.
  const unpaired = checkFindings([rnn, run({ encoder: 'conv', architecture: 'flan' }, repeat(20, { n: 10 }))], OPTS);
  assert.equal(unpaired.filter((x) => x.id === 'F4').length, 0);
});

test('findings are repeatable: same input and seed, same intervals', () => {
  const docs = [...repeat(20, { n: 3, deltaJs: 0.1 }), ...repeat(13, { n: 3, deltaJs: -0.1 })];
  assert.deepEqual(checkFindings([run({}, docs)], OPTS), checkFindings([run({}, docs)], OPTS));
});

test('a p-value below 0.001 reads "p < 0.001" in the numbers, never "p = < 0.001" (report QA, 1 Dec)', () => {
  // 40 : 0 discordant documents: sign test p = 2 × 0.5^40, far below 0.001.
  const docs = [...repeat(40, { n: 10, erased: { attention: 6, gradient: 3, gradient_x_attention: 3 } })];
  const f = only(checkFindings([run({ encoder: 'conv' }, docs)], OPTS), 'F3');
  assert.ok(f.p! < 0.001);
  assert.match(f.detail, /sign test p < 0\.001/);
  assert.doesNotMatch(f.detail, /p = </);
  // And a larger p keeps its "=".
  const g = only(checkFindings([run({ encoder: 'conv' }, [...repeat(8, { n: 10, erased: { attention: 6, gradient: 3 } }), ...repeat(4, { n: 10, erased: { attention: 3, gradient: 6 } })])], OPTS), 'F3');
  assert.match(g.detail, /sign test p = 0\.\d\d/);
});
