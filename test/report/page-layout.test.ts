// The report and the explorer as a reader sees them, at 1280 px and at 800 px (report QA, 1 Dec), in
// headless Debian Chromium (scripts/setup.sh --test):
//   - a figure is drawn at the size it was laid out for: never stretched to the page width (the 718 px flip
//     figures came out 1.67× too large) nor squeezed so far its 11 px text goes below 10 px (at 800 px every
//     figure was at 0.65×); a figure wider than a narrow window scrolls in its own box;
//   - nothing runs off the page's right edge (the explorer's rankings table did at 800 px);
//   - numbers line up on the right (td.num lost to a later, more specific rule: every number was left-aligned);
//   - the findings, paper-statistics and median tables fit a 1280 px window without scrolling sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MIN_FIGURE_SCALE, svgSize } from '../../src/report/html.ts';
import { writeReport } from '../../src/report/write-report.ts';
import { makeExplorerRuns } from './explorer-fixture.ts';
import { fixtureFolders, GOLDEN_OPTIONS } from './golden.ts';

const CHROMIUM = '/usr/bin/chromium';

// The DOM lib is not in tsconfig (node code): what the page callbacks read, named here.
interface El {
  id: string;
  clientWidth: number;
  scrollWidth: number;
  getAttribute(n: string): string | null;
  getBoundingClientRect(): { width: number };
  querySelector(s: string): El | null;
}
declare const document: { documentElement: El; querySelector(s: string): El | null };
declare function getComputedStyle(e: El): { textAlign: string };

async function launch(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run  bash scripts/setup.sh --test  (installs Debian chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
}

async function open(browser: Browser, path: string, width: number): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  return { page, errors };
}

const pageOverflow = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('report: figures at their own size, nothing off the page, numbers right-aligned, wide tables fit at 1280 px', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-layout-'));
  const browser = await launch();
  try {
    const files = await writeReport(fixtureFolders(), dir, { ...GOLDEN_OPTIONS, png: false });
    for (const width of [1280, 800]) {
      const { page, errors } = await open(browser, files.html, width);
      const figures = await page.$$eval('figure.figure', (fs) =>
        (fs as unknown as El[]).map((f) => {
          const box = f.querySelector('.figure-box');
          return { id: f.getAttribute('data-figure')!, shown: f.querySelector('img')!.clientWidth, box: box ? box.clientWidth : -1 };
        }),
      );
      assert.ok(figures.length > 5);
      for (const f of figures) {
        const natural = svgSize(readFileSync(join(dir, 'figures', `${f.id}.svg`), 'utf8')).width;
        const where = `${width} px, figure ${f.id}: drawn ${f.shown.toFixed(0)} px wide, laid out for ${natural}`;
        assert.ok(f.shown <= natural + 0.5, `${where}: stretched`);
        assert.ok(f.shown >= MIN_FIGURE_SCALE * natural - 0.5, `${where}: squeezed below ${MIN_FIGURE_SCALE}`);
        assert.ok(f.box > 0, `${where}: not in a box of its own that can scroll`);
      }
      assert.ok((await pageOverflow(page)) <= 0, `${width} px: the page scrolls sideways by ${await pageOverflow(page)} px`);
      const align = await page.$$eval('table.report-table td.num', (tds) => [...new Set((tds as unknown as El[]).map((td) => getComputedStyle(td).textAlign))]);
      assert.deepEqual(align, ['right'], `${width} px: numbers aligned ${align.join(', ')}`);
      if (width === 1280) {
        const wide = await page.$$eval('#table-findings, #table-paper-statistics, #table-medians', (ts) =>
          (ts as unknown as El[]).map((t) => ({ id: t.id, client: t.clientWidth, scroll: t.scrollWidth })),
        );
        assert.equal(wide.length, 3);
        for (const t of wide) assert.ok(t.scroll <= t.client + 1, `${t.id}: ${t.scroll} px in a ${t.client} px box`);
      }
      // Every in-page link lands on a section.
      const broken = await page.$$eval('a[href^="#"]', (as) => (as as unknown as El[]).map((a) => a.getAttribute('href')!).filter((h) => !document.querySelector(h)));
      assert.deepEqual(broken, []);
      assert.deepEqual(errors, []);
      await page.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('explorer: nothing runs off the page at 800 px or 1280 px, for every document', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-layout-explorer-'));
  const browser = await launch();
  try {
    const files = await writeReport(makeExplorerRuns(dir), join(dir, 'report'), { resamples: 50, seed: 1, png: false });
    for (const width of [1280, 800]) {
      const { page, errors } = await open(browser, files.explorer.page, width);
      const keys = await page.$$eval('#doc-index tbody tr', (rows) => (rows as unknown as El[]).map((r) => r.getAttribute('data-key')!));
      assert.ok(keys.length > 4);
      for (const key of keys) {
        await page.click(`#doc-index tbody tr[data-key="${key}"]`);
        const over = await pageOverflow(page);
        assert.ok(over <= 0, `${width} px, ${key}: the page scrolls sideways by ${over} px`);
      }
      assert.deepEqual(errors, []);
      await page.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
