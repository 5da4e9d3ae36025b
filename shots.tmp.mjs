import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
await page.goto('file://' + process.cwd() + '/runs/report/report.html');
for (const id of await page.$$eval('figure.figure', (fs) => fs.map((f) => f.id))) {
  await page.locator('#' + id).screenshot({ path: `runs/shots/${id}.png` });
}
for (const id of ['provenance', 'table-findings', 'table-outcomes', 'table-paper-statistics', 'table-summary', 'table-3', 'table-1', 'table-medians', 'table-verdicts']) {
  const el = page.locator('#' + id);
  if (await el.count()) await el.first().screenshot({ path: `runs/shots/${id}.png` });
}
await page.screenshot({ path: 'runs/shots/top.png' });
console.log('errors', errors.length, errors.slice(0, 3));
await browser.close();
