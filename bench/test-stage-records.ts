// The erasure run's phase after its last chunk, over a finished run folder (docs/scale.md, bench:scale):
// the chunk files read into held compact records (summary.ts heldDocuments, as test-run.ts does), then
// summarized, with the live memory after a forced GC.
//   /usr/bin/time -v node --expose-gc --import tsx bench/test-stage-records.ts <run folder>   (10 classes: bench:scale's corpus)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readResults } from '../src/erasure/test-run.ts';
import { heldDocuments, summarize } from '../src/erasure/summary.ts';
const dir = process.argv[2]!;
const gc = (globalThis as { gc?: () => void }).gc!;
const mem = (what: string) => { gc(); const m = process.memoryUsage(); console.log(`${what}: rss ${(m.rss/2**20).toFixed(0)} MB, heap ${(m.heapUsed/2**20).toFixed(0)} MB, arrayBuffers ${(m.arrayBuffers/2**20).toFixed(0)} MB`); };
mem('start');
const files = readdirSync(join(dir, 'chunks')).sort();
const chunks = function* () {
  for (const f of files) {
    const [a, b] = f.replace('.jsonl', '').split('-').map(Number);
    yield readResults(join(dir, 'chunks', f), a!, b!);
  }
};
const docs = heldDocuments(chunks());
mem(`${docs.length} compact records`);
const s = summarize(docs, ['0','1','2','3','4','5','6','7','8','9'], { seed: 1, bootstrapResamples: 1000 });
mem(`summarized (${Object.keys(s).length} keys)`);
