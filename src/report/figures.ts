// results -> report model -> FIGURE SPECS -> HTML. Each figure is a Vega-Lite spec with its data inline,
// so a spec file alone redraws the figure (vega-lite's online editor opens it as is).
import { ALL_RANKING_NAMES } from '../erasure/types.ts';
import type { AnyRankingName, TopItemRankingName } from '../erasure/types.ts';
import type { BoxMeasure, ReportModel } from './report-model.ts';
import { NEGATIVE_BIN_WIDTH, SCATTER_CAP } from './report-model.ts';
import { jainWallaceFigures } from './section-jain-wallace.ts';
import { eraserFigures } from './section-eraser.ts';
import { wiegreffePinterFigures } from './section-wiegreffe-pinter.ts';

/** A Vega-Lite spec as plain JSON (what vega-lite's compile() takes). */
export type VegaLiteSpec = Record<string, unknown>;

export interface Figure {
  /** File stem: figures/<id>.svg, specs/<id>.vl.json. */
  id: string;
  /** Which of the paper's figures or tables it redraws ("new" when the paper has none). */
  paper: string;
  title: string;
  /** How to read it, one paragraph (README and report). */
  caption: string;
  spec: VegaLiteSpec;
}

export const RANKING_LABELS: Record<AnyRankingName, string> = {
  attention: 'attention',
  random: 'random',
  gradient: 'gradient',
  gradient_x_attention: 'gradient × attention',
  leave_one_out: 'leave one out',
  optimal: 'exact minimum',
  // `attnlab test --rankings all` (docs/faithfulness.md); attention_norm also in transformer runs.
  signed_leave_one_out: 'signed leave one out',
  attention_norm: 'attention norm',
  integrated_gradients: 'integrated gradients',
  // Transformer runs only (src/erasure/transformer-row.ts): no exact minimum there, greedy bounds it from above.
  rollout: 'attention rollout',
  greedy: 'greedy (upper bound)',
};

const FONT = 'DejaVu Sans';
/** Width the figures are laid out for: the page's content width (html.ts STYLE, max-width 1200px). */
export const PAGE_WIDTH = 1140;
/** Room for the row headers ("FLAN-noenc") and the y axis of the first column. */
const ROW_HEADER = 190;
/** The smallest text in any figure (px): axis labels, counts, headers are at least this size. */
export const MIN_FONT = 11;

/** Panel size: the panels of one row share the page width. */
export function panelSize(m: ReportModel, height = 130): { width: number; height: number } {
  const columns = Math.max(1, m.datasets.length);
  const width = Math.floor((PAGE_WIDTH - ROW_HEADER) / columns) - 24;
  return { width: Math.max(150, Math.min(420, width)), height };
}

export function buildFigures(m: ReportModel): Figure[] {
  const figures: Figure[] = [
    scatterFigure(m),
    negativeFigure(m),
    boxFigure(m, 'fraction', 'with'),
    boxFigure(m, 'fraction', 'without'),
    boxFigure(m, 'mass', 'with'),
    flipFigure(m, 'attention', '9 (Table 2 = its HAN-rnn row)'),
    flipFigure(m, 'gradient', '12'),
    flipFigure(m, 'gradient_x_attention', '13'),
    boxFigure(m, 'extraFraction', 'with'),
    ...jainWallaceFigures(m),
    ...eraserFigures(m, m.eraser ?? []),
    ...wiegreffePinterFigures(m),
  ];
  return figures;
}

function scatterFigure(m: ReportModel): Figure {
  return {
    id: 'delta-js-scatter',
    paper: '3, 7',
    title: 'Erasing the top-attention item vs a random item: Δα against ΔJS',
    caption:
      'One point per test document (n ≥ 2). x: Δα = α(i*) − α(r), how much more attention the top item i* has than a ' +
      'random other item r. y: ΔJS = JS(p, q without i*) − JS(p, q without r). Points above 0 say erasing i* moved ' +
      'the output more than erasing r, as attention predicts; points below 0 contradict it. All panels share the y axis. ' +
      (m.scatterSampled ? `Runs with more than ${SCATTER_CAP} documents show a seeded sample of ${SCATTER_CAP}.` : ''),
    spec: facet(m, m.scatter, 'no document with n ≥ 2', [
      {
        mark: { type: 'point', filled: true, size: 14, opacity: 0.45 },
        encoding: {
          x: { field: 'deltaAlpha', type: 'quantitative', title: 'Δα', scale: { domain: [0, 1] } },
          y: { field: 'deltaJs', type: 'quantitative', title: 'ΔJS' },
        },
      },
    ]),
  };
}

function negativeFigure(m: ReportModel): Figure {
  return {
    id: 'negative-delta-js',
    paper: '4, 8',
    title: 'Where ΔJS is negative, by Δα',
    caption:
      `Counts of documents where erasing the top-attention item i* changed the output LESS than erasing a random item ` +
      `(ΔJS < 0), in Δα bins of ${NEGATIVE_BIN_WIDTH}. Bars near Δα = 0 mean the contradictions happen when i* and r ` +
      'have nearly tied attention; bars further right are contradictions attention cannot excuse. A panel that says ' +
      '"no document with ΔJS < 0" is a model where attention was never contradicted this way. All panels share the y axis.',
    spec: facet(m, m.negativeDeltaJs, 'no document with ΔJS < 0', [
      {
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'from', type: 'quantitative', bin: { binned: true, step: NEGATIVE_BIN_WIDTH }, title: 'Δα', scale: { domain: [0, 1] } },
          x2: { field: 'to' },
          y: { field: 'count', type: 'quantitative', title: 'documents', axis: { tickMinStep: 1, format: 'd' } },
        },
      },
    ]),
  };
}

/** The paper's Table 2 colours: blue where only i* flips (attention right), orange where only r does (attention wrong). */
export const FLIP_COLOURS = { 'i* only': '#9ecae1', 'r only': '#fdae6b', both: '#e8e8e8', neither: '#f6f6f6' } as const;

function flipRole(top: string, other: string): keyof typeof FLIP_COLOURS {
  return top === 'yes' ? (other === 'yes' ? 'both' : 'i* only') : other === 'yes' ? 'r only' : 'neither';
}

function flipFigure(m: ReportModel, ranking: TopItemRankingName, paper: string): Figure {
  const who = ranking === 'attention' ? 'the highest-attention item' : `the top item by ${RANKING_LABELS[ranking]}`;
  const values = m.flips
    .filter((c) => c.ranking === ranking)
    .map((c) => ({ ...c, role: flipRole(c.flipTop, c.flipOther), label: `${c.percent.toFixed(1)}% (${c.count})` }));
  const roles = Object.keys(FLIP_COLOURS);
  const size = { width: Math.min(260, panelSize(m).width), height: 90 };
  return {
    id: `flips-${ranking.replaceAll('_', '-')}`,
    paper,
    title: `Decision flips: erasing ${who} (i*) vs a random other item (r)`,
    caption:
      `Percent (and count) of test documents (n ≥ 2) in each cell. Rows: does erasing i* alone flip the decision? Columns: does ` +
      'erasing r alone? As in the paper, blue = only i* flips (attention pointed at what matters), orange = only r flips ' +
      '(attention pointed away): blue should be large and orange near zero if the ranking marks what matters. A large ' +
      '"no, no" cell means single erasures rarely change anything.',
    spec: facet(
      m,
      values,
      'no document with n ≥ 2',
      [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
          encoding: { color: { field: 'role', type: 'nominal', scale: { domain: roles, range: roles.map((r) => FLIP_COLOURS[r as keyof typeof FLIP_COLOURS]) }, legend: null } },
        },
        { mark: { type: 'text', fontSize: 13 }, encoding: { text: { field: 'label', type: 'nominal' }, color: { value: 'black' } } },
      ],
      {
        x: { field: 'flipOther', type: 'nominal', sort: ['yes', 'no'], title: 'erasing r flips?', axis: { labelAngle: 0, orient: 'top' } },
        y: { field: 'flipTop', type: 'nominal', sort: ['yes', 'no'], title: 'erasing i* flips?' },
      },
      size,
    ),
  };
}

const BOX_TEXT: Record<BoxMeasure, { id: string; paper: string; title: string; axis: string; caption: string }> = {
  fraction: {
    id: 'fraction-erased',
    paper: '5, 6, 10',
    title: 'Fraction of items erased before the decision first flips',
    axis: 'fraction erased',
    caption:
      'Each ranking erases items (sentences for HAN, words for FLAN, tokens for transformers) in its order until the decision flips; the box ' +
      'shows the fraction of the document erased by then (median, quartiles, whiskers to the furthest value within ' +
      '1.5 IQR; outliers not drawn). Lower is a better explanation. Documents that never flip are left out per ranking; ' +
      'random pools its 5 permutations per document.',
  },
  mass: {
    id: 'attention-mass-erased',
    paper: '11',
    title: 'Attention mass erased before the decision first flips',
    axis: 'attention mass erased',
    caption:
      'The same erasures as the fraction figure, measured as the sum of the original attention weights of the erased ' +
      'items. A ranking that needs most of the attention mass gone before the decision moves says attention and ' +
      'decision are tied; a small mass says the decision rests on items attention overlooked.',
  },
  extraFraction: {
    id: 'erasures-over-minimum',
    paper: 'new',
    title: 'How far each ranking is from the exact minimal flip set',
    axis: 'extra fraction erased',
    caption:
      'The paper could not compute the smallest set of items whose erasure flips the decision; at the final layer it ' +
      'is exact (docs/method.md §8). For each ranking: (items it erased before the flip − size of the minimal set) ÷ items in ' +
      'the document. 0 means the ranking found a minimal set; the gap is what that ranking wastes. A transformer has no ' +
      'exact minimal set (its greedy set is only an upper bound on it), so its panels stay empty.',
  },
};

function boxFigure(m: ReportModel, measure: BoxMeasure, zeroVector: 'with' | 'without'): Figure {
  const t = BOX_TEXT[measure];
  const rows = m.boxes.filter((b) => b.measure === measure && b.zeroVector === zeroVector);
  const rankings = ALL_RANKING_NAMES.filter((r) => rows.some((b) => b.ranking === r));
  const labelled = rows.map((b) => ({ ...b, rankingLabel: RANKING_LABELS[b.ranking] }));
  const sort = rankings.map((r) => RANKING_LABELS[r]);
  const x = { field: 'rankingLabel', type: 'nominal', sort, title: null, axis: { labels: false, ticks: false }, scale: { domain: sort } };
  const color = { field: 'rankingLabel', type: 'nominal', sort, title: 'ranking', scale: { domain: sort, scheme: 'tableau10' }, legend: { labelLimit: 240, orient: 'top', symbolType: 'square', columns: Math.min(sort.length, 6) } };
  const without = zeroVector === 'without';
  const size = panelSize(m, 150);
  const band = size.width / Math.max(1, sort.length);
  const boxWidth = Math.max(8, Math.min(28, Math.floor(band * 0.45)));
  return {
    id: without ? `${t.id}-without-zero-vector` : t.id,
    paper: t.paper,
    title: without ? `${t.title} (without zero-vector flips)` : t.title,
    caption:
      t.caption +
      ' The black line is the median; the number above each box is how many documents it holds (random: documents, its 5 permutations pooled). ' +
      (without
        ? 'This view leaves out documents that flip only when every item is erased (the zero vector), which on short HAN documents are often most of them.'
        : 'Documents that flip only when every item is erased (the zero vector) count with fraction 1.0; a box squashed at 1.0 means most documents flip only there (see the outcome table).'),
    spec: facet(
      m,
      labelled,
      'no document flips',
      [
        // Every measure is a share of the document (or of its attention), so all panels use [0, 1].
        {
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: { y: { field: 'whiskerLo', type: 'quantitative', title: t.axis, scale: { domain: [0, 1] } }, y2: { field: 'whiskerHi' } },
        },
        { mark: { type: 'bar', size: boxWidth, opacity: 0.85 }, encoding: { y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' } } },
        // The median in black over the box's colour, wider than the box, so it shows also where the box is flat.
        { mark: { type: 'tick', size: boxWidth + 8, thickness: 3 }, encoding: { y: { field: 'median', type: 'quantitative' }, color: { value: 'black' } } },
        {
          mark: { type: 'text', fontSize: MIN_FONT, baseline: 'bottom', dy: -3 },
          encoding: { y: { datum: 1 }, text: { field: 'documents', type: 'quantitative', format: '.0f' }, color: { value: '#333' } },
        },
      ],
      { x, color },
      size,
      (dataset, model) =>
        measure === 'extraFraction' && m.runs.some((r) => r.dataset === dataset && r.model === model && r.minimalMethod === 'greedy_upper_bound')
          ? 'greedy upper bound: no exact minimum'
          : undefined,
    ),
  };
}

/**
 * One panel per (data set, model) pair, models in rows and data sets in columns, in the report model's
 * order, EVERY pair present: a pair with no data row gets a placeholder row (`note`), drawn as the note in
 * an empty panel. Vega-Lite lays out the cells it finds in the data one after another, so a missing pair
 * would move every later panel under the wrong header (issue 9: Fig. 4/8).
 */
export function facet(
  m: ReportModel,
  values: readonly { dataset: string; model: string }[],
  emptyNote: string,
  layers: Record<string, unknown>[],
  shared: Record<string, unknown> = {},
  panel = panelSize(m),
  /** A panel's own note where it has no data for a known reason (a transformer's missing exact minimum). */
  noteFor: (dataset: string, model: string) => string | undefined = () => undefined,
): VegaLiteSpec {
  const ran = new Set(m.runs.map((r) => `${r.dataset}\u0000${r.model}`));
  const has = new Set(values.map((v) => `${v.dataset}\u0000${v.model}`));
  const placeholders: PanelNote[] = [];
  for (const dataset of m.datasets)
    for (const model of m.models) {
      const key = `${dataset}\u0000${model}`;
      if (!has.has(key)) placeholders.push({ dataset, model, note: ran.has(key) ? (noteFor(dataset, model) ?? emptyNote) : 'not run' });
    }
  const onlyData = { filter: 'datum.note == null' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: [...values, ...placeholders] },
    facet: {
      row: { field: 'model', type: 'nominal', sort: m.models, title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 13, labelFontWeight: 'bold' } },
      column: { field: 'dataset', type: 'nominal', sort: m.datasets, title: null, header: { labelFontSize: 13, labelFontWeight: 'bold' } },
    },
    spec: {
      ...panel,
      encoding: shared,
      layer: [
        ...layers.map((l) => ({ ...l, transform: [onlyData, ...((l.transform as unknown[]) ?? [])] })),
        {
          transform: [{ filter: 'datum.note != null' }],
          mark: { type: 'text', fontSize: 12, color: '#777', fontStyle: 'italic' },
          encoding: { text: { field: 'note' }, x: { value: panel.width / 2 }, y: { value: panel.height / 2 }, color: { value: '#777' } },
        },
      ],
    },
    // Panels are compared with each other: one y scale for all of them.
    resolve: { scale: { y: 'shared' } },
    spacing: { row: 22, column: 16 },
    config: {
      font: FONT,
      background: 'white',
      // No per-mark aria labels: they are most of an SVG's bytes (the page has a caption and a spec per figure).
      aria: false,
      axis: { labelFontSize: MIN_FONT, titleFontSize: 12 },
      header: { labelFontSize: 13 },
      legend: { labelFontSize: MIN_FONT, titleFontSize: 12 },
      text: { fontSize: MIN_FONT },
    },
  };
}

/** The row a panel without data gets. */
export interface PanelNote {
  dataset: string;
  model: string;
  note: string;
}
