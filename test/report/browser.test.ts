// Opens the report built from the fixture runs in headless Debian Chromium (installed by
// `scripts/setup.sh --test`): every figure and table must render, with no console errors.
// Screenshots (the top of the page, one per-document view) are left in test/report/out/ for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildFigures } from '../../src/report/figures.ts';
import { readRuns, reportModelOf, writeReport } from '../../src/report/write-report.ts';
import { fixtureFolders, GOLDEN_OPTIONS } from './golden.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = new URL('./out/', import.meta.url).pathname;

test('the report renders in a browser: every figure, every table, no console errors', { timeout: 90_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run  bash scripts/setup.sh --test  (installs Debian chromium)`);
  rmSync(OUT, { recursive: true, force: true });
  const files = await writeReport(fixtureFolders(), OUT, { ...GOLDEN_OPTIONS, png: false });
  const expectedFigures = buildFigures(reportModelOf(readRuns(fixtureFolders()), GOLDEN_OPTIONS)).map((f) => f.id);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(files.html).href, { waitUntil: 'load' });

    const figures = await page.$$eval('figure.figure', (els) =>
      els.map((figure) => {
        // The DOM lib is not in tsconfig (node code); name just what this reads.
        type Img = { complete: boolean; naturalWidth: number; naturalHeight: number };
        const el = figure as unknown as { querySelector(s: string): Img | null; getAttribute(n: string): string | null };
        const img = el.querySelector('img')!;
        return { id: el.getAttribute('data-figure'), complete: img.complete, width: img.naturalWidth, height: img.naturalHeight };
      }),
    );
    assert.deepEqual(figures.map((f) => f.id), expectedFigures);
    for (const f of figures) assert.ok(f.complete && f.width > 100 && f.height > 100, `figure ${f.id} did not render: ${JSON.stringify(f)}`);

    for (const id of ['table-verdicts', 'table-findings', 'table-medians', 'table-3', 'table-runs']) {
      const rows = await page.locator(`#${id} tbody tr`).count();
      assert.ok(rows > 0, `table ${id} has no rows`);
      assert.ok(await page.locator(`#${id}`).isVisible(), `table ${id} hidden`);
    }
    assert.equal(await page.locator('table.flip').count(), 2);
    assert.ok((await page.locator('article.doc').count()) > 0);
    // Escaped document text shows as text; no script ran or exists.
    assert.equal(await page.locator('script').count(), 0);
    assert.ok((await page.locator('article.doc').first().innerText()).includes('<script>alert("x")</script>'));

    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), [], 'the page fetched nothing from outside');
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: false });
    await page.locator('article.doc').first().screenshot({ path: join(OUT, 'report-document.png') });
    assert.ok(existsSync(join(OUT, 'report.png')) && existsSync(join(OUT, 'report-document.png')));
  } finally {
    await browser.close();
  }
});
