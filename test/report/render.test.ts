import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSvg, svgToPng } from '../../src/report/render.ts';

const spec = {
  data: { values: [{ a: 0.1, b: 0.2 }, { a: 0.5, b: -0.1 }] },
  mark: 'point',
  encoding: { x: { field: 'a', type: 'quantitative', title: 'Δα axis' }, y: { field: 'b', type: 'quantitative' } },
  config: { font: 'DejaVu Sans' },
};

test('a Vega-Lite spec renders to SVG in Node, text included', async () => {
  const svg = await renderSvg(spec);
  assert.match(svg, /^<svg /);
  assert.ok(svg.includes('>Δα axis</text>'));
});

test('the SVG rasterises to a PNG twice its size, with the axis title drawn', async () => {
  const svg = await renderSvg(spec);
  const width = Number(/width="(\d+)"/.exec(svg)![1]);
  const png = svgToPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 2 * width);
  // Without a font resvg silently drops text: the same SVG without the title must give a different picture.
  const untitled = svgToPng(svg.replace('>Δα axis</text>', '></text>'));
  assert.notDeepEqual(png, untitled);
});
