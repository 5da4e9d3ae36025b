// The Wiegreffe & Pinter diagnostic / adversary on one trained model folder whose data is a prepared cache
// entry, timed (docs/faithfulness.md "A run on demo models"). Not attnlab diagnose / adversary: the demo models
// of runs/reproduce were prepared by an older data pipeline whose key today's preparation does not reproduce,
// so the data is read straight from that cache entry. One torch thread.
// usage: node --import tsx bench/wiegreffe-pinter-demo.ts diagnose|adversary <model folder> <cache entry> [epochs | lambdas [epochs]]
import { readFileSync } from 'node:fs';
import { Dataset } from '../src/data/dataset.ts';
import type { PreparedMeta } from '../src/data/prepare.ts';
import { loadModel, readModelMeta } from '../src/train/checkpoint.ts';
import { diagnoseModel } from '../src/train/diagnose-model.ts';
import { adversaryModel } from '../src/train/adversary-model.ts';
import * as torch from '../src/torch/index.ts';
torch.setNumThreads(1);
const [what, dir, cache, ...rest] = process.argv.slice(2) as [string, string, string, ...string[]];
const ds = new Dataset(cache, JSON.parse(readFileSync(cache + '/meta.json', 'utf8')) as PreparedMeta);
const meta = readModelMeta(dir);
const { model } = loadModel(dir);
const t0 = Date.now();
const log = (l: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}`);
if (what === 'diagnose') {
  const f = await diagnoseModel(dir, { loaded: { model, meta, dataset: ds }, settings: rest[0] ? { epochs: Number(rest[0]) } : {}, log });
  console.log(JSON.stringify({ base: f.base, variants: f.variants.map((v) => [v.variant, v.testAccuracy, v.testCorrect, v.bestEpoch, v.seconds]) }));
} else {
  const f = await adversaryModel(dir, { loaded: { model, meta, dataset: ds }, lambdas: (rest[0] ?? '0,0.1,1').split(',').map(Number), settings: { init: 'scratch', epochs: rest[1] ? Number(rest[1]) : 8 }, log }); // the settings its numbers in docs §8 were made with
  console.log(JSON.stringify({ base: f.base, runs: f.runs.map((r) => ({ l: r.lambda, js: r.test.meanJs, kl: r.test.meanKl, tvd: r.test.meanTvd, acc: r.test.accuracy, s: r.seconds, best: r.bestEpoch })) }));
}
console.error(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
