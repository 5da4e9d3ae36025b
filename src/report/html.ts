// results -> report model -> figure specs -> HTML. One self-contained page: figures are SVG data URIs
// (an <img> each, so the ids inside vega's SVGs cannot clash), styles inline, no script, no network.
import { RANKING_NAMES } from '../erasure/types.ts';
import type { RankingName } from '../erasure/types.ts';
import { documentViewHtml } from './document-view.ts';
import { escapeHtml } from './escape.ts';
import { EXPLORER_FILES } from './explorer-page.ts';
import { FINDINGS } from './findings.ts';
import type { Bound, Finding, FindingId } from './findings.ts';
import { RANKING_LABELS } from './figures.ts';
import type { Figure } from './figures.ts';
import type { FlipCell, ReportModel } from './report-model.ts';

export interface RenderedFigure extends Figure {
  svg: string;
  /** Was figures/<id>.png written beside the page? */
  png: boolean;
}

const STYLE = `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; } h4 { margin-bottom: .2rem; }
table.report-table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
table.report-table th, table.report-table td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict-holds { background: #e3f4e1; } .verdict-does-not-hold { background: #fbe3e1; }
.verdict-inconclusive { background: #fff6d6; } .verdict-too-few-documents { background: #eee; }
figure.figure { margin: 1.5rem 0; } figure.figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
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
Intervals are 95% bootstrap intervals over documents. Each figure's Vega-Lite spec and PNG sit beside this file.</p>`,
    `<nav><ul>${['findings', 'figures', 'tables', 'documents'].map((s) => `<li><a href="#${s}">${s}</a></li>`).join('')}</ul></nav>`,
    findingsSection(m.findings),
    `<h2 id="figures">Figures</h2>\n${figures.map(figureHtml).join('\n')}`,
    tablesSection(m),
    documentsSection(m),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>attnlab report</title>
<style>${STYLE}</style>
</head>
<body>
${sections.join('\n\n')}
</body>
</html>
`;
}

function findingsSection(findings: readonly Finding[]): string {
  const ids = Object.keys(FINDINGS) as FindingId[];
  const claims = ids.map((id) => `<li><strong>${id}</strong> ${escapeHtml(FINDINGS[id].claim)} <em>Test: ${escapeHtml(FINDINGS[id].test)}.</em></li>`);
  const rows = findings.map(
    (f) =>
      `<tr class="verdict-${f.verdict.replaceAll(' ', '-')}"><td>${f.id}</td><td>${escapeHtml(f.dataset)}</td><td>${escapeHtml(f.model)}</td>` +
      `<td>${f.verdict}</td><td class="num">${f.estimate === null ? '—' : boundText(f.estimate)}</td>` +
      `<td class="num">${f.interval ? `${boundText(f.interval.lo)} – ${boundText(f.interval.hi)}` : '—'}</td>` +
      `<td class="num">${f.documents}</td><td>${escapeHtml(f.detail)}</td></tr>`,
  );
  const verdicts: Finding['verdict'][] = ['holds', 'does not hold', 'inconclusive', 'too few documents'];
  const tally = ids
    .filter((id) => findings.some((f) => f.id === id))
    .map((id) => {
      const these = findings.filter((f) => f.id === id);
      const counts = verdicts.map((v) => `<td class="num">${these.filter((f) => f.verdict === v).length}</td>`).join('');
      return `<tr><th>${id}</th>${counts}<td class="num">${these.length}</td></tr>`;
    });
  return `<h2 id="findings">Findings, checked on each model</h2>
<ul>${claims.join('\n')}</ul>
<table class="report-table" id="table-verdicts"><thead><tr><th>finding</th>${verdicts.map((v) => `<th>${v}</th>`).join('')}<th>models</th></tr></thead>
<tbody>${tally.join('\n')}</tbody></table>
<table class="report-table" id="table-findings"><thead><tr><th>finding</th><th>data set</th><th>model</th><th>verdict</th><th>estimate</th><th>95% CI</th><th>documents</th><th>numbers</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function boundText(b: Bound): string {
  return b === 'unbounded' ? '∞' : b.toFixed(3);
}

function figureHtml(f: RenderedFigure): string {
  const src = `data:image/svg+xml;base64,${Buffer.from(f.svg).toString('base64')}`;
  const paper = f.paper === 'new' ? 'not in the paper' : `paper Fig. ${escapeHtml(f.paper)}`;
  return `<figure class="figure" id="fig-${f.id}" data-figure="${f.id}">
<h3>${escapeHtml(f.title)} <small>(${paper})</small></h3>
<img src="${src}" alt="${escapeHtml(f.title)}">
<figcaption>${escapeHtml(f.caption)} <a href="specs/${f.id}.vl.json">spec</a> · <a href="figures/${f.id}.svg">SVG</a>${f.png ? ` · <a href="figures/${f.id}.png">PNG</a>` : ''}</figcaption>
</figure>`;
}

function tablesSection(m: ReportModel): string {
  const flipTable = (cells: FlipCell[]): string => {
    const cell = (top: string, other: string): string => {
      const c = cells.find((x) => x.flipTop === top && x.flipOther === other);
      return `<td class="num">${c ? c.percent.toFixed(1) : '—'}</td>`;
    };
    return `<table class="report-table flip"><thead><tr><th>erase i* flips? \\ erase r flips?</th><th>yes</th><th>no</th></tr></thead>
<tbody><tr><th>yes</th>${cell('yes', 'yes')}${cell('yes', 'no')}</tr><tr><th>no</th>${cell('no', 'yes')}${cell('no', 'no')}</tr></tbody></table>`;
  };
  const table2Model = m.models.includes('HAN-rnn') ? 'HAN-rnn' : m.models[0]!;
  const table2 = m.datasets
    .map((ds) => {
      const cells = m.flips.filter((c) => c.dataset === ds && c.model === table2Model && c.ranking === 'attention');
      return cells.length ? `<div class="flip-block"><h4>${escapeHtml(ds)} (${cells[0]!.total} documents)</h4>${flipTable(cells)}</div>` : '';
    })
    .join('\n');
  const accuracy = (ds: string, model: string): string => {
    const r = m.runs.find((x) => x.dataset === ds && x.model === model);
    return `<td class="num">${r?.testAccuracy == null ? '—' : (100 * r.testAccuracy).toFixed(1)}</td>`;
  };
  const table3 = `<table class="report-table" id="table-3"><thead><tr><th>model</th>${m.datasets.map((d) => `<th>${escapeHtml(d)}</th>`).join('')}</tr></thead>
<tbody>${m.models.map((md) => `<tr><th>${escapeHtml(md)}</th>${m.datasets.map((d) => accuracy(d, md)).join('')}</tr>`).join('\n')}</tbody></table>`;
  const runs = `<table class="report-table" id="table-runs"><thead><tr><th>data set</th><th>model</th><th>test documents</th><th>with n ≥ 2</th><th>run folder</th></tr></thead>
<tbody>${m.runs
    .map((r) => `<tr><td>${escapeHtml(r.dataset)}</td><td>${escapeHtml(r.model)}</td><td class="num">${r.documents}</td><td class="num">${r.documentsMultiItem}</td><td>${escapeHtml(r.folder)}</td></tr>`)
    .join('\n')}</tbody></table>`;
  const medianRankings = RANKING_NAMES.filter((r) => m.boxes.some((b) => b.ranking === r && b.measure === 'fraction'));
  const medianCell = (ds: string, model: string, r: RankingName): string => {
    const pick = (zv: string) => m.boxes.find((b) => b.dataset === ds && b.model === model && b.ranking === r && b.measure === 'fraction' && b.zeroVector === zv);
    const [w, wo] = [pick('with'), pick('without')];
    return `<td class="num">${w ? w.median.toFixed(2) : '—'} / ${wo ? wo.median.toFixed(2) : '—'}</td>`;
  };
  const medians = `<table class="report-table" id="table-medians"><thead><tr><th>data set</th><th>model</th>${medianRankings.map((r) => `<th>${RANKING_LABELS[r]}</th>`).join('')}</tr></thead>
<tbody>${m.runs
    .map((r) => `<tr><td>${escapeHtml(r.dataset)}</td><td>${escapeHtml(r.model)}</td>${medianRankings.map((k) => medianCell(r.dataset, r.model, k)).join('')}</tr>`)
    .join('\n')}</tbody></table>`;
  return `<h2 id="tables">Tables</h2>
<h3>Median fraction of items erased before the first flip: with / without zero-vector flips</h3>
${medians}
<h3 id="table-2">Table 2: decision flips from erasing the top-attention item i* vs a random item r, ${escapeHtml(table2Model)} (percent of documents)</h3>
${table2}
<h3>Table 3: test accuracy (%)</h3>
${table3}
<h3>Runs</h3>
${runs}`;
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
