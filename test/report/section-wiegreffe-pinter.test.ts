// The Wiegreffe & Pinter section: its rows come from the model folder's diagnose.json / adversary.json (found
// beside a reproduce-style <model>/erasure run folder), every table cell sits under the header that names it,
// the CSV says the same, a damaged file is a named skip, and a report without the files has no section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wiegreffePinterCsv, wiegreffePinterRows, wiegreffePinterSection } from '../../src/report/section-wiegreffe-pinter.ts';

const variant = (v: string, correct: number) => ({ variant: v, bestEpoch: 2, devAccuracy: 0.5, testAccuracy: correct / 40, testCorrect: correct, testDocuments: 40, history: [{ epoch: 1, trainLoss: 1, devAccuracy: 0.5 }], seconds: 1 });
const DIAGNOSE = {
  format: 'attnlab-diagnose', version: 1, arch: 'flan-rnn', dataset: 'toy', labels: ['a', 'b'],
  settings: { hidden: 128, epochs: 8, lr: 0.001, weightDecay: 1e-5, batchSize: 32, clip: 10, seed: 1 },
  trainDocuments: 200,
  base: { testAccuracy: 0.9, testCorrect: 36, testDocuments: 40 },
  variants: [variant('trained', 34), variant('uniform', 26), variant('learned', 30)],
};
const run = (lambda: number, js: number[], tvd: number[], correct: number) => ({
  lambda, bestEpoch: 3, seconds: 1,
  history: [{ epoch: 1, trainLoss: 0, trainTvd: 0, trainKl: 0, devLoss: 0 }],
  test: { documents: 40, attentionDocuments: js.length, meanJs: js.reduce((a, b) => a + b) / js.length, medianJs: js[1], meanKl: 2 * lambda + 0.5, meanTvd: tvd.reduce((a, b) => a + b) / tvd.length, medianTvd: tvd[1], correct, accuracy: correct / 40, js, tvd },
});
const ADVERSARY = {
  format: 'attnlab-adversary', version: 1, arch: 'flan-rnn', dataset: 'toy',
  settings: { epochs: 8, lr: 0.001, clip: 10, seed: 1 }, trainDocuments: 200,
  base: { testAccuracy: 0.9, testCorrect: 36, testDocuments: 40 },
  runs: [run(0, [0.01, 0.02, 0.03], [0.05, 0.06, 0.07], 35), run(1, [0.4, 0.5, 0.6], [0.1, 0.2, 0.3], 20)],
};

/** The cells of a table's body rows, keyed by the header texts. */
function tableCells(html: string, id: string): Record<string, string>[] {
  const table = html.slice(html.indexOf(`id="${id}"`));
  const end = table.indexOf('</table>');
  const body = table.slice(0, end);
  const strip = (s: string) => s.replace(/<[^>]+>/g, '').trim();
  const headers = [...body.slice(0, body.indexOf('</thead>')).matchAll(/<th>(.*?)<\/th>/g)].map((m) => strip(m[1]!));
  const rows = body.slice(body.indexOf('<tbody>')).split('</tr>').filter((r) => r.includes('<td'));
  return rows.map((r) => {
    const cells = [...r.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => strip(m[1]!));
    assert.equal(cells.length, headers.length, `a row of ${id} has ${cells.length} cells for ${headers.length} headers`);
    return Object.fromEntries(headers.map((h, i) => [h, cells[i]!]));
  });
}

test('W&P section: diagnostic and adversary rows under their labels, in the CSV alike; damaged files skipped by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-wp-report-'));
  try {
    const model = join(dir, 'flan-rnn');
    mkdirSync(join(model, 'erasure'), { recursive: true });
    writeFileSync(join(model, 'diagnose.json'), JSON.stringify(DIAGNOSE));
    writeFileSync(join(model, 'adversary.json'), JSON.stringify(ADVERSARY));
    const broken = join(dir, 'han-rnn');
    mkdirSync(join(broken, 'erasure'), { recursive: true });
    writeFileSync(join(broken, 'diagnose.json'), '{"format": "attnlab-diagnose", "version": 1');
    const none = join(dir, 'flan-conv', 'erasure');
    mkdirSync(none, { recursive: true });

    const rows = wiegreffePinterRows(
      [
        { folder: join(model, 'erasure'), dataset: 'toy', model: 'FLAN-rnn' },
        { folder: join(broken, 'erasure'), dataset: 'toy', model: 'HAN-rnn' },
        { folder: none, dataset: 'toy', model: 'FLAN-conv' },
      ],
      { resamples: 200, seed: 1 },
    );
    assert.equal(rows.diagnostic.length, 1);
    assert.equal(rows.adversary.length, 2);
    assert.equal(rows.skipped.length, 1);
    assert.match(rows.skipped[0]!.path, /han-rnn\/diagnose\.json$/);
    const d = rows.diagnostic[0]!;
    assert.ok(Math.abs(d.trainedMinusUniform! - (34 - 26) / 40) < 1e-12);
    const a1 = rows.adversary[1]!;
    assert.ok(Math.abs(a1.js.mean! - 0.5) < 1e-12 && a1.js.lo! <= 0.5 && a1.js.hi! >= 0.5 && a1.js.lo! >= 0.4 && a1.js.hi! <= 0.6);

    const html = wiegreffePinterSection(rows);
    assert.match(html, /How to read it/);
    assert.match(html, /1 file\(s\) skipped: .*han-rnn/);
    const [diag] = tableCells(html, 'table-wp-diagnostic');
    assert.equal(diag!['model'], 'FLAN-rnn');
    assert.equal(diag!['test documents'], '40');
    assert.match(diag!['the model itself']!, /^90\.0%/);
    assert.match(diag!['MLP, trained weights']!, /^85\.0% \[/);
    assert.match(diag!['MLP, uniform']!, /^65\.0% \[/);
    assert.match(diag!['MLP, learned']!, /^75\.0% \[/);
    assert.equal(diag!['trained − uniform'], '+20.0 pts');
    assert.equal(diag!['training docs / epochs / hidden'], '200 / 8 / 128');
    const adv = tableCells(html, 'table-wp-adversary');
    assert.deepEqual(adv.map((r) => r['λ']), ['0', '1']);
    assert.match(adv[1]!['mean JS']!, /^0\.5000 \[/);
    assert.equal(adv[1]!['median JS'], '0.5000');
    assert.equal(adv[1]!['mean KL'], '2.5000');
    assert.match(adv[1]!['mean TVD']!, /^0\.2000 \[/);
    assert.match(adv[1]!['adversary accuracy']!, /^50\.0% \[/);
    assert.match(adv[1]!['base accuracy']!, /^90\.0% \[/);
    assert.equal(adv[1]!['documents (n ≥ 2)'], '3 (too few documents)');
    assert.equal(adv[1]!['best / epochs'], '3 / 8');

    const files = wiegreffePinterCsv(rows);
    const [header, line] = files.diagnostic!.trim().split('\n').map((l) => l.split(','));
    const rec = Object.fromEntries(header!.map((h, i) => [h, line![i]]));
    assert.equal(rec['trained'], String(34 / 40));
    assert.equal(rec['uniform'], String(26 / 40));
    assert.equal(rec['learned'], String(30 / 40));
    const advLines = files.adversary!.trim().split('\n').map((l) => l.split(','));
    const advRec = Object.fromEntries(advLines[0]!.map((h, i) => [h, advLines[2]![i]]));
    assert.equal(advRec['lambda'], '1');
    assert.equal(Number(advRec['mean_js']), 0.5);
    assert.ok(Math.abs(Number(advRec['mean_tvd']) - 0.2) < 1e-12);
    assert.equal(advRec['accuracy'], '0.5');

    assert.equal(wiegreffePinterSection(wiegreffePinterRows([{ folder: none, dataset: 'toy', model: 'FLAN-conv' }], { resamples: 10, seed: 1 })), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
