// A report from the HAN/FLAN fixture runs plus one real (tiny) transformer run folder: the report reads it,
// every faceted figure has a panel for it, Table 3 shows the FULL test split's accuracy recorded by training
// (attnlab.json), not the erasure sample's, and greedy / the minimal set are labelled as upper bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTestCommand } from '../../src/cli/commands/test.ts';
import { buildFigures } from '../../src/report/figures.ts';
import { buildHtml } from '../../src/report/html.ts';
import { readRuns, reportModelOf } from '../../src/report/write-report.ts';
import { TESTED_MODEL_FILE, type TestedModel } from '../../src/erasure/types.ts';
import { Rng } from '../../src/util/rng.ts';
import { expected, fixtureDir } from '../models/hf-fixtures.ts';
import { fixtureFolders, GOLDEN_OPTIONS } from './golden.ts';

function toyData(dir: string, labels: string[]): string {
  const words = expected('bert').document.text.split(/\s+/).filter((w) => /^[a-z]+$/.test(w));
  const rng = new Rng(11);
  const row = (): string => `${labels[rng.int(labels.length)]}\t${Array.from({ length: 3 + rng.int(9) }, () => words[rng.int(words.length)]).join(' ')}`;
  const data = join(dir, 'toy');
  mkdirSync(data);
  writeFileSync(join(data, 'train.tsv'), Array.from({ length: 40 }, row).join('\n'));
  writeFileSync(join(data, 'test.tsv'), Array.from({ length: 12 }, row).join('\n'));
  return data;
}

test('a transformer run is a model row of the report: figures, Table 3 (full split), upper-bound labels', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-report-hf-'));
  const cacheBefore = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  const [err, out] = [console.error, console.log];
  try {
    const data = toyData(dir, ['negative', 'neutral', 'positive']);
    // The fixture folder as if attnlab had trained it: attnlab.json records the full test split's numbers.
    const folder = join(dir, 'bert-small');
    cpSync(fixtureDir('bert'), folder, { recursive: true });
    const record = { format: 'attnlab-transformer-run', version: 1, arch: 'bert-small', profile: 'demo', dataset: { name: 'toy', hash: 'x' },
      config: { maxEpochs: 3, maxTrainDocs: 0, seed: 5 }, labels: [], epoch: 2, devAccuracy: 0.5, testAccuracy: 0.777, testMajority: 0.444,
      history: [{}, {}, {}], truncated: { train: 0, dev: 0, test: 0 }, embeddings: 'random', finished: true };
    writeFileSync(join(folder, 'attnlab.json'), JSON.stringify(record));
    const run = join(dir, 'run');
    console.error = () => {};
    console.log = () => {};
    const rc = await runTestCommand([folder, '--data', data, '--out', run, '--resamples', '10', '--specials', 'out']);
    [console.error, console.log] = [err, out];
    assert.equal(rc, 0);
    const tested = JSON.parse(readFileSync(join(run, TESTED_MODEL_FILE), 'utf8')) as TestedModel;
    assert.deepEqual([tested.architecture, tested.encoder, tested.model, tested.testAccuracy, tested.testMajority], ['bert', 'transformer', 'bert-small', 0.777, 0.444]);
    assert.equal(tested.minimalMethod, 'greedy_upper_bound');
    assert.equal(typeof tested.sampleAccuracy, 'number');

    const model = reportModelOf(readRuns([...fixtureFolders(), run]), GOLDEN_OPTIONS);
    assert.equal(model.models.at(-1), 'bert-small', 'the transformer is a model row, after the six');
    assert.ok(model.datasets.includes('toy'));
    const row = model.runs.find((r) => r.model === 'bert-small')!;
    assert.equal(row.testAccuracy, 0.777);
    assert.ok(model.outcomes.some((o) => o.model === 'bert-small' && o.ranking === 'greedy'));
    assert.ok(model.outcomes.some((o) => o.model === 'bert-small' && o.ranking === 'rollout'));
    // F3 treats the transformer as an encoder model; F4/F5 never name it.
    const findings = model.findings.filter((f) => f.model === 'bert-small');
    assert.deepEqual([...new Set(findings.map((f) => f.id))].sort(), ['F1', 'F2', 'F3']);

    const figures = buildFigures(model);
    for (const f of figures) {
      const spec = f.spec as { data: { values: { dataset: string; model: string }[] }; facet: { row: { sort: string[] } } };
      assert.deepEqual(spec.facet.row.sort, model.models, f.id);
      for (const ds of model.datasets)
        for (const md of model.models) assert.ok(spec.data.values.some((v) => v.dataset === ds && v.model === md), `${f.id}: a panel for ${ds} × ${md}`);
    }
    const over = figures.find((f) => f.id === 'erasures-over-minimum')!;
    const notes = (over.spec as { data: { values: { model: string; note?: string }[] } }).data.values.filter((v) => v.model === 'bert-small');
    assert.ok(notes.some((v) => v.note === 'greedy upper bound: no exact minimum'), JSON.stringify(notes));

    const html = buildHtml(model, figures.map((f) => ({ ...f, svg: `<svg xmlns="http://www.w3.org/2000/svg"><text>${f.id}</text></svg>`, png: false })));
    const table3 = html.split('id="table-3"')[1]!.split('</table>')[0]!;
    const bertRow = table3.split('<tr>').find((r) => r.includes('<th>bert-small</th>'))!;
    assert.ok(bertRow.includes('>77.7<'), bertRow);
    assert.ok(table3.includes('>44.4<'), 'the majority share of the transformer’s data set');
    assert.ok(html.includes('greedy (upper bound)'));
    assert.ok(html.includes('Greedy flip set (an upper bound on the minimal one)'));
    // Jain & Wallace's permutation (default suite) runs on the transformer: its documents are in the counts.
    const perm = model.jainWallace?.outputs.find((o) => o.model === 'bert-small' && o.test === 'permutation' && o.bin === 'all');
    assert.equal(perm?.documents, tested.documents, 'every transformer document has a permutation value');
    assert.equal(perm?.notApplicable, 0);
    assert.ok(!html.includes('record no permutation'), 'the section no longer says transformers record none');
  } finally {
    [console.error, console.log] = [err, out];
    if (cacheBefore === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = cacheBefore;
    rmSync(dir, { recursive: true, force: true });
  }
});
