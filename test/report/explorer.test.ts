// The explorer without a browser: its erasure script (explorer-math.js, loaded as the page loads it)
// against the battery's erase.ts, the data it is given, and the bidi handling of user text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { buildContext } from '../../src/erasure/context.ts';
import { decisionAfterErasing, logitsAfterErasing } from '../../src/erasure/erase.ts';
import { softmax } from '../../src/erasure/math.ts';
import { bidiSafeHtml, showBidiControlsPlain, userTextHtml } from '../../src/report/bidi.ts';
import { documentViewHtml } from '../../src/report/document-view.ts';
import { explorerData, explorerDataScript } from '../../src/report/explorer-data.ts';
import type { ExampleView } from '../../src/report/report-model.ts';
import type { RunInput } from '../../src/report/run-input.ts';
import { Rng } from '../../src/util/rng.ts';
import { randomHead, randomState } from '../erasure/fixtures.ts';
import { makeDocument } from './synthetic.ts';

interface PageErase {
  explorerErase: (doc: { alpha: number[]; z: number[]; b: number[] }, erased: ArrayLike<number>) => { logits: number[]; p: number[]; decision: number; kept: number; massErased: number };
}

function pageMath(): PageErase {
  const context: Record<string, unknown> = {};
  runInNewContext(readFileSync(new URL('../../src/report/explorer-math.js', import.meta.url), 'utf8'), context);
  return context as unknown as PageErase;
}

test('the page\'s erasure is the battery\'s: any erased set, the zero vector, ties to the lower class', () => {
  const { explorerErase } = pageMath();
  const rng = new Rng(21);
  const head = randomHead(rng, 4, 6, 2);
  for (let c = 0; c < 60; c++) {
    const state = randomState(rng, head, 1 + rng.int(20));
    const doc = buildContext(state, head);
    const page = { alpha: Array.from(doc.alpha), z: Array.from(doc.z), b: Array.from(doc.b) };
    for (let t = 0; t < 5; t++) {
      const erased = Uint8Array.from({ length: doc.n }, () => (t === 4 ? 1 : rng.next() < 0.5 ? 1 : 0));
      const got = explorerErase(page, erased);
      const want = logitsAfterErasing(doc, erased);
      [...got.logits].forEach((v, k) => assert.ok(Math.abs(v - want[k]!) <= 1e-12 * Math.max(1, Math.abs(want[k]!)), `doc ${c}: logit ${k}`));
      const p = softmax(want);
      [...got.p].forEach((v, k) => assert.ok(Math.abs(v - p[k]!) <= 1e-12));
      assert.equal(got.decision, decisionAfterErasing(doc, erased));
      if (t === 4) assert.deepEqual([...got.logits], Array.from(head.b), 'everything erased: logits = b');
    }
  }
  assert.equal(explorerErase({ alpha: [1], z: [2, 2], b: [0, 0] }, [0]).decision, 0, 'a tie goes to the lower class');
});

test('explorer data: every example with z and b, its outcomes from documents.jsonl; older examples counted, not shown', () => {
  const results = [makeDocument(0, { n: 3, erased: { attention: 3, gradient: 1 }, minimal: 1 }), makeDocument(1, { n: 2 })];
  const base = { items: [['a'], ['b'], ['c']], alpha: [0.5, 0.3, 0.2], orders: { attention: [0, 1, 2] }, minimalSet: [2], classes: ['x', 'y'] };
  const run: RunInput = {
    folder: 'f',
    model: { dataset: 'news', architecture: 'flan', encoder: 'rnn', testAccuracy: 0.5 },
    documents: results,
    examples: [
      { ...base, docId: results[0]!.docId, z: [1, 0, 0, 1, 2, 2], b: [0.1, 0], probabilities: [0.6, 0.4], outcomes: ['attention_slower'] },
      { ...base, docId: results[1]!.docId },
    ],
  };
  // A ranking beyond RANKING_NAMES (transformer runs have some) is shown under its own name.
  const extra = results[0]!.multi as Record<string, unknown>;
  extra.attention_rollout = results[0]!.multi.attention;
  const data = explorerData([run], ['news'], ['FLAN-rnn']);
  assert.deepEqual(data.rankings.map((r) => [r.name, r.label, r.orders]).slice(0, 2), [['attention', 'attention', 1], ['random', 'random', 5]]);
  assert.deepEqual(data.rankings.at(-1), { name: 'attention_rollout', label: 'attention rollout', orders: 1 });
  assert.equal(data.documents.length, 1);
  const d = data.documents[0]!;
  assert.deepEqual([d.key, d.unit, d.items], [`news/FLAN-rnn/${String(results[0]!.docId)}`, 'word', ['a', 'b', 'c']]);
  assert.deepEqual(d.outcomes, ['attention_slower', 'far_from_minimal']);
  assert.deepEqual(d.chosenFor, ['attention_slower']);
  assert.equal(d.flips.attention!.erased, 3);
  assert.deepEqual(data.skipped, [{ dataset: 'news', model: 'FLAN-rnn', examples: 1 }]);
  const script = explorerDataScript({ ...data, documents: [{ ...d, items: ['</script>', '\u202Eabc'] }] });
  assert.ok(!script.includes('</script>') && !script.includes('\u202E'), 'no markup end and no raw bidi control in the file');
  const parsed = runInNewContext(script.replace('window.ATTNLAB_EXPLORER =', 'x ='), {}) as typeof data;
  assert.deepEqual([...parsed.documents[0]!.items], ['</script>', '\u202Eabc']);
});

test('user text: isolated in <bdi>, bidi controls shown as markers, markup escaped', () => {
  assert.equal(userTextHtml('ספורט'), '<bdi>ספורט</bdi>');
  const html = bidiSafeHtml('a\u202Eb<i>');
  assert.ok(!html.includes('\u202E'));
  assert.match(html, /^a<span class="bidi-control" title="U\+202E \(RLO\)[^"]*">RLO<\/span>b&lt;i&gt;$/);
  assert.equal(showBidiControlsPlain('x\u2067y\u2069'), 'x[RLI]y[PDI]');
  const view = documentViewHtml({
    docId: 'd\u202E1', items: [['one'], ['\u202Etwo'], ['three']], alpha: [0.2, 0.5, 0.3], orders: { attention: [1, 2, 0], random: [0, 1, 2] }, minimalSet: [1],
    classes: ['ספורט', 'כלכלה'], dataset: 'news', model: 'FLAN-rnn', label: 0, predicted: 1,
    flips: { attention: { erased: 1, status: 'flipped', flipsTo: 0 }, random: { erased: 2, status: 'flipped', flipsTo: 0 } }, minimalStatus: 'flipped',
  } satisfies ExampleView);
  assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(view), 'no bidi control left acting in the per-document view');
  assert.ok(view.includes('gold <bdi>ספורט</bdi>, predicted <bdi>כלכלה</bdi>, 3 words'));
  assert.ok(view.includes('<th>random (1st permutation)</th>') && view.includes('<th>attention</th>'), 'the permutation note comes from the rankings table');
});

test('explorer data: a transformer run\'s examples are shown without z and b, their items tokens, their minimal set the greedy bound', () => {
  const results = [makeDocument(0, { n: 3, erased: { attention: 2, gradient: 1 }, minimal: 1 })];
  results[0]!.minimal.method = 'greedy_upper_bound';
  const example = {
    docId: results[0]!.docId, items: [['[CLS]'], ['good'], ['[SEP]']], alpha: [0.5, 0.3, 0.2], orders: { attention: [0, 1, 2] }, minimalSet: [1],
    classes: ['x', 'y'], z: [], b: [], probabilities: [0.7, 0.3], atFlip: { attention: { erased: 2, before: [0.6, 0.4], after: [0.4, 0.6] } },
  };
  const run = (heads: 'all' | 'each'): RunInput => ({
    folder: 'f',
    model: { dataset: 'news', architecture: 'bert', encoder: 'transformer', testAccuracy: 0.5, minimalMethod: 'greedy_upper_bound', heads },
    documents: results,
    examples: [example],
  });
  const data = explorerData([run('all')], ['news'], ['bert']);
  assert.deepEqual(data.skipped, [], 'not left out for want of z and b');
  const d = data.documents[0]!;
  assert.deepEqual([d.unit, d.live, d.minimalMethod, d.z, d.b], ['token', false, 'greedy_upper_bound', [], []]);
  assert.deepEqual(d.flips.attention!.after, [0.4, 0.6], "the battery's output at the flip");
  assert.equal(explorerData([run('each')], ['news'], ['bert']).documents[0]!.unit, 'head position');
  // HAN/FLAN documents stay live and exact.
  const flan: RunInput = { ...run('all'), model: { dataset: 'news', architecture: 'flan', encoder: 'rnn', testAccuracy: 0.5 }, examples: [{ ...example, z: [1, 0, 0, 1, 2, 2], b: [0.1, 0] }] };
  results[0]!.minimal.method = undefined;
  const f = explorerData([flan], ['news'], ['FLAN-rnn']).documents[0]!;
  assert.deepEqual([f.unit, f.live, f.minimalMethod], ['word', true, 'exact']);
});
