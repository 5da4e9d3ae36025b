// results -> report model -> FIGURE SPECS -> HTML. Each figure is a Vega-Lite spec with its data inline,
// so a spec file alone redraws the figure (vega-lite's online editor opens it as is).
import { RANKING_NAMES } from '../erasure/types.ts';
import type { RankingName, TopItemRankingName } from '../erasure/types.ts';
import type { BoxMeasure, ReportModel } from './report-model.ts';
import { NEGATIVE_BIN_WIDTH, SCATTER_CAP } from './report-model.ts';

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

export const RANKING_LABELS: Record<RankingName, string> = {
  attention: 'attention',
  random: 'random',
  gradient: 'gradient',
  gradient_x_attention: 'gradient × attention',
  leave_one_out: 'leave one out',
  optimal: 'exact minimum',
};

const FONT = 'DejaVu Sans';
const PANEL = { width: 150, height: 110 };

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
      'the output more than erasing r, as attention predicts; points below 0 contradict it. ' +
      (m.scatterSampled ? `Runs with more than ${SCATTER_CAP} documents show a seeded sample of ${SCATTER_CAP}.` : ''),
    spec: facet(m, m.scatter, {
      mark: { type: 'point', filled: true, size: 10, opacity: 0.45 },
      encoding: {
        x: { field: 'deltaAlpha', type: 'quantitative', title: 'Δα', scale: { domain: [0, 1] } },
        y: { field: 'deltaJs', type: 'quantitative', title: 'ΔJS' },
      },
    }),
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
      'have nearly tied attention; bars further right are contradictions attention cannot excuse.',
    spec: facet(m, m.negativeDeltaJs, {
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'from', type: 'quantitative', bin: { binned: true, step: NEGATIVE_BIN_WIDTH }, title: 'Δα', scale: { domain: [0, 1] } },
        x2: { field: 'to' },
        y: { field: 'count', type: 'quantitative', title: 'documents with ΔJS < 0', axis: { tickMinStep: 1, format: 'd' } },
      },
    }),
  };
}

function flipFigure(m: ReportModel, ranking: TopItemRankingName, paper: string): Figure {
  const who = ranking === 'attention' ? 'the highest-attention item' : `the top item by ${RANKING_LABELS[ranking]}`;
  return {
    id: `flips-${ranking.replaceAll('_', '-')}`,
    paper,
    title: `Decision flips: erasing ${who} (i*) vs a random other item (r)`,
    caption:
      `Percent of test documents (n ≥ 2) in each cell. Rows: does erasing i* alone flip the decision? Columns: does ` +
      'erasing r alone? Read the off-diagonal: "i* yes, r no" should be large and "i* no, r yes" near zero if the ' +
      'ranking marks what matters. A large "no, no" cell means single erasures rarely change anything.',
    spec: facet(m, m.flips.filter((c) => c.ranking === ranking), {
      encoding: {
        x: { field: 'flipOther', type: 'nominal', sort: ['yes', 'no'], title: 'erasing r flips?', axis: { labelAngle: 0 } },
        y: { field: 'flipTop', type: 'nominal', sort: ['yes', 'no'], title: 'erasing i* flips?' },
      },
      layer: [
        {
          mark: { type: 'rect' },
          encoding: { color: { field: 'percent', type: 'quantitative', scale: { domain: [0, 100], scheme: 'blues' }, legend: null } },
        },
        {
          mark: { type: 'text', fontSize: 12 },
          encoding: {
            text: { field: 'percent', type: 'quantitative', format: '.1f' },
            color: { condition: { test: 'datum.percent > 50', value: 'white' }, value: 'black' },
          },
        },
      ],
    }, { width: 90, height: 70 }),
  };
}

const BOX_TEXT: Record<BoxMeasure, { id: string; paper: string; title: string; axis: string; caption: string }> = {
  fraction: {
    id: 'fraction-erased',
    paper: '5, 6, 10',
    title: 'Fraction of items erased before the decision first flips',
    axis: 'fraction erased',
    caption:
      'Each ranking erases items (sentences for HAN, words for FLAN) in its order until the decision flips; the box ' +
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
      'the document. 0 means the ranking found a minimal set; the gap is what that ranking wastes.',
  },
};

function boxFigure(m: ReportModel, measure: BoxMeasure, zeroVector: 'with' | 'without'): Figure {
  const t = BOX_TEXT[measure];
  const rows = m.boxes.filter((b) => b.measure === measure && b.zeroVector === zeroVector);
  const rankings = RANKING_NAMES.filter((r) => rows.some((b) => b.ranking === r));
  const labelled = rows.map((b) => ({ ...b, rankingLabel: RANKING_LABELS[b.ranking] }));
  const sort = rankings.map((r) => RANKING_LABELS[r]);
  const x = { field: 'rankingLabel', type: 'nominal', sort, title: null, axis: { labels: false, ticks: false } };
  const color = { field: 'rankingLabel', type: 'nominal', sort, title: 'ranking', scale: { scheme: 'tableau10' }, legend: { labelLimit: 240 } };
  const without = zeroVector === 'without';
  return {
    id: without ? `${t.id}-without-zero-vector` : t.id,
    paper: t.paper,
    title: without ? `${t.title} (without zero-vector flips)` : t.title,
    caption:
      t.caption +
      (without
        ? ' This view leaves out documents that flip only when every item is erased (the zero vector), which on short HAN documents are often most of them.'
        : ' Documents that flip only when every item is erased (the zero vector) count with fraction 1.0.'),
    spec: facet(m, labelled, {
      encoding: { x, color },
      layer: [
        // Every measure is a share of the document (or of its attention), so all panels use [0, 1].
        {
          mark: { type: 'rule' },
          encoding: { y: { field: 'whiskerLo', type: 'quantitative', title: t.axis, scale: { domain: [0, 1] } }, y2: { field: 'whiskerHi' } },
        },
        { mark: { type: 'bar', size: 12 }, encoding: { y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' } } },
        { mark: { type: 'tick', color: 'black', size: 12 }, encoding: { y: { field: 'median', type: 'quantitative' } } },
      ],
    }),
  };
}

/** One panel per model (rows) and data set (columns), in the report model's order. */
function facet(m: ReportModel, values: readonly object[], inner: Record<string, unknown>, panel = PANEL): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: {
      row: { field: 'model', type: 'nominal', sort: m.models, title: null, header: { labelAngle: 0, labelAlign: 'left' } },
      column: { field: 'dataset', type: 'nominal', sort: m.datasets, title: null },
    },
    spec: { ...panel, ...inner },
    resolve: { scale: { y: 'independent' } },
    config: { font: FONT, background: 'white' },
  };
}
