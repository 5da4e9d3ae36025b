// The transformer backend's batched shortcuts against the plain one-set-at-a-time way through its own
// erase(): the first flips of many orders evaluated together in rounds (orders that flip in different
// rounds, late, never, or only at the zero vector), and the greedy steps' keep masks, for items across all
// heads and per head, with the special tokens in and out, and on documents of 1, 2 and 40 tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTransformer } from '../../src/models/index.ts';
import { transformerRowStates, withTransformerContext, GREEDY_POOL, type TransformerErasureOptions } from '../../src/erasure/transformer-row.ts';
import { argmax, type DocumentContext, type FirstFlip } from '../../src/erasure/index.ts';
import { minimalFlipSetOf } from '../../src/erasure/minimal.ts';
import { Rng } from '../../src/util/rng.ts';
import { expected, FAMILIES, fixtureDir, fixtureDocument } from '../models/hf-fixtures.ts';

/** Decision margins logit_m − max_{k≠m} logit_k of every prefix of `order`, each prefix its own item set through erase(). */
function prefixMargins(doc: DocumentContext, order: ArrayLike<number>): { margins: number[]; decisions: number[] } {
  const set = new Uint8Array(doc.n);
  const sets = Array.from({ length: doc.n }, (_, k) => {
    set[order[k]!] = 1;
    return set.slice();
  });
  const rows = doc.backend!.erase(sets);
  const margins: number[] = [];
  const decisions: number[] = [];
  for (let k = 0; k < doc.n; k++) {
    let other = -Infinity;
    for (let c = 0; c < doc.C; c++) if (c !== doc.predicted) other = Math.max(other, rows[k * doc.C + c]!);
    margins.push(rows[k * doc.C + doc.predicted]! - other);
    decisions.push(argmax(rows, k * doc.C, doc.C));
  }
  return { margins, decisions };
}

/**
 * The batched first flip is right when no prefix before it clearly flips the decision and its own prefix
 * does not clearly keep it ("clearly": a margin beyond TOL, as rows batched differently may differ in the
 * last float bits), with the class, mass and zero-vector flag of that prefix.
 */
const TOL = 1e-5;
function assertFirstFlip(doc: DocumentContext, order: ArrayLike<number>, got: FirstFlip, what: string): void {
  const { margins, decisions } = prefixMargins(doc, order);
  const end = got.erased === null ? doc.n : got.erased - 1;
  for (let k = 0; k < end; k++) assert.ok(margins[k]! > -TOL, `${what}: prefix ${k + 1} flips (margin ${margins[k]}) before ${got.erased}`);
  if (got.erased === null) return;
  assert.ok(margins[end]! < TOL, `${what}: prefix ${got.erased} keeps the decision (margin ${margins[end]})`);
  if (margins[end]! < -TOL) assert.equal(got.flipsTo, decisions[end], `${what}: flipsTo`);
  assert.equal(got.zeroVector, got.erased === doc.n, `${what}: zeroVector`);
  let mass = 0;
  for (let k = 0; k < got.erased; k++) mass += doc.alpha[order[k]!]!;
  assert.ok(Math.abs(got.massErased! - mass) < 1e-9, `${what}: mass erased`);
}

/**
 * The greedy sequence of transformer-row.ts written plainly: each step's candidate sets built one by one and
 * erased in one erase() call (the same rows in the same batch as the backend's, so the same floats).
 */
function slowGreedySequence(doc: DocumentContext): number[] {
  const { n, C, predicted: m } = doc;
  const erased = new Uint8Array(n);
  const lastMargin = new Float64Array(n);
  const order: number[] = [];
  while (order.length < n) {
    let candidates = Array.from({ length: n }, (_, i) => i).filter((i) => !erased[i]);
    if (order.length > 0 && candidates.length > GREEDY_POOL) {
      candidates = candidates.sort((a, b) => lastMargin[a]! - lastMargin[b]! || a - b).slice(0, GREEDY_POOL).sort((a, b) => a - b);
    }
    let best = -1;
    let bestFlips = false;
    let bestMargin = Infinity;
    const rows = doc.backend!.erase(candidates.map((i) => ((s) => ((s[i] = 1), s))(erased.slice())));
    for (const [c, i] of candidates.entries()) {
      const row = rows.subarray(c * C, (c + 1) * C);
      let other = -Infinity;
      for (let k = 0; k < C; k++) if (k !== m) other = Math.max(other, row[k]!);
      const margin = row[m]! - other;
      lastMargin[i] = margin;
      const flips = argmax(row, 0, C) !== m;
      if (best < 0 || (flips && !bestFlips) || (flips === bestFlips && margin < bestMargin)) [best, bestFlips, bestMargin] = [i, flips, margin];
    }
    erased[best] = 1;
    order.push(best);
    if (bestFlips) return order;
  }
  return order;
}

function shuffled(n: number, rng: Rng): Int32Array {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const SETTINGS: TransformerErasureOptions[] = [{}, { specials: 'out' }, { heads: 'each' }, { heads: 'each', specials: 'out' }];

for (const family of FAMILIES) {
  test(`${family}: first flips of 30 orders evaluated together equal one prefix at a time, every setting`, () => {
    const model = loadTransformer(fixtureDir(family));
    try {
      const [state] = transformerRowStates(model, [fixtureDocument(expected(family).document)]);
      const rng = new Rng(11);
      const kinds = new Set<string>();
      for (const opts of SETTINGS) {
        withTransformerContext(model, state!, opts, (doc) => {
          // Attention order and its reverse (late or never), plus random orders: 30 orders make rounds of 8.
          const byAlpha = Int32Array.from({ length: doc.n }, (_, i) => i).sort((a, b) => doc.alpha[b]! - doc.alpha[a]! || a - b);
          const orders = [byAlpha, byAlpha.slice().reverse(), ...Array.from({ length: 28 }, () => shuffled(doc.n, rng))];
          const fast = doc.backend!.firstFlips(orders);
          assert.equal(fast.length, orders.length);
          orders.forEach((order, a) => {
            const got = fast[a]!;
            assertFirstFlip(doc, order, got, `${JSON.stringify(opts)} order ${a}`);
            kinds.add(got.erased === null ? 'never' : got.erased <= 8 ? 'first round' : 'later round');
            assertFirstFlip(doc, order, doc.backend!.firstFlip(order), `${JSON.stringify(opts)} order ${a} alone`);
          });
        });
      }
      assert.ok(kinds.size >= 2, `orders end in different rounds (${[...kinds].join(', ')})`);
    } finally {
      model.dispose();
    }
  });

  test(`${family}: the greedy set equals the greedy search done one erase() at a time, every setting`, () => {
    const model = loadTransformer(fixtureDir(family));
    try {
      const [state] = transformerRowStates(model, [fixtureDocument(expected(family).document)]);
      for (const opts of SETTINGS) {
        withTransformerContext(model, state!, opts, (doc) => {
          const g = minimalFlipSetOf(doc);
          const want = slowGreedySequence(doc);
          const size = g.size ?? doc.n;
          const got = Array.from(g.order.subarray(0, size));
          assert.deepEqual(got, want, `${JSON.stringify(opts)}: greedy sequence`);
        });
      }
    } finally {
      model.dispose();
    }
  });
}

test('documents of 1, 2 and 40 tokens in one model pass: each one as if alone, and the batched first flips agree', () => {
  const model = loadTransformer(fixtureDir('bert'));
  try {
    const long = fixtureDocument(expected('bert').document);
    const cut = (n: number) => ({ ...long, docId: `cut-${n}`, input: { ids: long.input.ids.slice(0, n), typeIds: long.input.typeIds?.slice(0, n) }, special: long.special.slice(0, n) });
    const docs = [cut(2), long, cut(1)];
    const together = transformerRowStates(model, docs);
    docs.forEach((d, i) => {
      const [alone] = transformerRowStates(model, [d]);
      assert.equal(together[i]!.T, d.input.ids.length, 'padding cut off');
      for (const key of ['probs', 'values', 'residual', 'logits'] as const) {
        const a = together[i]![key];
        const b = alone![key];
        assert.equal(a.length, b.length, key);
        a.forEach((x, j) => assert.ok(Math.abs(x - b[j]!) < 1e-5, `${d.docId} ${key}[${j}]`));
      }
      withTransformerContext(model, together[i]!, {}, (doc) => {
        const order = Int32Array.from({ length: doc.n }, (_, j) => doc.n - 1 - j);
        const [a, b] = doc.backend!.firstFlips([order, order]);
        assert.deepEqual(a, b, `${d.docId}: the same order twice`);
        assertFirstFlip(doc, order, a!, `${d.docId}: first flip`);
      });
    });
  } finally {
    model.dispose();
  }
});
