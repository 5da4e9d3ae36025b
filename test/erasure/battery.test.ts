// The whole battery on small random models: exclusions, chunking, seeds, summary, outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBattery, runDocument } from '../../src/erasure/battery.ts';
import { documentColumns, documentsCsv, writeOutputs } from '../../src/erasure/outputs.ts';
import { compareRankings, extraRankingsOf } from '../../src/erasure/summary.ts';
import { RANKING_NAMES, type ClassifierHead, type DocumentResult, type FinalLayerState } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';
import { logitsOf, randomHead, randomState } from './fixtures.ts';

function corpus(seed: number, count: number): { head: ClassifierHead; states: FinalLayerState[] } {
  const rng = new Rng(seed);
  const head = randomHead(rng, 4, 8);
  const states = Array.from({ length: count }, (_, i) => randomState(rng, head, 1 + rng.int(25), `doc${i}`));
  return { head, states };
}

/** A document that keeps its decision whatever is erased: every item and the bias favour class 0. */
function neverFlipping(head: ClassifierHead): FinalLayerState {
  const n = 3;
  const h = new Float32Array(n * head.d);
  const alpha = Float64Array.of(0.2, 0.3, 0.5);
  return { docId: 'stubborn', label: 0, alpha, h, logits: logitsOf(head, alpha, h) };
}

test('n = 1 is excluded from single- and multi-weight tests and the minimal set, and counted', () => {
  const { head } = corpus(1, 0);
  const one = randomState(new Rng(2), head, 1, 'single');
  const r = runDocument(one, head, 0, { seed: 1 });
  for (const s of Object.values(r.single)) assert.equal(s, null);
  for (const name of RANKING_NAMES) for (const m of r.multi[name]) assert.equal(m.status, 'single_item');
  assert.equal(r.minimal.status, 'single_item');
  const { summary } = runBattery([one], head, { seed: 1, bootstrapResamples: 10 });
  assert.equal(summary.documentsMultiItem, 0);
  assert.equal(summary.multi.attention.singleItem, 1);
  assert.equal(summary.multi.attention.fraction.withZeroVector.documents, 0);
  assert.equal(summary.single.attention.documents, 0);
});

test('a document that never flips is recorded as never_flips, excluded from medians, counted', () => {
  const head: ClassifierHead = { W: new Float64Array(2 * 4), b: Float64Array.of(1, 0), classes: ['a', 'b'], d: 4, C: 2 };
  const doc = neverFlipping(head);
  const { documents, summary } = runBattery([doc], head, { seed: 3, bootstrapResamples: 10 });
  assert.equal(documents[0]!.minimal.status, 'never_flips');
  for (const name of RANKING_NAMES) {
    for (const m of documents[0]!.multi[name]) assert.equal(m.status, 'never_flips', name);
    assert.equal(summary.multi[name].neverFlips, 1, name);
    assert.equal(summary.multi[name].fraction.withZeroVector.median, null);
  }
  assert.equal(summary.minimal.neverFlips, 1);
});

test('chunked runs equal one run: results depend on (seed, index), not on what ran before', () => {
  const { head, states } = corpus(4, 30);
  const whole = runBattery(states, head, { seed: 11, bootstrapResamples: 20 }).documents;
  const first = runBattery(states.slice(0, 13), head, { seed: 11, bootstrapResamples: 20 }).documents;
  const second = runBattery(states.slice(13), head, { seed: 11, bootstrapResamples: 20, firstIndex: 13 }).documents;
  assert.deepEqual([...first, ...second], whole);
  const other = runBattery(states, head, { seed: 12, bootstrapResamples: 20 }).documents;
  assert.notDeepEqual(other.map((d) => d.multi.random), whole.map((d) => d.multi.random));
});

test('summary counts agree with the per-document records', () => {
  const { head, states } = corpus(5, 120);
  const { documents, summary } = runBattery(states, head, { seed: 2, bootstrapResamples: 50, run: { note: 'test' } });
  assert.equal(summary.documents, 120);
  assert.deepEqual(summary.run, { note: 'test' });
  const multi = documents.filter((d) => d.n >= 2);
  assert.equal(summary.documentsMultiItem, multi.length);
  const att = summary.single.attention;
  assert.equal(att.documents, multi.length);
  assert.equal(att.shareDeltaJsPositive, multi.filter((d) => d.single.attention!.deltaJs > 0).length / multi.length);
  assert.equal(att.flips.yesNo, multi.filter((d) => d.single.attention!.flipTop && !d.single.attention!.flipOther).length);
  for (const name of RANKING_NAMES) {
    const m = summary.multi[name];
    const w = name === 'random' ? 5 : 1;
    assert.ok(Math.abs(m.flipped + m.zeroVector + m.neverFlips + m.singleItem - 120) < 1e-9, name);
    const flipped = documents.flatMap((d) => d.multi[name]).filter((r) => r.status === 'flipped').length / w;
    assert.ok(Math.abs(m.flipped - flipped) < 1e-9);
    const med = m.fraction.withoutZeroVector;
    if (med.median !== null) assert.ok(med.lo! <= med.median && med.median <= med.hi!);
  }
  // The optimal ranking is never beaten, so attention never needs fewer erasures than it.
  const opt = summary.comparisons.find((c) => c.first === 'optimal')!;
  assert.equal(opt.secondFewer, 0);
  assert.equal(opt.ratio, null);
  assert.equal(opt.ratioUnbounded, opt.firstFewer > 0);
  assert.equal(summary.multi.optimal.medianExtraOverMinimal.median, 0);
});

test('compareRankings: shares, ratio, and the unbounded case', () => {
  const doc = (a: number | null, g: number | null): DocumentResult =>
    ({ multi: { attention: [{ erased: a }], gradient: [{ erased: g }] } }) as unknown as DocumentResult;
  const c = compareRankings([doc(3, 2), doc(3, 1), doc(2, 4), doc(2, 2), doc(null, 1)], 'gradient', 'attention');
  assert.deepEqual(
    [c.documents, c.firstFewer, c.secondFewer, c.equal, c.shareFirstFewer, c.shareSecondFewer, c.ratio, c.ratioUnbounded],
    [4, 2, 1, 1, 0.5, 0.25, 2, false],
  );
  const u = compareRankings([doc(3, 2)], 'gradient', 'attention');
  assert.equal(u.ratio, null);
  assert.equal(u.ratioUnbounded, true);
});

/** A small RFC 4180 reader, to check what a CSV reader (pandas, R, a spreadsheet) gets back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    }
    else cell += ch;
  }
  return rows;
}

test('outputs: CSV columns round-trip, JSONL lines are the records, summary is JSON', () => {
  const { head, states } = corpus(6, 15);
  states[0] = { ...states[0]!, docId: 'has, a "comma"' };
  const { documents, summary } = runBattery(states, head, { seed: 1, bootstrapResamples: 10 });
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-erasure-'));
  try {
    const paths = writeOutputs(dir, documents, summary);
    const rows = parseCsv(readFileSync(paths.csv, 'utf8'));
    const cols = documentColumns(extraRankingsOf(documents));
    assert.deepEqual(rows[0], cols.map((c) => c.name));
    assert.equal(rows.length, 16);
    for (const row of rows) assert.equal(row.length, cols.length);
    assert.equal(rows[1]![0], 'has, a "comma"');
    const at = (name: string, r: number): string => rows[r + 1]![cols.findIndex((c) => c.name === name)]!;
    documents.forEach((d, r) => {
      assert.equal(Number(at('n', r)), d.n);
      assert.equal(at('multi_random3_status', r), d.multi.random[3]!.status);
      assert.equal(at('minimal_size', r), d.minimal.size === null ? '' : String(d.minimal.size));
      assert.equal(Number(at('single_attention_js_top', r) || NaN), d.single.attention?.jsTop ?? NaN);
      assert.equal(at('single_gradient_flip_top', r), d.single.gradient === null ? '' : String(d.single.gradient.flipTop));
    });
    const lines = readFileSync(paths.jsonl, 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l): unknown => JSON.parse(l)), JSON.parse(JSON.stringify(documents)));
    assert.deepEqual(JSON.parse(readFileSync(paths.summary, 'utf8')), JSON.parse(JSON.stringify(summary)));
    // An empty run carries no extra rankings, so its header is the paper's columns only.
    assert.equal(documentsCsv([], true).trim(), documentColumns().map((c) => c.name).join(','));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
