// Table-driven checks every per-document test of src/erasure/tests/index.ts gets for free: it runs on every
// document when selected (a record or an explicit null, never a missing key), not at all when not selected,
// its records do not depend on how the run is cut into chunks (each test draws from its own per-document
// stream), they survive JSON (documents.jsonl), and its summary is there and survives JSON too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBattery } from '../../src/erasure/battery.ts';
import { DEFAULT_TEST_NAMES, DOCUMENT_TESTS, TEST_NAMES } from '../../src/erasure/tests/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from './fixtures.ts';

const rng = new Rng(2026);
const head = randomHead(rng, 3, 6);
const states = Array.from({ length: 14 }, (_, c) => randomState(rng, head, 1 + rng.int(9), c));

test('the default suite is a subset of the table and every test says where it is defined', () => {
  for (const name of DEFAULT_TEST_NAMES) assert.ok(TEST_NAMES.includes(name));
  for (const name of TEST_NAMES) {
    assert.match(DOCUMENT_TESTS[name].docs, /^docs\/[a-z-]+\.md §\d/, `${name}: docs reference`);
    assert.ok(DOCUMENT_TESTS[name].description.length > 20, `${name}: description`);
  }
});

for (const name of TEST_NAMES) {
  test(`${name}: a record (or null) on every document, chunk-invariant, JSON-safe, summarized`, () => {
    const plain = runBattery(states, head, { seed: 5, bootstrapResamples: 10 });
    assert.equal(plain.summary.tests, undefined, 'not selected: no summary');
    assert.ok(plain.documents.every((d) => d.tests === undefined), 'not selected: no records');

    const whole = runBattery(states, head, { seed: 5, bootstrapResamples: 10, tests: [name] });
    for (const d of whole.documents) assert.ok(d.tests !== undefined && name in d.tests, `document ${d.index}: ${name} missing`);
    const cut = [
      ...runBattery(states.slice(0, 5), head, { seed: 5, bootstrapResamples: 10, tests: [name] }).documents,
      ...runBattery(states.slice(5), head, { seed: 5, bootstrapResamples: 10, tests: [name], firstIndex: 5 }).documents,
    ];
    assert.deepEqual(
      cut.map((d) => d.tests),
      whole.documents.map((d) => d.tests),
      'the same records whatever the chunks',
    );
    const roundTrip = whole.documents.map((d) => JSON.parse(JSON.stringify(d)) as typeof d);
    assert.deepEqual(roundTrip.map((d) => d.tests), whole.documents.map((d) => d.tests), 'records survive documents.jsonl');
    const summary = whole.summary.tests?.[name];
    assert.ok(summary !== undefined, 'summary present');
    assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary, 'summary survives summary.json');
  });
}
