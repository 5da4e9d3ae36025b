// Table-driven: every ranking in RANKINGS is checked here, so a new ranking file is tested everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextFromZ } from '../../src/erasure/context.ts';
import { firstFlip } from '../../src/erasure/erase.ts';
import { minimalFlipSet } from '../../src/erasure/minimal.ts';
import { ALL_RANKINGS, LINEAR_RANKINGS, RANKINGS } from '../../src/erasure/rankings/index.ts';
import { ALL_RANKING_NAMES, LINEAR_RANKING_NAMES, RANKING_NAMES, type DocumentContext } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';

function randomDoc(rng: Rng, n: number, C: number): DocumentContext {
  const raw = Float64Array.from({ length: n }, () => Math.exp(2 * rng.normal()));
  const total = raw.reduce((s, v) => s + v, 0);
  return contextFromZ(
    raw.map((v) => v / total),
    Float64Array.from({ length: n * C }, () => rng.normal()),
    Float64Array.from({ length: C }, () => 0.2 * rng.normal()),
  );
}

function isPermutation(order: Int32Array, n: number): boolean {
  return order.length === n && new Set(order).size === n && order.every((i) => i >= 0 && i < n);
}

test('the table holds exactly the rankings the types name', () => {
  assert.deepEqual(Object.keys(RANKINGS).sort(), [...RANKING_NAMES].sort());
  for (const [name, r] of Object.entries(RANKINGS)) assert.equal(r.name, name);
  assert.deepEqual(Object.keys(ALL_RANKINGS).sort(), [...ALL_RANKING_NAMES].sort());
  assert.deepEqual(LINEAR_RANKINGS.map((r) => r.name), [...LINEAR_RANKING_NAMES]);
});

// Every ranking the linear fast path runs (the paper's six and the extras that need no backend).
for (const ranking of LINEAR_RANKINGS) {
  test(`${ranking.name}: returns ${ranking.orders} permutation(s) of 0..n-1, for n = 1..40`, () => {
    const rng = new Rng(1);
    for (let n = 1; n <= 40; n++) {
      const orders = ranking.rank({ doc: randomDoc(rng, n, 3), rng: rng.fork() });
      assert.equal(orders.length, ranking.orders);
      for (const o of orders) assert.ok(isPermutation(o, n), `n=${n}: ${o.join(',')}`);
    }
  });

  test(`${ranking.name}: the same document and seed give the same orders`, () => {
    const doc = randomDoc(new Rng(2), 25, 4);
    const a = ranking.rank({ doc, rng: new Rng(99) });
    const b = ranking.rank({ doc, rng: new Rng(99) });
    assert.deepEqual(a, b);
  });

  test(`${ranking.name}: leaves the document untouched`, () => {
    const doc = randomDoc(new Rng(3), 12, 3);
    const before = JSON.stringify([Array.from(doc.alpha), Array.from(doc.z), Array.from(doc.b), Array.from(doc.p)]);
    ranking.rank({ doc, rng: new Rng(1) });
    assert.equal(JSON.stringify([Array.from(doc.alpha), Array.from(doc.z), Array.from(doc.b), Array.from(doc.p)]), before);
  });

  test(`${ranking.name}: never flips earlier than the exact minimal set`, () => {
    const rng = new Rng(4);
    for (let c = 0; c < 200; c++) {
      const doc = randomDoc(rng, 2 + rng.int(30), 2 + rng.int(5));
      const min = minimalFlipSet(doc).size;
      for (const order of ranking.rank({ doc, rng: rng.fork() })) {
        const k = firstFlip(doc, order).erased;
        if (k !== null && min !== null) assert.ok(k >= min);
      }
    }
  });
}

test('score rankings break ties by the lower index', () => {
  // All items identical: every score ties, so each deterministic ranking must be the identity.
  const n = 6;
  const doc = contextFromZ(new Float64Array(n).fill(1 / n), new Float64Array(n * 2).fill(0.5), Float64Array.of(0.1, 0));
  for (const name of ['attention', 'gradient', 'gradient_x_attention', 'leave_one_out'] as const) {
    assert.deepEqual(Array.from(RANKINGS[name].rank({ doc, rng: new Rng(1) })[0]!), [0, 1, 2, 3, 4, 5], name);
  }
});

test('random: 5 distinct seeded permutations; another seed gives others', () => {
  const doc = randomDoc(new Rng(5), 30, 3);
  const a = RANKINGS.random.rank({ doc, rng: new Rng(7) });
  assert.equal(new Set(a.map((o) => o.join())).size, 5);
  const b = RANKINGS.random.rank({ doc, rng: new Rng(8) });
  assert.notDeepEqual(a, b);
});

test('random: each item is first about 1/n of the time (uniform permutations)', () => {
  const n = 5;
  const doc = randomDoc(new Rng(6), n, 2);
  const firsts = new Array<number>(n).fill(0);
  const rng = new Rng(9);
  for (let t = 0; t < 2000; t++) for (const o of RANKINGS.random.rank({ doc, rng })) firsts[o[0]!]!++;
  for (const f of firsts) assert.ok(Math.abs(f / 10000 - 1 / n) < 0.02, `${firsts}`);
});

test('optimal: flips after exactly the minimal set size, and attention orders by alpha', () => {
  const rng = new Rng(10);
  for (let c = 0; c < 200; c++) {
    const doc = randomDoc(rng, 2 + rng.int(40), 2 + rng.int(6));
    const min = minimalFlipSet(doc).size;
    assert.equal(firstFlip(doc, RANKINGS.optimal.rank({ doc, rng })[0]!).erased, min);
    const att = RANKINGS.attention.rank({ doc, rng })[0]!;
    for (let t = 1; t < att.length; t++) assert.ok(doc.alpha[att[t - 1]!]! >= doc.alpha[att[t]!]!);
  }
});
