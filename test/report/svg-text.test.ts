// Figures in the page (report QA, 1 Dec): vega wrote every coordinate with 17 digits and ARIA attributes on
// every group, and the page embedded each SVG as base64 (a third larger again): 1.7 of report.html's 2.0 MB.
// The compact SVG must draw the same picture, and its data: URI must give back exactly that SVG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resvg } from '@resvg/resvg-js';
import { renderSvg, svgToPng } from '../../src/report/render.ts';
import { compactSvg, svgDataUri } from '../../src/report/svg-text.ts';

// Thirds and sevenths: coordinates with long decimals. The title holds every character the URI must carry.
const TITLE = `He said "x" & 'y' <b> #1 at 100% — Δα`;
const spec = {
  data: { values: Array.from({ length: 7 }, (_, i) => ({ a: i / 7, b: (i * i) / 3, c: `item ${i}` })) },
  mark: 'point',
  width: 333,
  height: 211,
  title: TITLE,
  encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' }, color: { field: 'c', type: 'nominal' } },
  config: { font: 'DejaVu Sans' },
};

const geometry = (svg: string): string[] => [...svg.matchAll(/ (?:d|transform|x|y|x1|y1|x2|y2|width|height)="([^"]*)"/g)].map((m) => m[1]!);

test('renderSvg writes coordinates to 1/100 px and no ARIA attributes; text is kept as it was', async () => {
  const svg = await renderSvg(spec);
  for (const v of geometry(svg)) assert.doesNotMatch(v, /\d\.\d{3}/, `a coordinate with more than 2 decimals: ${v}`);
  assert.doesNotMatch(svg, / (role|aria-[a-z]+|pointer-events)=/);
  assert.ok(svg.includes('He said &quot;x&quot; &amp; &#x27;y&#x27; &lt;b&gt; #1 at 100% — Δα') || svg.includes('He said "x" &amp; \'y\' &lt;b&gt; #1 at 100% — Δα'), 'the title as text');
  // The classes the browser test reads panels by are still there.
  assert.match(svg, /class="[^"]*role-axis/);
});

test('the compact SVG draws the same picture as vega\'s own, and is much smaller', async () => {
  const { compile } = await import('vega-lite');
  const vega = await import('vega');
  const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: 'none' });
  const raw = await view.toSVG();
  view.finalize();
  const compact = compactSvg(raw);
  assert.ok(compact.length < 0.8 * raw.length, `${compact.length} of ${raw.length} bytes`);
  // Points became <circle>s, the same shape.
  assert.ok((compact.match(/<circle /g) ?? []).length >= 7, 'the points as circles');
  // The same picture: same size, and at most a faint antialiasing difference on edge pixels (coordinates
  // moved < 0.005 px).
  const pixels = (svg: string): { width: number; data: Buffer } => {
    const r = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
    return { width: r.width, data: r.pixels };
  };
  const a = pixels(raw);
  const b = pixels(compact);
  assert.equal(a.width, b.width);
  assert.equal(a.data.length, b.data.length);
  let off = 0;
  for (let i = 0; i < a.data.length; i++) if (Math.abs(a.data[i]! - b.data[i]!) > 16) off++;
  assert.ok(off < a.data.length / 200, `${off} of ${a.data.length} channel values differ by more than 16`);
});

test('the data: URI is UTF-8 text, not base64, and reads back as the same SVG', async () => {
  const svg = await renderSvg(spec);
  const uri = svgDataUri(svg);
  assert.ok(uri.startsWith('data:image/svg+xml;charset=utf-8,'));
  assert.doesNotMatch(uri, /["\n#]/, 'nothing that ends the src attribute or the URI');
  assert.doesNotMatch(uri, /&/, 'no character reference for the HTML parser to read');
  assert.ok(uri.length < Buffer.from(svg).toString('base64').length * 0.85, 'smaller than base64');
  const back = decodeURIComponent(uri.slice(uri.indexOf(',') + 1));
  // The same document: single-quoted attributes and entities for quotes, nothing else changed.
  assert.deepEqual(svgToPng(back, 1), svgToPng(svg, 1));
  const normal = (s: string): string => s.replace(/='([^']*)'/g, '="$1"').replaceAll('&apos;', "'").replaceAll('&quot;', '"').replaceAll('&#x27;', "'");
  assert.equal(normal(back), normal(svg));
});
