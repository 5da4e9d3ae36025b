// results -> report model -> figure specs -> HTML. One self-contained page: figures are SVG data URIs
// (an <img> each, so the ids inside vega's SVGs cannot clash), styles inline, no script, no network.
import { userTextHtml } from './bidi.ts';
import { ALL_RANKING_NAMES } from '../erasure/types.ts';
import type { LengthSummary, Proportion, RatioOfCounts } from '../erasure/types.ts';
import { documentViewHtml } from './document-view.ts';
import { escapeHtml, htmlPage } from './escape.ts';
import { EXPLORER_FILES } from './explorer-page.ts';
import { FINDINGS, pEquals, pValue, ratioIntervalText, ratioText, VIEW_LABELS, VIEWS } from './findings.ts';
import type { Bound, Finding, FindingId } from './findings.ts';
import { FLIP_COLOURS, RANKING_LABELS } from './figures.ts';
import type { Figure } from './figures.ts';
import type { FlipCell, ReportModel, RunRow } from './report-model.ts';
import { svgDataUri } from './svg-text.ts';
import { CSV_FILES } from './tables-csv.ts';
import { JAIN_WALLACE_FIGURE_IDS, jainWallaceSectionHtml } from './section-jain-wallace.ts';
import { seedsSectionHtml } from './section-seeds.ts';
import { wiegreffePinterSection } from './section-wiegreffe-pinter.ts';
import { eraserSectionHtml } from './section-eraser.ts';
import { fixed } from './numbers.ts';

export interface RenderedFigure extends Figure {
  svg: string;
  /** Was figures/<id>.png written beside the page? */
  png: boolean;
  /** The PNG, base64, to embed instead of an SVG too large for the page (thousands of scatter points). */
  inlinePng?: string;
}

const STYLE = /* css */ `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; } h4 { margin-bottom: .2rem; }
/* A table wider than the page scrolls sideways in its own box instead of running off the page's edge. */
table.report-table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; display: block; max-width: 100%; overflow-x: auto; }
table.report-table th.group { text-align: center; background: #f4f4f4; }
td.blue { background: ${FLIP_COLOURS['i* only']}; } td.orange { background: ${FLIP_COLOURS['r only']}; }
.warning { background: #fff3cd; border: 1px solid #e0c36a; padding: .5rem 1rem; border-radius: 4px; }
.small { font-size: .85rem; color: #444; }
table.report-table th, table.report-table td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
/* After the rule above and as specific as it: numbers line up on the right in every table. */
table.report-table td.num { text-align: right; font-variant-numeric: tabular-nums; } td.nw { white-space: nowrap; }
/* Row headers and names stay on one line; column headers wrap (a long one made its table scroll sideways). */
table.report-table th, #table-findings td:nth-child(2), #table-findings td:nth-child(3) { white-space: nowrap; } table.report-table thead th { white-space: normal; }
td.detail { min-width: 18rem; font-size: .85rem; }
.verdict-holds { background: #e3f4e1; } .verdict-does-not-hold { background: #fbe3e1; }
.verdict-inconclusive { background: #fff6d6; } .verdict-too-few-documents { background: #eee; }
figure.figure { margin: 1.5rem 0; } figure.figure .figure-box { max-width: 100%; overflow-x: auto; }
figure.figure img { display: block; box-sizing: border-box; max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .9rem; color: #444; max-width: 900px; }
.doc { border: 1px solid #ddd; border-radius: 4px; padding: .5rem 1rem; margin: 1rem 0; }
.meta { color: #555; font-size: .85rem; margin-top: 0; }
.text { line-height: 1.9; } .text.han .item { display: block; margin: .15rem 0; }
.item { background: rgba(214, 39, 40, calc(var(--a) * 0.75)); padding: 0 .1rem; border-radius: 2px; }
.item.minimal, .chip.minimal { outline: 2px solid #1f77b4; }
.flip-mark { color: #b00; font-weight: bold; font-size: .85rem; }
.chip { display: inline-block; background: #f1f1f1; border-radius: 3px; padding: 0 .3rem; margin: .1rem; font-size: .85rem; }
table.erasures { border-collapse: collapse; font-size: .85rem; margin: .6rem 0; }
table.erasures th, table.erasures td { border-top: 1px solid #eee; padding: .2rem .4rem; text-align: left; vertical-align: top; }
.bidi-control { font-size: .7em; font-weight: bold; vertical-align: .1em; border: 1px dashed #a00; color: #a00; background: #fff; border-radius: 2px; padding: 0 .2em; margin: 0 .1em; }
.explorer-link { font-size: 1rem; background: #eef5fc; border: 1px solid #cfe0f3; padding: .5rem .8rem; }
`;

export function buildHtml(m: ReportModel, figures: readonly RenderedFigure[]): string {
  const sections = [
    `<h1>Is attention interpretable? Erasure report</h1>
<p>Serrano &amp; Smith (ACL 2019), reproduced by attnlab on ${m.runs.length} trained model(s):
${m.datasets.map(escapeHtml).join(', ')} × ${m.models.map(escapeHtml).join(', ')}.
Shares carry 95% Wilson intervals, ratios of counts the matching closed-form interval, medians a 95% bootstrap
interval over documents; every number says how many documents stand behind it, and fewer than ${m.minDocuments} give no verdict.
Each figure's Vega-Lite spec and PNG sit beside this file; how to read every table and figure: docs/report.md.</p>`,
    provenanceSection(m),
    // Every section, in page order (the seeds section was missing from it).
    `<nav><ul>${['provenance', 'findings', 'outcomes', 'paper-statistics', ...(m.seeds ? ['seeds'] : []), ...(m.eraser ? ['eraser'] : []), 'summary', 'jain-wallace', 'figures', 'tables', ...(m.wiegreffePinter ? ['wiegreffe-pinter'] : []), 'downloads', 'documents'].map((s) => `<li><a href="#${s}">${s.replaceAll('-', ' ')}</a></li>`).join('')}</ul></nav>`,
    findingsSection(m.findings),
    outcomesSection(m),
    paperStatisticsSection(m),
    seedsSectionHtml(m.seeds),
    eraserSectionHtml(m.eraser ?? [], CSV_FILES.eraser),
    summarySection(m),
    jainWallaceSectionHtml(m, figures.filter(isJainWallace).map(figureHtml).join('\n')),
    `<h2 id="figures">Figures</h2>\n${figures.filter((f) => !isJainWallace(f)).map(figureHtml).join('\n')}`,
    tablesSection(m),
    ...(m.wiegreffePinter ? [wiegreffePinterSection(m.wiegreffePinter)] : []),
    downloadsSection(),
    documentsSection(m),
  ];
  return htmlPage('attnlab report', STYLE, sections.join('\n\n'));
}

const isJainWallace = (f: Figure): boolean => (JAIN_WALLACE_FIGURE_IDS as readonly string[]).includes(f.id);

function findingsSection(findings: readonly Finding[]): string {
  const ids = Object.keys(FINDINGS) as FindingId[];
  const claims = ids.map((id) => `<li><strong>${id}</strong> ${escapeHtml(FINDINGS[id].claim)} <em>Test: ${escapeHtml(FINDINGS[id].test)}.</em></li>`);
  const rows = findings.map(
    (f) =>
      `<tr class="verdict-${f.verdict.replaceAll(' ', '-')}"><td>${f.id}</td><td>${userTextHtml(f.dataset)}</td><td>${escapeHtml(f.model)}</td>` +
      `<td>${f.verdict}${f.view === null ? '' : ` <span class="small">(${VIEW_LABELS[f.view]})</span>`}</td><td class="num">${f.estimate === null ? '—' : boundText(f.estimate, f.id)}</td>` +
      `<td class="num nw">${f.interval ? `${boundText(f.interval.lo, f.id)} – ${boundText(f.interval.hi, f.id)}` : '—'}</td>` +
      `<td class="num">${f.documents}</td><td class="num">${f.p === null ? '—' : `${pValue(f.p)} <span class="small">(${f.pTest})</span>`}</td><td class="detail">${escapeHtml(f.detail)}</td></tr>`,
  );
  const verdicts: Finding['verdict'][] = ['holds', 'does not hold', 'inconclusive', 'too few documents'];
  const groups: { id: FindingId; view: Finding['view'] }[] = [];
  for (const id of ids)
    for (const view of [null, ...VIEWS] as Finding['view'][]) if (findings.some((f) => f.id === id && f.view === view)) groups.push({ id, view });
  const tally = groups.map(({ id, view }) => {
    const these = findings.filter((f) => f.id === id && f.view === view);
    const counts = verdicts.map((v) => `<td class="num">${these.filter((f) => f.verdict === v).length}</td>`).join('');
    return `<tr><th>${id}</th><td>${view === null ? '—' : VIEW_LABELS[view]}</td>${counts}<td class="num">${these.length}</td></tr>`;
  });
  return `<h2 id="findings">Findings, checked on each model</h2>
<ul>${claims.join('\n')}</ul>
<p class="small">F3, F4 and F5 are checked twice: <em>with zero-vector flips</em> counts a document that flips only when every item is
erased (its fraction is 1.0); <em>without</em> leaves such documents out. Each verdict names the view it rests on. Downloads: <a href="${CSV_FILES.findings}">${CSV_FILES.findings}</a>.</p>
<table class="report-table" id="table-verdicts"><thead><tr><th>finding</th><th>view</th>${verdicts.map((v) => `<th>${v}</th>`).join('')}<th>models</th></tr></thead>
<tbody>${tally.join('\n')}</tbody></table>
<table class="report-table" id="table-findings"><thead><tr><th>finding</th><th>data set</th><th>model</th><th>verdict (view)</th><th>estimate</th><th>95% CI</th><th>documents</th><th>p</th><th>numbers</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

/** Who made these models and how: a reader must not take demo models for paper-grade results. */
function provenanceSection(m: ReportModel): string {
  const profiles = [...new Set(m.runs.map((r) => r.training?.profile ?? 'not recorded'))];
  const notPaper = profiles.filter((p) => p !== 'paper');
  const warning = notPaper.length
    ? `<p class="warning"><strong>Not paper-grade:</strong> ${notPaper.map((p) => `<em>${escapeHtml(p)}</em>`).join(', ')} profile models
(capped epochs and training documents, see below). These numbers show what the method finds on these models, not what the paper's models would show.</p>`
    : '';
  const versions = [...new Set(m.runs.map((r) => (r.attnlab ? `${r.attnlab.version} @ ${r.attnlab.commit ? r.attnlab.commit.slice(0, 10) : 'no git'}${r.attnlab.dirty ? ' (uncommitted changes)' : ''}` : 'not recorded')))];
  const dates = m.runs.map((r) => r.date).filter((d): d is string => d !== null).sort();
  const t = (r: RunRow): string => {
    const tr = r.training;
    const cell = (v: string | number | null | undefined): string => `<td class="num">${v === null || v === undefined ? '—' : escapeHtml(String(v))}</td>`;
    return `<tr><td>${userTextHtml(r.dataset)}</td><td>${escapeHtml(r.model)}</td><td>${escapeHtml(tr?.profile ?? 'not recorded')}</td>` +
      cell(tr ? `${tr.epochsRun ?? '?'} / ${tr.maxEpochs} (best ${tr.bestEpoch})` : null) +
      cell(tr ? `${tr.trainDocuments === null ? '?' : tr.trainDocuments.toLocaleString('en-US')}${tr.maxTrainDocs > 0 ? ` (cap ${tr.maxTrainDocs.toLocaleString('en-US')})` : ''}` : null) +
      cell(tr?.seed) + cell(r.seed) + cell(r.documents) + `</tr>`;
  };
  return `<section id="provenance"><h2>Provenance</h2>
${warning}
<p class="small">attnlab ${versions.map(escapeHtml).join('; ')}; erasure runs ${dates.length ? `${escapeHtml(dates[0]!.slice(0, 16).replace('T', ' '))} – ${escapeHtml(dates[dates.length - 1]!.slice(0, 16).replace('T', ' '))} UTC` : 'undated'}.</p>
<table class="report-table" id="table-provenance"><thead><tr><th>data set</th><th>model</th><th>profile</th><th>epochs run / cap</th><th>training documents used</th><th>training seed</th><th>erasure seed</th><th>documents tested</th></tr></thead>
<tbody>${m.runs.map(t).join('\n')}</tbody></table></section>`;
}

const count = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
const share = (x: number, of: number): string => (of === 0 ? '—' : `${((100 * x) / of).toFixed(1)}%`);

/** Paper §5.3: how each ranking's erasures ended. */
function outcomesSection(m: ReportModel): string {
  const rows = m.outcomes.map((o, i) => {
    const multi = o.documents - o.singleItem;
    const c = (x: number): string => `<td class="num">${count(x)}</td><td class="num">${share(x, multi)}</td>`;
    // The data set and model once per block of rankings (rowspan), so the table reads as one block per model.
    const first = i === 0 || m.outcomes[i - 1]!.dataset !== o.dataset || m.outcomes[i - 1]!.model !== o.model;
    const span = m.outcomes.filter((x) => x.dataset === o.dataset && x.model === o.model).length;
    const lead = first ? `<th rowspan="${span}">${userTextHtml(o.dataset)}</th><th rowspan="${span}">${escapeHtml(o.model)}</th><td rowspan="${span}" class="num">${o.documents}</td>` : '';
    return `<tr>${lead}<td>${RANKING_LABELS[o.ranking]}</td>` +
      `${c(o.flipped)}${c(o.zeroVector)}${c(o.neverFlips)}<td class="num">${o.singleItem}</td></tr>`;
  });
  return `<h2 id="outcomes">How each ranking's erasures ended (paper §5.3)</h2>
<p>Each ranking erases items in its order until the decision flips. <em>Before the zero vector</em>: it flipped with at least one item
kept. <em>Only at the zero vector</em>: it flipped only when every item was gone (the attention layer's output replaced by the zero
vector); these count with fraction 1.0 in the "with zero-vector flips" view and are left out of the "without" view. <em>Never</em>:
not even the zero vector changes the decision; excluded from that ranking's numbers, as in the paper. Single-item documents
(n = 1) are excluded from every multi-item test. Shares are of the documents with n ≥ 2; random pools its 5 permutations
(a permutation counts 1/5 of a document). Download: <a href="${CSV_FILES.outcomes}">${CSV_FILES.outcomes}</a>.</p>
<table class="report-table" id="table-outcomes"><thead><tr><th rowspan="2">data set</th><th rowspan="2">model</th><th rowspan="2">documents</th><th rowspan="2">ranking</th>
<th class="group" colspan="2">flipped before the zero vector</th><th class="group" colspan="2">only at the zero vector</th><th class="group" colspan="2">never flipped (excluded)</th><th rowspan="2">single item (excluded)</th></tr>
<tr><th>n</th><th>%</th><th>n</th><th>%</th><th>n</th><th>%</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function propText(p: Proportion | undefined): string {
  if (!p || p.share === null) return '—';
  return `${(100 * p.share).toFixed(1)}% <span class="small">[${(100 * p.lo!).toFixed(1)}, ${(100 * p.hi!).toFixed(1)}] of ${p.documents}</span>`;
}

function ratioCell(q: RatioOfCounts, min: number): string {
  if (q.documents < min) return `too few documents <span class="small">(${q.first} : ${q.second})</span>`;
  return `${ratioText(q)} <span class="small">[${ratioIntervalText(q)}] ${q.first} : ${q.second}, ${pEquals(q.signTestP)}</span>`;
}

/** The paper's own §5.4 and §5.5 numbers, computed the same way on our models. */
function paperStatisticsSection(m: ReportModel): string {
  const rows = m.paperStatistics.map(
    (r) =>
      `<tr><td class="nw">${userTextHtml(r.dataset)}</td><td class="nw">${escapeHtml(r.model)}</td><td class="nw">${VIEW_LABELS[r.zeroVector]}</td>` +
      `<td class="num">${propText(r.gradientFewer)}</td><td class="num">${propText(r.attentionFewer)}</td><td class="num">${ratioCell(r.ratio, m.minDocuments)}</td>` +
      `<td class="num">${propText(r.moreThanHalf.attention)}</td><td class="num">${propText(r.moreThanHalf.gradient)}</td></tr>`,
  );
  return `<h2 id="paper-statistics">The paper's statistics beside ours (§5.4, §5.5)</h2>
<p>§5.4: "for ten of our 16 models with encoders, removing by gradient found a smaller decision-flipping set of items than attention
for over 50% of instances", and "at least 1.6 times as many test instances where the purely gradient-based ranking managed a
decision flip faster than the attention-based ranking than vice versa". §5.5: flips often need more than half of the items
removed. Shares are of the documents where both rankings flip (§5.5: where the ranking flips), with 95% Wilson intervals in
brackets; the ratio is gradient wins : attention wins, its interval from the Wilson interval of the gradient share of those
documents, with the exact sign test; fewer than ${m.minDocuments} such documents give no ratio. Download: <a href="${CSV_FILES.paperStatistics}">${CSV_FILES.paperStatistics}</a>.</p>
<table class="report-table" id="table-paper-statistics"><thead><tr><th>data set</th><th>model</th><th>view</th><th>gradient smaller set (paper: &gt; 50% for 10 of 16)</th><th>attention smaller set</th>
<th>gradient ÷ attention wins (paper: ≥ 1.6×)</th><th>attention: &gt; half erased</th><th>gradient: &gt; half erased</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

/** One row per model, a column group per data set: the numbers a reader compares across data sets. */
function summarySection(m: ReportModel): string {
  const cols = ['test acc.', 'attention: only at zero vector', 'median fraction (attention) with / without', 'F3 ratio (with / without)'];
  const head1 = m.datasets.map((d) => `<th class="group" colspan="${cols.length}">${userTextHtml(d)}</th>`).join('');
  const head2 = m.datasets.map(() => cols.map((c) => `<th>${c}</th>`).join('')).join('');
  const body = m.models.map((model) => {
    const cells = m.datasets.map((ds) => {
      const run = m.runs.find((r) => r.dataset === ds && r.model === model);
      if (!run) return `<td colspan="${cols.length}" class="small">not run</td>`;
      const o = m.outcomes.find((x) => x.dataset === ds && x.model === model && x.ranking === 'attention');
      const med = (zv: 'with' | 'without'): string => {
        const x = m.medians.find((r) => r.dataset === ds && r.model === model && r.ranking === 'attention' && r.zeroVector === zv);
        return x?.median == null ? '—' : x.median.toFixed(2);
      };
      const f3 = (zv: 'with' | 'without'): string => {
        const f = m.findings.find((x) => (x.id === 'F3' || x.id === 'F5') && x.dataset === ds && x.model === model && x.view === zv);
        if (!f) return '—';
        if (f.id === 'F5') return 'F5';
        return f.estimate === null ? 'too few' : boundText(f.estimate, f.id);
      };
      return `<td class="num">${run.testAccuracy === null ? '—' : (100 * run.testAccuracy).toFixed(1)}</td>` +
        `<td class="num">${o ? share(o.zeroVector, o.documents - o.singleItem) : '—'}</td><td class="num">${med('with')} / ${med('without')}</td><td class="num">${f3('with')} / ${f3('without')}</td>`;
    });
    return `<tr><th>${escapeHtml(model)}</th>${cells.join('')}</tr>`;
  });
  return `<h2 id="summary">Across data sets</h2>
<p class="small">Test accuracy on the full test split (Table 3); the share of documents (n ≥ 2) where attention's erasures flip the decision
only at the zero vector; the median fraction of items attention erases before the first flip, with and without those documents; the
F3 estimate (best of gradient, gradient × attention ÷ attention wins) in both views. The models without an encoder (HAN-noenc, FLAN-noenc) check F5 instead.</p>
<table class="report-table" id="table-summary"><thead><tr><th rowspan="2">model</th>${head1}</tr><tr>${head2}</tr></thead>
<tbody>${body.join('\n')}</tbody></table>`;
}

/** F3's estimate is a ratio of counts (2 decimals and ×, as its numbers say it: "9.000" read as a share); the others' shares and differences: 3 decimals. */
function boundText(b: Bound, id?: FindingId): string {
  if (b === 'unbounded') return '∞';
  return id === 'F3' ? `${fixed(b, 2)}×` : fixed(b, 3);
}

/**
 * The smallest scale a figure is drawn at: its MIN_FONT (11 px) text stays at least 10 px. A page narrower
 * than that scrolls the figure sideways in its own box, as it does a wide table.
 */
export const MIN_FIGURE_SCALE = 0.9;

/** The width and height vega wrote on the SVG's root element (CSS pixels). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /^<svg[^>]*>/.exec(svg)?.[0] ?? '';
  const attr = (name: string): number => Number(new RegExp(` ${name}="([\\d.]+)"`).exec(root)?.[1] ?? NaN);
  return { width: attr('width'), height: attr('height') };
}

function figureHtml(f: RenderedFigure): string {
  const src = f.inlinePng ? `data:image/png;base64,${f.inlinePng}` : svgDataUri(f.svg);
  const paper = f.paper === 'new' ? 'not in Serrano &amp; Smith' : `paper Fig. ${escapeHtml(f.paper)}`;
  // Drawn at the size it was laid out for (a PNG is twice that): never stretched to the page's width (a
  // small figure's text came out 1.7 times too large) nor squeezed below MIN_FIGURE_SCALE on a narrow page
  // (width, height and min-width count the image's 1 px border on each side: box-sizing is border-box).
  const { width, height } = svgSize(f.svg);
  const size = Number.isFinite(width) && Number.isFinite(height)
    ? ` width="${Math.round(width) + 2}" height="${Math.round(height) + 2}" style="min-width: ${Math.ceil(MIN_FIGURE_SCALE * width) + 2}px"`
    : '';
  return `<figure class="figure" id="fig-${f.id}" data-figure="${f.id}">
<h3>${escapeHtml(f.title)} <small>(${paper})</small></h3>
<div class="figure-box"><img src="${src}" alt="${escapeHtml(f.title)}"${size}></div>
<figcaption>${escapeHtml(f.caption)} <a href="specs/${f.id}.vl.json">spec</a> · <a href="figures/${f.id}.svg">SVG</a>${f.png ? ` · <a href="figures/${f.id}.png">PNG</a>` : ''}</figcaption>
</figure>`;
}

function tablesSection(m: ReportModel): string {
  const flipTable = (cells: FlipCell[]): string => {
    const cell = (top: string, other: string, cls: string): string => {
      const c = cells.find((x) => x.flipTop === top && x.flipOther === other);
      return `<td class="num${cls ? ` ${cls}` : ''}">${c ? `${c.percent.toFixed(1)} <span class="small">(${c.count})</span>` : '—'}</td>`;
    };
    return `<table class="report-table flip"><thead><tr><th>erase i* flips? \\ erase r flips?</th><th>yes</th><th>no</th></tr></thead>
<tbody><tr><th>yes</th>${cell('yes', 'yes', '')}${cell('yes', 'no', 'blue')}</tr><tr><th>no</th>${cell('no', 'yes', 'orange')}${cell('no', 'no', '')}</tr></tbody></table>`;
  };
  const table2Model = m.models.includes('HAN-rnn') ? 'HAN-rnn' : m.models[0]!;
  const table2 = m.datasets
    .map((ds) => {
      const cells = m.flips.filter((c) => c.dataset === ds && c.model === table2Model && c.ranking === 'attention');
      return cells.length ? `<div class="flip-block"><h4>${userTextHtml(ds)} (${cells[0]!.total} documents)</h4>${flipTable(cells)}</div>` : '';
    })
    .join('\n');
  const pctCell = (x: number | null | undefined): string => `<td class="num">${x == null ? '—' : (100 * x).toFixed(1)}</td>`;
  const table3Rows = m.models.map((md) => {
    const cells = m.datasets.map((d) => {
      const r = m.runs.find((x) => x.dataset === d && x.model === md);
      return pctCell(r?.testAccuracy);
    });
    return `<tr><th>${escapeHtml(md)}</th>${cells.join('')}</tr>`;
  });
  const majority = m.datasets.map((d) => pctCell(m.runs.find((x) => x.dataset === d && x.testMajority != null)?.testMajority));
  const table3 = `<table class="report-table" id="table-3"><thead><tr><th>model</th>${m.datasets.map((d) => `<th>${userTextHtml(d)}</th>`).join('')}</tr></thead>
<tbody>${table3Rows.join('\n')}
<tr class="majority"><th>majority class</th>${majority.join('')}</tr></tbody></table>`;
  const runs = `<table class="report-table" id="table-runs"><thead><tr><th>data set</th><th>model</th><th>test documents tested</th><th>with n ≥ 2</th><th>accuracy on them (%)</th><th>run folder</th></tr></thead>
<tbody>${m.runs
    .map((r) => `<tr><td>${userTextHtml(r.dataset)}</td><td>${escapeHtml(r.model)}</td><td class="num">${r.documents}</td><td class="num">${r.documentsMultiItem}</td>${pctCell(r.sampleAccuracy)}<td>${escapeHtml(r.folder)}</td></tr>`)
    .join('\n')}</tbody></table>`;
  // One row per ranking (as the outcome table): a column per ranking and view made the table 2,500 px wide.
  const medianRows = m.runs.flatMap((r) => {
    const rankings = ALL_RANKING_NAMES.filter((k) => m.medians.some((b) => b.dataset === r.dataset && b.model === r.model && b.ranking === k));
    return rankings.map((k, i) => {
      const pick = (zv: string) => m.medians.find((b) => b.dataset === r.dataset && b.model === r.model && b.ranking === k && b.zeroVector === zv);
      const cells = (x: ReturnType<typeof pick>): string =>
        x?.median == null
          ? `<td class="num">—</td><td class="num">—</td><td class="num">${x ? count(x.documents) : '—'}</td>`
          : `<td class="num">${x.median.toFixed(2)}</td><td class="num nw">${x.lo === null ? '—' : x.lo.toFixed(2)} – ${x.hi === null ? '—' : x.hi.toFixed(2)}</td><td class="num">${count(x.documents)}</td>`;
      const lead = i === 0 ? `<th rowspan="${rankings.length}">${userTextHtml(r.dataset)}</th><th rowspan="${rankings.length}">${escapeHtml(r.model)}</th>` : '';
      return `<tr>${lead}<td>${RANKING_LABELS[k]}</td>${cells(pick('with'))}${cells(pick('without'))}</tr>`;
    });
  });
  const medians = `<table class="report-table" id="table-medians"><thead><tr><th rowspan="2">data set</th><th rowspan="2">model</th><th rowspan="2">ranking</th>
<th class="group" colspan="3">with zero-vector flips</th><th class="group" colspan="3">without zero-vector flips</th></tr>
<tr><th>median</th><th>95% CI</th><th>documents</th><th>median</th><th>95% CI</th><th>documents</th></tr></thead>
<tbody>${medianRows.join('\n')}</tbody></table>`;
  const meanSd = (x: { mean: number; sd: number } | null, digits: number): string => (x ? `${x.mean.toFixed(digits)} (${x.sd.toFixed(digits)})` : '—');
  const five = (x: LengthSummary | undefined): string => (x ? `${x.min} · ${x.q1} · ${x.median} · ${x.q3} · ${x.max}` : '—');
  const num = (x: number | null | undefined): string => (x == null ? '—' : x.toLocaleString('en-US'));
  const table1 = m.datasetStats.length
    ? `<table class="report-table" id="table-1"><thead><tr><th>data set</th><th>av. # words (s.d.)</th><th>av. # sents. (s.d.)</th><th># train + dev</th><th># test</th><th># classes</th>
<th>sentences per document: min · q1 · median · q3 · max</th><th>words per document: min · q1 · median · q3 · max</th></tr></thead>
<tbody>${m.datasetStats
        .map(
          (d) =>
            `<tr><td>${userTextHtml(d.dataset)}</td><td class="num">${meanSd(d.words, 0)}</td><td class="num">${meanSd(d.sentences, 1)}</td><td class="num">${num(d.trainDev)}</td><td class="num">${num(d.test)}</td><td class="num">${d.classes}</td>` +
            `<td class="num">${five(d.lengths?.sentences)}</td><td class="num">${five(d.lengths?.words)}</td></tr>`,
        )
        .join('\n')}</tbody></table>
<p class="small">Averages over all documents of all splits, as the paper's Table 1; the distributions are over the ${escapeHtml(m.datasetStats[0]!.lengths?.split ?? 'tested')} split.
HAN attends over sentences, FLAN over words: these are the n of the erasure tests.</p>`
    : '<p>No run folder recorded its data set\'s statistics (tested-model.json from an older attnlab).</p>';
  return `<h2 id="tables">Tables</h2>
<h3>Median fraction of items erased before the first flip</h3>
<p class="small">Median, its 95% bootstrap interval and the documents behind it (random: permutations pooled, 1/5 each), with and without the
documents that flip only at the zero vector. The same numbers as each run's summary.json. Download: <a href="${CSV_FILES.medians}">${CSV_FILES.medians}</a>.</p>
${medians}
<h3 id="table-2">Table 2: decision flips from erasing the top-attention item i* vs a random item r, ${escapeHtml(table2Model)} (percent of documents, count in brackets)</h3>
<p class="small">Blue: only i* flips the decision (attention marks what matters); orange: only r flips it (attention points away). The p-value of McNemar's test on the two is with F2 above.</p>
${table2}
<h3>Table 3: test accuracy (%) on the full test split</h3>
<p class="small">Recorded when training ended (what <code>attnlab eval</code> prints), on every document of the test split, not only the documents
the erasure tests sampled (their accuracy is in the runs table below). The last row is the share of the test split's most frequent class.</p>
${table3}
<h3>Table 1: data sets</h3>
${table1}
<h3>Runs</h3>
${runs}`;
}

function downloadsSection(): string {
  const links = Object.values(CSV_FILES).map((f) => `<li><a href="${f}">${f}</a></li>`);
  return `<h2 id="downloads">Downloads</h2>
<p>The tables as CSV files next to this page (one header row; an empty cell is no value; "inf" an unbounded ratio), and
report-model.json with every number the page shows.</p>
<ul>${links.join('')}<li><a href="report-model.json">report-model.json</a></li></ul>`;
}

function documentsSection(m: ReportModel): string {
  // One document per data set here (the page stays small and script-free); all of them, with filters
  // and erasure by hand, in the explorer (explorer-page.ts).
  // Per data set, the first document where attention and gradient need different numbers of erasures.
  const telling = (e: ReportModel['examples'][number]): boolean => (e.outcomes ?? []).some((o) => o === 'attention_slower' || o === 'attention_faster');
  const firstPerDataset = m.datasets.flatMap((ds) => {
    const ofDataset = m.examples.filter((e) => e.dataset === ds);
    const pick = ofDataset.find(telling) ?? ofDataset[0];
    return pick ? [pick] : [];
  });
  const body = m.examples.length
    ? firstPerDataset.map(documentViewHtml).join('\n')
    : '<p>No run folder has examples.jsonl, so there are no documents to show.</p>';
  const explorer = `<p class="explorer-link"><a href="${EXPLORER_FILES.page}"><strong>Open the document explorer</strong></a>: ${m.examples.length} documents chosen by outcome, filters by data set, model, class and outcome, and erasure by hand (click words to erase them and watch the decision). Below, the first of each data set.</p>`;
  return `<h2 id="documents">Documents, one at a time</h2>\n${explorer}\n${body}`;
}
