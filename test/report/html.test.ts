import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFigures } from '../../src/report/figures.ts';
import { buildHtml } from '../../src/report/html.ts';
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
    assert.ok(html.includes(Buffer.from(f.svg).toString('base64')), `${f.id} inline`);
    assert.equal(html.includes(`href="figures/${f.id}.png"`), f.png, `${f.id}: a PNG link only when the PNG was written`);
  }
});

test('findings, Table 2, Table 3 and the per-document views are all there', () => {
  const tableBody = (id: string) => html.split(`id="${id}"`)[1]!.split('<tbody>')[1]!.split('</tbody>')[0]!;
  assert.equal(tableBody('table-findings').match(/<tr /g)!.length, model.findings.length);
  const f3 = model.findings.filter((f) => f.id === 'F3');
  const tally = [f3.filter((f) => f.verdict === 'holds').length, f3.filter((f) => f.verdict === 'does not hold').length];
  assert.ok(tableBody('table-verdicts').includes(`<tr><th>F3</th><td class="num">${tally[0]}</td><td class="num">${tally[1]}</td>`));
  for (const r of model.runs) assert.ok(html.includes(`<td class="num">${(100 * r.testAccuracy!).toFixed(1)}</td>`), `${r.dataset} ${r.model} accuracy`);
  assert.equal(html.match(/<table class="report-table flip">/g)!.length, model.datasets.length);
  const hanRnnNews = model.boxes.filter((b) => b.dataset === 'news' && b.model === 'HAN-rnn' && b.ranking === 'attention' && b.measure === 'fraction');
  const [w, wo] = ['with', 'without'].map((zv) => hanRnnNews.find((b) => b.zeroVector === zv)!.median.toFixed(2));
  assert.ok(tableBody('table-medians').includes(`<tr><td>news</td><td>HAN-rnn</td><td class="num">${w} / ${wo}</td>`));
  // One document per data set on the page; every example is in the explorer, which the page links to.
  assert.equal(html.match(/<article class="doc">/g)!.length, new Set(model.examples.map((e) => e.dataset)).size);
  assert.ok(html.includes('<a href="explorer.html">'));
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
