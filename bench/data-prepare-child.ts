// Child process of npm run bench:data: prepares one data set and reports time and its own peak RSS, so
// the memory figure is the preparation's alone.  usage: data-prepare-child.ts <source> <cacheDir> [preset]
import { prepareDataset } from '../src/data/prepare.ts';

const [source, cacheDir, preset] = process.argv.slice(2);
const t0 = performance.now();
const r = await prepareDataset(source!, { cacheDir, preset: preset as 'yahoo' | undefined, log: (l) => process.stderr.write(`  ${l}\n`) });
const seconds = (performance.now() - t0) / 1000;
const c = r.meta.counts;
console.log(JSON.stringify({ seconds, cached: r.cached, docs: c.train.docs + c.dev.docs + c.test.docs, filtered: r.meta.filteredOutliers, tokens: c.train.tokens + c.dev.tokens + c.test.tokens, vocab: r.meta.vocabSize, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
