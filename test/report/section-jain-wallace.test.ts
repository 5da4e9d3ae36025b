// The Jain & Wallace section (src/report/section-jain-wallace.ts): its rows against the documents' records
// counted here by hand, its medians against summary.json's, and its figures drawn: every mark sits in the
// panel whose headers name its model and data set, the legend names the predicted classes, and the bars
// add up to the documents with a tau.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { summarize } from '../../src/erasure/summary.ts';
import { maxAttentionBin } from '../../src/erasure/tests/permutation.ts';
import type { DocumentResult } from '../../src/erasure/types.ts';
import { buildFigures } from '../../src/report/figures.ts';
import { buildHtml } from '../../src/report/html.ts';
import { buildReportModel } from '../../src/report/report-model.ts';
import { readRun } from '../../src/report/run-input.ts';
import type { ModelInfo, RunInput } from '../../src/report/run-input.ts';
import { BIN_LABELS, jainWallaceCsv, TAU_BIN_WIDTH } from '../../src/report/section-jain-wallace.ts';
import { reportCsvFiles } from '../../src/report/tables-csv.ts';
import { Rng } from '../../src/util/rng.ts';
import { makeDocument } from './synthetic.ts';

const CLASSES = ['neg', 'pos'];

function run(dataset: string, m: Pick<ModelInfo, 'architecture' | 'encoder'>, seed: number, withAdversarial: boolean): RunInput {
  const rng = new Rng(seed);
  const documents: DocumentResult[] = Array.from({ length: 40 }, (_, i) => {
    const n = i % 9 === 0 ? 1 : 2 + rng.int(8);
    const d = makeDocument(i, { n });
    d.predicted = rng.next() < 0.35 ? 1 : 0;
    const max = 0.2 + 0.8 * rng.next();
    const tau = (): number | null => (rng.next() < 0.1 ? null : Math.round((2 * rng.next() - 1) * 1000) / 1000);
    d.tests = {
      kendall_tau: n < 2 ? null : { gradient: tau(), leaveOneOut: tau() },
      permutation: n < 2 ? null : { medianTvd: rng.next() / 10, maxAttention: max },
      ...(withAdversarial ? { adversarial_attention: n < 2 ? null : { maxJs: rng.next() * 0.69, tvd: 0.009, constraintMet: true, maxAttention: max } } : {}),
    };
    return d;
  });
  const examples = [{ docId: 0, items: [['a']], alpha: [1], orders: {}, minimalSet: [], classes: CLASSES }];
  return { folder: `${dataset}-${m.architecture}-${m.encoder}`, model: { dataset, ...m, testAccuracy: 0.7 }, documents, examples };
}

const RUNS = [
  run('news', { architecture: 'han', encoder: 'rnn' }, 1, true),
  run('news', { architecture: 'flan', encoder: 'rnn' }, 2, false),
  run('reviews', { architecture: 'han', encoder: 'rnn' }, 3, true),
];
const OPTS = { resamples: 50, seed: 1 };
const model = buildReportModel(RUNS, OPTS);
const jw = model.jainWallace!;
const nameOf = (r: RunInput): string => `${r.model.architecture.toUpperCase()}-${r.model.encoder}`;

test('tau rows: counts by hand, the all-documents median is summary.json\'s, classes by name', () => {
  for (const r of RUNS) {
    const summary = summarize(r.documents, CLASSES, { seed: OPTS.seed, bootstrapResamples: OPTS.resamples }).tests!.kendall_tau;
    for (const [measure, field] of [['gradient', 'gradient'], ['leave one out', 'leaveOneOut']] as const) {
      const rows = jw.tau.filter((x) => x.dataset === r.model.dataset && x.model === nameOf(r) && x.measure === measure);
      const all = rows.find((x) => x.group === 'all')!;
      const taus = r.documents.map((d) => d.tests!.kendall_tau?.[field] ?? null);
      assert.equal(all.documents, taus.filter((t) => t !== null).length);
      // Without a tau: single-item documents (record null) and undefined tau (a constant measure).
      assert.equal(all.withoutTau, taus.filter((t) => t === null).length);
      assert.ok(Math.abs(all.median! - summary![field].median!) < 1e-6);
      for (const [k, name] of CLASSES.entries()) {
        const row = rows.find((x) => x.group === name)!;
        const mine = r.documents.filter((d, i) => d.predicted === k && taus[i] !== null).map((_, i) => i);
        assert.equal(row.documents, mine.length, `${name} documents`);
        const bins = jw.tauBins.filter((b) => b.dataset === r.model.dataset && b.model === nameOf(r) && b.measure === measure && b.predicted === name);
        assert.equal(bins.reduce((s, b) => s + b.count, 0), mine.length, 'histogram counts = documents with a tau');
        for (const b of bins) {
          const inBin = r.documents.filter((d, i) => d.predicted === k && taus[i] !== null && taus[i]! >= b.from - 1e-9 && (taus[i]! < b.to - 1e-9 || b.to === 1)).length;
          assert.equal(b.count, inBin, `bin [${b.from}, ${b.to})`);
          assert.ok(Math.abs(b.to - b.from - TAU_BIN_WIDTH) < 1e-9);
        }
      }
    }
  }
});

test('permutation / adversarial rows: bins by max attention, medians from the summary, not run where absent', () => {
  for (const r of RUNS) {
    const s = summarize(r.documents, CLASSES, { seed: OPTS.seed, bootstrapResamples: OPTS.resamples }).tests!;
    const rows = jw.outputs.filter((x) => x.dataset === r.model.dataset && x.model === nameOf(r) && x.test === 'permutation');
    assert.deepEqual(rows.map((x) => x.bin), ['all', ...BIN_LABELS]);
    assert.ok(Math.abs(rows[0]!.median! - s.permutation!.medianTvd.median!) < 1e-6);
    assert.equal(rows[0]!.notApplicable, r.documents.filter((d) => d.n < 2).length);
    BIN_LABELS.forEach((_, k) => {
      const count = r.documents.filter((d) => d.tests!.permutation && maxAttentionBin(d.tests!.permutation.maxAttention) === k).length;
      assert.equal(rows[k + 1]!.documents, count);
      const box = jw.boxes.find((b) => b.dataset === r.model.dataset && b.model === nameOf(r) && b.test === 'permutation' && b.bin === BIN_LABELS[k]);
      assert.equal(box?.count ?? 0, count);
    });
    const adv = jw.outputs.filter((x) => x.dataset === r.model.dataset && x.model === nameOf(r) && x.test === 'adversarial');
    if (r.documents[1]!.tests!.adversarial_attention === undefined) assert.equal(adv.length, 0);
    else assert.equal(adv[0]!.constraintMet, r.documents.filter((d) => d.tests!.adversarial_attention).length);
  }
  const html = buildHtml(model, []);
  assert.match(html, /id="jain-wallace"/);
  assert.match(html, /<td colspan="6" class="small">not run<\/td>/, 'FLAN-rnn has no adversarial records');
  const csv = jainWallaceCsv(model);
  assert.equal(csv.tau.trim().split('\n').length, 1 + jw.tau.length);
  assert.equal(reportCsvFiles(model).jainWallaceOutputs, csv.outputs);
});

test('a report without these tests has no Jain & Wallace rows, figures or golden changes', () => {
  const plain = RUNS.map((r) => ({ ...r, documents: r.documents.map(({ tests: _t, ...d }) => d as DocumentResult) }));
  const m = buildReportModel(plain, OPTS);
  assert.equal(m.jainWallace, undefined);
  assert.ok(!buildFigures(m).some((f) => f.id.startsWith('jw-')));
});

interface Scene {
  marktype?: string;
  role?: string;
  items?: (Scene & { x?: number; y?: number; width?: number; height?: number; datum?: Record<string, unknown>; text?: unknown })[];
}

/** Marks with their facet cell's keys, and the legend's labels. */
async function drawn(spec: Record<string, unknown>): Promise<{ marks: { datum: Record<string, unknown>; cell: Record<string, unknown> | undefined; marktype: string }[]; legend: string[] }> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  await view.runAsync();
  const marks: { datum: Record<string, unknown>; cell: Record<string, unknown> | undefined; marktype: string }[] = [];
  const legend: string[] = [];
  const walk = (node: Scene, cell: Record<string, unknown> | undefined): void => {
    for (const it of node.items ?? []) {
      if (node.marktype === 'group') walk(it, node.role === 'scope' || (it.datum && 'model' in it.datum && 'dataset' in it.datum) ? (it.datum ?? cell) : cell);
      else {
        if (node.role === 'legend-label' && typeof it.text === 'string') legend.push(it.text);
        if (node.role === 'mark' && it.datum && 'model' in it.datum) marks.push({ datum: it.datum, cell, marktype: node.marktype! });
        walk(it, cell);
      }
    }
  };
  walk((view.scenegraph() as unknown as { root: Scene }).root, undefined);
  view.finalize();
  return { marks, legend };
}

test('figures: every mark in its own panel, legend = the class names, bars = the documents with a tau', async () => {
  const figures = buildFigures(model).filter((f) => f.id.startsWith('jw-'));
  assert.deepEqual(figures.map((f) => f.id), ['jw-tau-gradient', 'jw-tau-leave-one-out', 'jw-permutation', 'jw-adversarial']);
  for (const fig of figures) {
    const { marks, legend } = await drawn(fig.spec);
    const data = marks.filter((x) => x.datum.note === undefined);
    assert.ok(data.length > 0, fig.id);
    for (const x of data) {
      assert.ok(x.cell, `${fig.id}: a mark outside any panel`);
      assert.equal(x.datum.model, x.cell.model, `${fig.id}: a mark of ${String(x.datum.model)} in ${String(x.cell.model)}'s panel`);
      assert.equal(x.datum.dataset, x.cell.dataset, fig.id);
    }
    if (fig.id.startsWith('jw-tau')) {
      assert.deepEqual([...legend].sort(), CLASSES);
      const measure = fig.id === 'jw-tau-gradient' ? 'gradient' : 'leave one out';
      const bars = data.filter((x) => x.marktype === 'rect');
      assert.equal(bars.reduce((s, x) => s + (x.datum.count as number), 0), jw.tauBins.filter((b) => b.measure === measure).reduce((s, b) => s + b.count, 0));
    } else {
      const test = fig.id === 'jw-permutation' ? 'permutation' : 'adversarial';
      // Each box is a bar (q1..q3) and a tick (the median), both drawn as rects, and one whisker rule.
      assert.equal(data.filter((x) => x.marktype === 'rect').length, 2 * jw.boxes.filter((b) => b.test === test).length, `${fig.id}: one box per row`);
      assert.equal(data.filter((x) => x.marktype === 'rule').length, jw.boxes.filter((b) => b.test === test).length, fig.id);
      // FLAN-rnn has no adversarial records: its panel says so instead of drawing.
      if (test === 'adversarial') assert.ok(marks.some((x) => x.datum.note === 'adversarial attention not run' && x.datum.model === 'FLAN-rnn'));
    }
  }
});

// Report QA, 1 Dec: the HAN runs of the demo report had no examples, so their τ histograms said "class 0" …
// "class 4"; the colour scale sorted every data set's names together and repeated its 10 colours (brown's
// 'fiction' and sotu's '-1860' were one blue); and a permutation box of 3 documents showed no count.
test('class names come from summary.json when no example has them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-jw-classes-'));
  try {
    const r = RUNS[0]!;
    writeFileSync(join(dir, 'tested-model.json'), JSON.stringify(r.model));
    writeFileSync(join(dir, 'documents.jsonl'), r.documents.map((d) => JSON.stringify(d) + '\n').join(''));
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ classes: ['sport', 'weather'] }));
    const read = readRun(dir);
    assert.equal(read.examples.length, 0);
    assert.deepEqual(read.classes, ['sport', 'weather']);
    const groups = new Set(buildReportModel([read], OPTS).jainWallace!.tau.map((t) => t.group));
    assert.deepEqual([...groups].sort(), ['all', 'sport', 'weather']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tau colours: one per class, data set by data set, no two classes sharing one; counts over every box', async () => {
  const named = (r: RunInput, classes: string[]): RunInput => ({ ...r, examples: [], classes });
  const many = ['a', 'b', 'c', 'd', 'e', 'f'];
  const runs = [named(RUNS[0]!, ['neg', 'pos']), named(RUNS[1]!, ['neg', 'pos']), { ...named(RUNS[2]!, many), documents: RUNS[2]!.documents.map((d, i) => ({ ...d, predicted: i % 6 })) }];
  // 2 + 6 classes here; the demo report has 10 (5 + 5): more than 10 would need tableau20.
  const m = buildReportModel(runs, OPTS);
  const fig = buildFigures(m).find((f) => f.id === 'jw-tau-gradient')!;
  const view = new vega.View(vega.parse(compile(fig.spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  await view.runAsync();
  const scale = view.scale('color') as unknown as { domain(): string[]; (v: string): string };
  assert.deepEqual(scale.domain(), ['neg', 'pos', ...many], 'news classes first, in class order, then reviews');
  const colours = scale.domain().map((c) => scale(c));
  assert.equal(new Set(colours).size, colours.length, `a colour shared: ${colours.join(' ')}`);
  view.finalize();
  for (const id of ['jw-permutation', 'jw-adversarial']) {
    const f = buildFigures(model).find((x) => x.id === id)!;
    const { marks } = await drawn(f.spec);
    const counts = marks.filter((x) => x.marktype === 'text' && x.datum.note === undefined);
    const test = id === 'jw-permutation' ? 'permutation' : 'adversarial';
    const boxes = jw.boxes.filter((b) => b.test === test);
    assert.equal(counts.length, boxes.length, `${id}: a count over every box`);
    for (const c of counts) assert.ok(boxes.some((b) => b.dataset === c.datum.dataset && b.model === c.datum.model && b.bin === c.datum.bin && b.count === c.datum.count), id);
  }
});
