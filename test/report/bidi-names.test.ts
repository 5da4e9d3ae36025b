// A data set name with a right-to-left script and a bidi override (issue 10, item 13): in the page it is
// isolated (<bdi>) and the override is the visible marker "[RLO]", as in the figures (SVG headers). The raw
// control character never reaches report.html or a figure spec, so it cannot reorder the text around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/report/write-report.ts';
import { fixtureFolders, GOLDEN_OPTIONS } from './golden.ts';

const RLO = '\u202E';
const NAME = `חדשות${RLO}sweN`;

test('a data set name with an RTL script and an RLO is isolated in the page and shown as [RLO] in the figures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-bidi-'));
  try {
    const runs = fixtureFolders()
      .filter((f) => f.endsWith('news-han-rnn') || f.endsWith('reviews-han-rnn'))
      .map((f) => {
        const to = join(dir, 'runs', f.split('/').pop()!);
        cpSync(f, to, { recursive: true });
        return to;
      });
    const tm = join(runs[0]!, 'tested-model.json');
    writeFileSync(tm, JSON.stringify({ ...(JSON.parse(readFileSync(tm, 'utf8')) as object), dataset: NAME }));
    const out = join(dir, 'report');
    await writeReport(runs, out, { ...GOLDEN_OPTIONS, png: false });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.ok(!html.includes(RLO), 'no raw override character in report.html');
    // Isolated, with the override shown as the marker the figures use too.
    assert.ok(html.includes('<bdi>חדשות[RLO]sweN</bdi>'));
    assert.ok(!html.includes('<td>חדשות'), 'never outside an isolate in a table cell');
    for (const f of readdirSync(join(out, 'specs'))) {
      const spec = readFileSync(join(out, 'specs', f), 'utf8');
      assert.ok(!spec.includes(RLO) && !spec.includes('\\u202e'), `${f}: no raw override character`);
    }
    assert.ok(readdirSync(join(out, 'specs')).some((f) => readFileSync(join(out, 'specs', f), 'utf8').includes('חדשות[RLO]sweN')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
