// Faceted figures are right by construction: every (data set, model) pair has its own panel, in the
// order of the row and column headers, also when a model has no data for a figure (issue 9, item 1:
// Fig. 4/8 put counts under the model above them). Checked on the rendered scenegraph: each mark is
// drawn inside the panel whose row header names its model and whose column header names its data set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { buildFigures, MIN_FONT } from '../../src/report/figures.ts';
import type { VegaLiteSpec } from '../../src/report/figures.ts';
import { buildReportModel } from '../../src/report/report-model.ts';
import type { ModelInfo, RunInput } from '../../src/report/run-input.ts';
import { Rng } from '../../src/util/rng.ts';
import { makeDocument } from './synthetic.ts';

function run(dataset: string, m: Pick<ModelInfo, 'architecture' | 'encoder'>, negative: boolean, seed: number): RunInput {
  const rng = new Rng(seed);
  const documents = Array.from({ length: 30 }, (_, i) => {
    const n = m.architecture === 'han' ? 2 + rng.int(6) : 6 + rng.int(20);
    const k = 1 + rng.int(n);
    return makeDocument(i, {
      n,
      deltaAlpha: rng.next(),
      // A model with `negative` false has no document with ΔJS < 0: its Fig. 4/8 panel is empty.
      deltaJs: negative && rng.next() < 0.4 ? -0.01 - rng.next() / 10 : 0.01 + rng.next() / 10,
      flipTop: rng.next() < 0.2,
      flipOther: rng.next() < 0.1,
      erased: { attention: k, gradient: Math.max(1, k - 1), random: n, gradient_x_attention: k, leave_one_out: k, optimal: 1 },
    });
  });
  return { folder: `${dataset}-${m.architecture}-${m.encoder}`, model: { dataset, ...m, testAccuracy: 0.7 }, documents, examples: [] };
}

// HAN-rnn (the first row) has no negative ΔJS anywhere; sotu has no FLAN models at all (not run).
const RUNS: RunInput[] = [
  run('brown', { architecture: 'han', encoder: 'rnn' }, false, 1),
  run('brown', { architecture: 'han', encoder: 'conv' }, true, 2),
  run('brown', { architecture: 'flan', encoder: 'rnn' }, true, 3),
  run('brown', { architecture: 'flan', encoder: 'noenc' }, false, 4),
  run('sotu', { architecture: 'han', encoder: 'rnn' }, false, 5),
  run('sotu', { architecture: 'han', encoder: 'conv' }, true, 6),
];
const model = buildReportModel(RUNS, { resamples: 20, seed: 1 });

interface Drawn {
  marktype: string;
  x: number;
  y: number;
  datum: Record<string, unknown>;
  fill?: string;
  text?: unknown;
  fontSize?: number;
}
interface Header {
  label: string;
  from: number;
  to: number;
}

interface Scene {
  marktype?: string;
  role?: string;
  name?: string;
  items?: SceneItem[];
}
interface SceneItem extends Scene {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  datum?: Record<string, unknown>;
  fill?: string;
  text?: unknown;
  fontSize?: number;
}

async function scene(spec: VegaLiteSpec): Promise<{ marks: Drawn[]; rows: Header[]; columns: Header[]; cells: number; fonts: number[] }> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  await view.runAsync();
  const marks: Drawn[] = [];
  const rows: Header[] = [];
  const columns: Header[] = [];
  const fonts: number[] = [];
  let cells = 0;
  const walk = (node: Scene, ox: number, oy: number): void => {
    for (const it of node.items ?? []) {
      const x = ox + (it.x ?? 0);
      const y = oy + (it.y ?? 0);
      if (node.marktype === 'group') {
        if (node.name === 'cell') cells++;
        if (node.role === 'row-header' && it.height !== undefined) rows.push({ label: String(findTitle(it)), from: y, to: y + it.height });
        if (node.role === 'column-header' && it.width !== undefined) columns.push({ label: String(findTitle(it)), from: x, to: x + it.width });
        walk(it, x, y);
      } else {
        if (node.marktype === 'text' && typeof it.fontSize === 'number' && it.text !== '') fonts.push(it.fontSize);
        if (node.role === 'mark' && it.datum && 'dataset' in it.datum && 'model' in it.datum) {
          marks.push({ marktype: node.marktype!, x: x + (it.width ?? 0) / 2, y: y + (it.height ?? 0) / 2, datum: it.datum, fill: it.fill, text: it.text, fontSize: it.fontSize });
        }
        walk(it, ox, oy);
      }
    }
  };
  walk((view.scenegraph() as unknown as { root: Scene }).root, 0, 0);
  view.finalize();
  return { marks, rows, columns, cells, fonts };
}

function findTitle(group: SceneItem): unknown {
  const stack: Scene[] = [group];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.role === 'title-text') return n.items?.[0]?.text;
    for (const c of n.items ?? []) stack.push(c);
  }
  return undefined;
}

const within = (h: Header[], v: number): string | undefined => h.find((x) => v >= x.from - 0.5 && v <= x.to + 0.5)?.label;

for (const fig of buildFigures(model)) {
  test(`${fig.id}: one panel per (data set, model), every mark under its own row and column header`, async () => {
    const s = await scene(fig.spec);
    assert.equal(s.cells, model.datasets.length * model.models.length, 'a panel for every pair, empty ones included');
    assert.deepEqual(s.rows.map((r) => r.label), model.models, 'row headers in the report order');
    assert.deepEqual(s.columns.map((c) => c.label), model.datasets, 'column headers in the report order');
    assert.ok(s.marks.length > 0);
    for (const mk of s.marks) {
      const where = `${mk.marktype} of ${String(mk.datum.dataset)} · ${String(mk.datum.model)}`;
      assert.equal(within(s.rows, mk.y), mk.datum.model, `${where}: drawn in the row of ${within(s.rows, mk.y)}`);
      assert.equal(within(s.columns, mk.x), mk.datum.dataset, `${where}: drawn in the column of ${within(s.columns, mk.x)}`);
    }
    // Empty panels say why: a model without such documents, or a pair that was never run.
    const notes = s.marks.filter((mk) => 'note' in mk.datum && mk.datum.note != null);
    for (const n of notes) assert.equal(n.text, n.datum.note);
    assert.ok(notes.some((n) => n.datum.dataset === 'sotu' && n.datum.model === 'FLAN-rnn' && n.text === 'not run'));
    for (const size of s.fonts) assert.ok(size >= MIN_FONT, `${fig.id}: a ${size}px text`);
  });
}

test('Fig. 4/8: the models without a negative ΔJS have an empty panel that says so', async () => {
  const fig = buildFigures(model).find((f) => f.id === 'negative-delta-js')!;
  const s = await scene(fig.spec);
  for (const [dataset, m] of [['brown', 'HAN-rnn'], ['brown', 'FLAN-noenc'], ['sotu', 'HAN-rnn']]) {
    const here = s.marks.filter((mk) => mk.datum.dataset === dataset && mk.datum.model === m);
    assert.deepEqual(here.map((mk) => mk.text), ['no document with ΔJS < 0'], `${dataset} ${m}`);
  }
  // And the bars of HAN-conv are HAN-conv's counts.
  const conv = s.marks.filter((mk) => mk.datum.dataset === 'brown' && mk.datum.model === 'HAN-conv' && mk.marktype === 'rect');
  const expected = RUNS[1]!.documents.filter((d) => d.single.attention!.deltaJs < 0).length;
  assert.equal(conv.reduce((t, mk) => t + (mk.datum.count as number), 0), expected);
});

test('box plots: a black median mark and the document count over every box', async () => {
  for (const fig of buildFigures(model).filter((f) => ['fraction-erased', 'attention-mass-erased', 'fraction-erased-without-zero-vector', 'erasures-over-minimum'].includes(f.id))) {
    const s = await scene(fig.spec);
    const boxes = s.marks.filter((mk) => 'q1' in mk.datum);
    const keys = new Set(boxes.map((mk) => `${String(mk.datum.dataset)}|${String(mk.datum.model)}|${String(mk.datum.ranking)}`));
    assert.ok(keys.size > 0, fig.id);
    for (const key of keys) {
      const mine = boxes.filter((mk) => `${String(mk.datum.dataset)}|${String(mk.datum.model)}|${String(mk.datum.ranking)}` === key);
      const rects = mine.filter((mk) => mk.marktype === 'rect');
      const box = rects.find((mk) => mk.fill !== 'black');
      const median = rects.find((mk) => mk.fill === 'black');
      assert.ok(median, `${fig.id} ${key}: a black median mark`);
      assert.notEqual(box?.fill, median.fill, `${fig.id} ${key}: the median contrasts with the box`);
      const count = mine.find((mk) => mk.marktype === 'text');
      assert.equal(count?.text, String(Math.round(mine[0]!.datum.documents as number)), `${fig.id} ${key}: document count`);
    }
  }
});
