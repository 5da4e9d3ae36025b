import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFigures } from '../../src/report/figures.ts';
import { buildHtml } from '../../src/report/html.ts';
import { svgDataUri } from '../../src/report/svg-text.ts';
import { readRuns, reportModelOf } from '../../src/report/write-report.ts';
import { fixtureFolders, GOLDEN_OPTIONS } from './golden.ts';

const model = reportModelOf(readRuns(fixtureFolders()), GOLDEN_OPTIONS);
const figures = buildFigures(model).map((f, i) => ({
  ...f,
  svg: `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>${f.id}</text></svg>`,
  png: i > 0,
}));
const html = buildHtml(model, figures);

test('document text is shown as text, never as markup', () => {
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; tom &amp; jerry &lt;b&gt;bold&lt;/b&gt;'));
  assert.ok(!/<script/i.test(html), 'no script element at all');
  assert.ok(!html.includes('<b>bold'));
});

test('the page is self-contained: no external scripts, styles, images or fonts', () => {
  assert.ok(!/(src|href)\s*=\s*["']?(https?:)?\/\//i.test(html), 'no absolute URL in src/href');
  assert.ok(!/<link\b/i.test(html));
  assert.ok(!/url\(\s*["']?(https?:)?\/\//i.test(html));
  assert.ok(!/@import/i.test(html));
});

test('every figure is embedded once, with its caption', () => {
  for (const f of figures) {
    assert.equal(html.split(`data-figure="${f.id}"`).length - 1, 1, f.id);
    assert.ok(html.includes(`src="${svgDataUri(f.svg)}"`), `${f.id} inline`);
    assert.equal(html.includes(`href="figures/${f.id}.png"`), f.png, `${f.id}: a PNG link only when the PNG was written`);
  }
});

test('findings (both views, with p-values), Table 2, Table 3 with majority, medians, outcomes and the per-document views are all there', () => {
  const tableBody = (id: string) => html.split(`id="${id}"`)[1]!.split('<tbody>')[1]!.split('</tbody>')[0]!;
  assert.equal(tableBody('table-findings').match(/<tr /g)!.length, model.findings.length);
  for (const view of ['with', 'without'] as const) {
    const f3 = model.findings.filter((f) => f.id === 'F3' && f.view === view);
    const tally = [f3.filter((f) => f.verdict === 'holds').length, f3.filter((f) => f.verdict === 'does not hold').length];
    const label = view === 'with' ? 'with zero-vector flips' : 'without zero-vector flips';
    assert.ok(tableBody('table-verdicts').includes(`<tr><th>F3</th><td>${label}</td><td class="num">${tally[0]}</td><td class="num">${tally[1]}</td>`), view);
  }
  // A verdict names its view; a sign-test p-value is on the page.
  assert.match(tableBody('table-findings'), /<td>holds <span class="small">\(without zero-vector flips\)<\/span><\/td>|<td>inconclusive <span class="small">\(without zero-vector flips\)/);
  assert.match(tableBody('table-findings'), /\(sign test\)/);
  // Table 3: the full test split's accuracy, and the majority-class row.
  const t3 = tableBody('table-3');
  for (const r of model.runs) assert.ok(t3.includes(`<td class="num">${(100 * r.testAccuracy!).toFixed(1)}</td>`), `${r.dataset} ${r.model} accuracy`);
  assert.ok(t3.includes('<tr class="majority"><th>majority class</th><td class="num">25.0</td><td class="num">40.0</td></tr>'));
  assert.ok(!t3.includes((100 * model.runs[0]!.sampleAccuracy!).toFixed(1)), 'not the erasure sample accuracy');
  assert.equal(html.match(/<table class="report-table flip">/g)!.length, model.datasets.length);
  assert.match(html, /<td class="num blue">/);
  assert.match(html, /<td class="num orange">/);
  const med = model.medians.find((b) => b.dataset === 'news' && b.model === 'HAN-rnn' && b.ranking === 'attention' && b.zeroVector === 'with')!;
  // One row per ranking: median, its interval and the documents behind it, in both views.
  const without = model.medians.find((b) => b.dataset === 'news' && b.model === 'HAN-rnn' && b.ranking === 'attention' && b.zeroVector === 'without')!;
  const cells = (x: typeof med): string => `<td class="num">${x.median!.toFixed(2)}</td><td class="num nw">${x.lo!.toFixed(2)} – ${x.hi!.toFixed(2)}</td><td class="num">${x.documents}</td>`;
  assert.match(tableBody('table-medians'), /<tr><th rowspan="\d+"><bdi>news<\/bdi><\/th><th rowspan="\d+">HAN-rnn<\/th><td>attention<\/td>/);
  assert.ok(tableBody('table-medians').includes(`<td>attention</td>${cells(med)}${cells(without)}</tr>`), 'median with interval and documents, both views');
  assert.equal(tableBody('table-medians').match(/<tr>/g)!.length, new Set(model.medians.map((b) => `${b.dataset}|${b.model}|${b.ranking}`)).size, 'a row per model and ranking');
  // One document per data set on the page; every example is in the explorer, which the page links to.
  assert.equal(html.match(/<article class="doc">/g)!.length, new Set(model.examples.map((e) => e.dataset)).size);
  assert.ok(html.includes('<a href="explorer.html">'));
});

test('the outcome table: per model × ranking, flipped / zero vector / never / single item, counts adding up', () => {
  const body = html.split('id="table-outcomes"')[1]!.split('<tbody>')[1]!.split('</tbody>')[0]!;
  assert.equal(body.match(/<tr>/g)!.length, model.outcomes.length);
  for (const o of model.outcomes) assert.ok(Math.abs(o.flipped + o.zeroVector + o.neverFlips + o.singleItem - o.documents) < 1e-9, `${o.model} ${o.ranking}`);
});

test('provenance: profile, epochs, training documents, seed, version and commit; demo models are flagged', () => {
  const p = html.split('id="provenance"')[1]!.split('</section>')[0]!;
  assert.match(p, /Not paper-grade/);
  assert.match(p, /<em>demo<\/em> profile/);
  assert.match(p, /attnlab 0\.1\.0 @ 0123456789/);
  assert.ok(p.includes('<td class="num">4 / 4 (best 3)</td><td class="num">2,000 (cap 2,000)</td>'));
  assert.match(p, /2026-12-01 10:00/);
});

test('Table 1, the paper statistics, the cross-data-set summary and the CSV links are on the page', () => {
  assert.match(html, /id="table-1"[\s\S]*1 · 4 · 6 · 9 · 22/);
  assert.match(html, /id="table-paper-statistics"/);
  const summary = html.split('id="table-summary"')[1]!.split('</table>')[0]!;
  assert.equal(summary.match(/<th class="group" colspan="4">/g)!.length, model.datasets.length);
  for (const f of ['findings.csv', 'medians.csv', 'outcomes.csv', 'paper-statistics.csv']) assert.ok(html.includes(`href="${f}"`), f);
});

test('the per-document view marks the minimal set and stops each ranking at its flip', () => {
  const e = model.examples.find((x) => x.model === 'HAN-rnn')!;
  const view = html.split('<article class="doc">')[1]!.split('</article>')[0]!;
  assert.ok(view.includes(`${e.items.length} sentences`));
  const attentionRow = view.split('<tr><th>attention</th>')[1]!.split('</tr>')[0]!;
  assert.equal(attentionRow.match(/class="chip/g)!.length, e.flips.attention!.erased);
  assert.equal(view.match(/class="item sentence minimal"/g)?.length ?? 0, e.minimalSet.length);
});

test('a document without a gold label says so, and class names come from the example', () => {
  const e = { ...model.examples[0]!, label: -1, predicted: 1 };
  const one = buildHtml({ ...model, examples: [e] }, figures);
  assert.ok(one.includes('gold unknown, predicted <bdi>positive</bdi>,'));
});
