// Opens the report in headless Debian Chromium (installed by `scripts/setup.sh --test`):
// 1. the golden fixture runs: every figure and table renders, no console errors, no script, text escaped;
// 2. a reproduce-like set of run folders made by the real erasure run (explorer-fixture.ts): every figure
//    has one panel per (data set, model) row of the report model; the explorer's filters select what they
//    say; erasure by hand in the browser reproduces the battery's probabilities to 1e-6; right-to-left class
//    names and an override character in the text reorder nothing.
// Screenshots are left in test/report/out/ for a person to look at (the reports themselves go to a
// temporary folder: their explorer-data.js is not project code to lint).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { outcomeScore } from '../../src/erasure/examples.ts';
import { softmax } from '../../src/erasure/math.ts';
import { EXAMPLE_OUTCOMES } from '../../src/erasure/types.ts';
import type { DocumentResult } from '../../src/erasure/types.ts';
import type { ExplorerData } from '../../src/report/explorer-data.ts';
import { buildFigures } from '../../src/report/figures.ts';
import type { ReportModel } from '../../src/report/report-model.ts';
import { modelName, readRun } from '../../src/report/run-input.ts';
import { readRuns, reportModelOf, writeReport } from '../../src/report/write-report.ts';
import { makeExplorerRuns, NEWS_CLASSES, RLO, RLO_WORD } from './explorer-fixture.ts';
import { fixtureFolders, GOLDEN_OPTIONS } from './golden.ts';

// Globals and elements of the page, for the callbacks that run there (tsconfig has no DOM library):
// each callback casts what it is given to PageNode.
interface PageNode {
  tagName: string;
  textContent: string | null;
  nextSibling: PageNode | null;
  children: ArrayLike<PageNode>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
  getBoundingClientRect(): { left: number; right: number; top: number };
}
declare class DOMParser {
  parseFromString(text: string, type: string): PageNode;
}
declare const document: {
  createRange(): { setStart(node: PageNode, offset: number): void; setEnd(node: PageNode, offset: number): void; getBoundingClientRect(): { left: number } };
};

const CHROMIUM = '/usr/bin/chromium';
const OUT = new URL('./out/', import.meta.url).pathname;
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

async function launch(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run  bash scripts/setup.sh --test  (installs Debian chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run',
    ],
  });
}

/** A page that records console errors, page errors and every request it makes. */
async function open(browser: Browser, path: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  return { page, errors, requests };
}

/**
 * Panels of each figure on the page, as rendered: its SVG (figures/<id>.svg; the page may embed a PNG of
 * a large one instead) parsed by the browser; the facet cells and the row labels in order.
 */
async function renderedPanels(page: Page, reportDir: string): Promise<{ id: string; panels: number; rows: string[] }[]> {
  const ids = await page.$$eval('figure.figure', (figures) => (figures as unknown as PageNode[]).map((f) => f.getAttribute('data-figure')!));
  const svgs = ids.map((id) => ({ id, svg: readFileSync(join(reportDir, 'figures', `${id}.svg`), 'utf8') }));
  return page.evaluate((all) =>
    all.map(({ id, svg: text }) => {
      const svg = new DOMParser().parseFromString(text, 'image/svg+xml');
      const cell = svg.querySelector('g.role-scope.cell');
      const panels = cell ? Array.from(cell.children).filter((c) => c.tagName === 'g').length : 0;
      const header = svg.querySelector('g.role-row-header');
      const rows = header ? Array.from(header.querySelectorAll('g.role-title-text text')).map((t) => t.textContent ?? '') : [];
      return { id, panels, rows };
    }), svgs);
}

/** One panel per (data set, model) row of the report model, rows labelled in the report model's order. */
function checkPanels(figures: { id: string; panels: number; rows: string[] }[], m: ReportModel): void {
  for (const f of figures) {
    assert.equal(f.panels, m.runs.length, `figure ${f.id}: ${f.panels} panels for ${m.runs.length} (data set, model) rows`);
    // Facets by model row and data set column (today) label rows with the models; other layouts may not.
    if (f.rows.length) assert.deepEqual(f.rows, m.models, `figure ${f.id}: row labels`);
  }
}

test('the report renders in a browser: every figure, every table, no console errors', { timeout: 90_000 }, async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const reportDir = mkdtempSync(join(tmpdir(), 'attnlab-report-'));
  const files = await writeReport(fixtureFolders(), reportDir, { ...GOLDEN_OPTIONS, png: false });
  const model = reportModelOf(readRuns(fixtureFolders()), GOLDEN_OPTIONS);
  const expectedFigures = buildFigures(model).map((f) => f.id);

  const browser = await launch();
  try {
    const { page, errors, requests } = await open(browser, files.html);
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
    checkPanels(await renderedPanels(page, reportDir), model);

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
    rmSync(reportDir, { recursive: true, force: true });
  }
});

test('explorer: filters, erasure by hand equal to the battery, text direction kept', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-explorer-'));
  const browser = await launch();
  try {
    const folders = makeExplorerRuns(dir);
    const runs = folders.map(readRun);
    mkdirSync(OUT, { recursive: true });
    const files = await writeReport(folders, join(dir, 'report'), { resamples: 50, seed: 1, png: false });
    const model = reportModelOf(runs, { resamples: 50, seed: 1 });

    // The main page: one panel per row, user text isolated, no bidi control left acting.
    const main = await open(browser, files.html);
    checkPanels(await renderedPanels(main.page, join(dir, 'report')), model);
    const docsText = await main.page.locator('article.doc').allInnerTexts();
    assert.ok(docsText.length > 0);
    for (const t of docsText) assert.ok(!BIDI_CONTROL.test(t), 'a bidi control reached the main page unmarked');
    assert.ok((await main.page.locator('article.doc .bidi-control').count()) > 0, 'the news documents show their override as a marker');
    assert.ok(await main.page.locator('a[href="explorer.html"]').isVisible());
    assert.deepEqual(main.errors, []);

    const { page, errors, requests } = await open(browser, files.explorer.page);
    const data = await page.evaluate<ExplorerData>('window.ATTNLAB_EXPLORER');
    const examples = runs.reduce((s, r) => s + r.examples.length, 0);
    assert.equal(data.documents.length, examples, 'every example of every run is in the explorer');
    assert.equal(await page.locator('#doc-index tbody tr').count(), examples);

    // Filters: what is listed is exactly the documents that match, by the battery's own outcomes.
    const listed = async (): Promise<string[]> => page.$$eval('#doc-index tbody tr', (rows) => (rows as unknown as PageNode[]).map((r) => r.getAttribute('data-key')!));
    const expect = (keep: (d: ExplorerData['documents'][number]) => boolean): string[] => data.documents.filter(keep).map((d) => d.key);
    const resultOf = new Map<string, DocumentResult>(runs.flatMap((r) => r.documents.map((d) => [`${r.model.dataset}/${modelName(r.model)}/${String(d.docId)}`, d] as const)));
    await page.selectOption('#f-dataset', 'reviews');
    assert.deepEqual(await listed(), expect((d) => d.dataset === 'reviews'));
    await page.selectOption('#f-model', 'FLAN-rnn');
    assert.deepEqual(await listed(), expect((d) => d.dataset === 'reviews' && d.model === 'FLAN-rnn'));
    await page.selectOption('#f-dataset', '');
    await page.selectOption('#f-model', '');
    await page.selectOption('#f-class', NEWS_CLASSES[0]!);
    const ofClass = await listed();
    assert.ok(ofClass.length > 0);
    assert.deepEqual(ofClass, expect((d) => d.classes[d.predicted] === NEWS_CLASSES[0]));
    await page.selectOption('#f-class', '');
    for (const outcome of EXAMPLE_OUTCOMES) {
      await page.selectOption('#f-outcome', outcome);
      assert.deepEqual(await listed(), expect((d) => outcomeScore(resultOf.get(d.key)!, outcome) !== null), outcome);
    }
    await page.selectOption('#f-outcome', '');
    assert.equal((await listed()).length, examples);
    await page.screenshot({ path: join(OUT, 'explorer-index.png'), fullPage: false });

    // Erasure by hand, for every document and ranking that flips: the page's own arithmetic from z, alpha
    // and b must give the battery's probabilities (examples.jsonl, computed by src/erasure) at the flip.
    const probs = async (): Promise<{ p: number[]; decision: number; erased: number }> =>
      page.$eval('#probs', (output) => {
        const o = output as unknown as PageNode;
        return { p: JSON.parse(o.getAttribute('data-p')!) as number[], decision: Number(o.getAttribute('data-decision')), erased: Number(o.getAttribute('data-erased')) };
      });
    const near = (a: number[], b: number[], where: string): void => {
      assert.equal(a.length, b.length, where);
      a.forEach((v, k) => assert.ok(Math.abs(v - b[k]!) <= 1e-6, `${where}: class ${k}: page ${v}, battery ${b[k]}`));
    };
    let checked = 0;
    for (const run of runs) {
      const key = `${run.model.dataset}/${modelName(run.model)}`;
      for (const e of run.examples) {
        const result = run.documents.find((d) => d.docId === e.docId)!;
        await page.locator(`#doc-index tbody tr[data-key="${key}/${String(e.docId)}"]`).click();
        near((await probs()).p, e.probabilities!, `${key} ${String(e.docId)} original`);
        for (const [ranking, at] of Object.entries(e.atFlip!)) {
          await page.click(`button.erase-prefix[data-ranking="${ranking}"]`);
          const now = await probs();
          const m = result.multi[ranking as keyof typeof result.multi]![0]!;
          assert.equal(now.erased, m.erased);
          assert.equal(now.decision, m.flipsTo, `${key} ${String(e.docId)} ${ranking}: decision at the flip`);
          near(now.p, at.after, `${key} ${String(e.docId)} ${ranking} at the flip`);
          checked++;
        }
        await page.click('#erase-all');
        near((await probs()).p, Array.from(softmax(e.b!)), `${key} ${String(e.docId)} zero vector`);
        await page.click('#reset');
      }
    }
    assert.ok(checked >= 20, `${checked} flips checked`);

    // The same by real clicks, one item at a time in the attention order: the decision holds until the
    // battery's flip and changes exactly there, with the battery's numbers before and at it.
    const flan = runs.find((r) => r.model.architecture === 'flan' && r.examples.some((e) => (e.atFlip?.attention?.erased ?? 0) >= 2))!;
    const e = flan.examples.find((x) => (x.atFlip?.attention?.erased ?? 0) >= 2)!;
    const at = e.atFlip!.attention!;
    await page.click(`#doc-index tbody tr[data-key="${flan.model.dataset}/${modelName(flan.model)}/${String(e.docId)}"]`);
    const predicted = flan.documents.find((d) => d.docId === e.docId)!.predicted;
    for (let t = 0; t < at.erased; t++) {
      await page.click(`#text .item[data-i="${e.orders.attention![t]!}"]`);
      const now = await probs();
      if (t === at.erased - 2) near(now.p, at.before, 'one click before the flip');
      if (t < at.erased - 1) assert.equal(now.decision, predicted, `click ${t + 1}: not flipped yet`);
      else {
        assert.notEqual(now.decision, predicted);
        near(now.p, at.after, 'the click that flips');
      }
    }
    assert.equal(await page.locator('#text .item.erased').count(), at.erased);
    await page.screenshot({ path: join(OUT, 'explorer-erased.png'), fullPage: true });

    // Text direction: a news FLAN document holds U+202E; it is shown as a marker and the words after it
    // stay in reading order. A right-to-left class name does not pull the item count before it.
    const news = data.documents.find((d) => d.dataset === 'news' && d.unit === 'word' && NEWS_CLASSES.indexOf(d.classes[d.predicted]!) < 2)!;
    assert.ok(news, 'a news FLAN example predicted as a right-to-left class');
    await page.click(`#doc-index tbody tr[data-key="${news.key}"]`);
    assert.ok(news.items.includes(RLO_WORD));
    const textShown = await page.locator('#doc').innerText();
    assert.ok(!textShown.includes(RLO), 'the override character itself is not in the rendered text');
    assert.ok((await page.locator('#text .bidi-control').count()) > 0);
    const xs = await page.$$eval('#text .item', (items) => (items as unknown as PageNode[]).map((i) => ({ x: i.getBoundingClientRect().left, y: Math.round(i.getBoundingClientRect().top) })));
    for (let i = 1; i < xs.length; i++) if (xs[i]!.y === xs[i - 1]!.y) assert.ok(xs[i]!.x > xs[i - 1]!.x, `word ${i} is left of word ${i - 1}`);
    const placement = await page.$eval('#doc p.meta', (meta) => {
      const p = meta as unknown as PageNode;
      const bdis = p.querySelectorAll(':scope > .user');
      const cls = bdis[1]!.getBoundingClientRect();
      const after = bdis[1]!.nextSibling!;
      const range = document.createRange();
      const text = after.textContent!;
      const digit = text.search(/\d/);
      range.setStart(after, digit);
      range.setEnd(after, digit + 1);
      return { classRight: cls.right, digitLeft: range.getBoundingClientRect().left };
    });
    assert.ok(placement.classRight <= placement.digitLeft + 0.5, `the item count moved before the class name: ${JSON.stringify(placement)}`);
    await page.locator('#doc').screenshot({ path: join(OUT, 'explorer-rtl.png') });

    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'the explorer fetched nothing from outside');
    assert.ok(readFileSync(files.explorer.data, 'utf8').startsWith('window.ATTNLAB_EXPLORER = '));
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
