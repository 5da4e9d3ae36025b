// Peak memory of the erasure run's summary over N compact records (docs/scale.md "The summary's memory"):
// real records of a demo run (or a test fixture) repeated to N documents, each given a synthetic
// eraser_attention record of Yahoo's shape (10 classes), a kendall_tau and a permutation record (the
// default tests), then compacted and
// summarized as src/erasure/test-run.ts does. Prints heap and RSS (sampled every 50 ms) and wall time.
//   node --import tsx bench/summary-memory.ts [--docs 100000] [--classes 10] [--from documents.jsonl] [--out summary.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { CompactStore, compactResult } from '../src/erasure/compact-results.ts';
import { summarize } from '../src/erasure/summary.ts';
import { writeEraserExports } from '../src/erasure/eraser-export.ts';
import { binSizes } from '../src/erasure/eraser.ts';
import { Rng } from '../src/util/rng.ts';
import type { DocumentResult } from '../src/erasure/types.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const N = Number(arg('docs', '100000'));
const C = Number(arg('classes', '10'));
const from = arg('from', '/work/main/runs/reproduce/sotu-era5/flan-rnn/erasure/documents.jsonl');
const out = arg('out', '');
const exportsDir = arg('exports', '');

const base = readFileSync(from, 'utf8').split('\n').filter((l) => l.length > 0);
const rng = new Rng(7);
const classes = Array.from({ length: C }, (_, k) => `c${k}`);
const dist = (): number[] => {
  const v = Array.from({ length: C }, () => rng.next() + 1e-3);
  const s = v.reduce((a, x) => a + x, 0);
  return v.map((x) => x / s);
};

function document(i: number): DocumentResult {
  const d = JSON.parse(base[i % base.length]!) as DocumentResult & { tests?: Record<string, unknown> };
  d.docId = i;
  d.index = i;
  d.label = i % C;
  d.predicted = (i * 7) % C;
  const rankings: Record<string, unknown> = {};
  if (d.n >= 2) {
    const bins = binSizes(d.n);
    for (const name of Object.keys(d.multi)) {
      const top = Array.from({ length: bins[bins.length - 1]! }, (_, r) => (r * 31) % d.n);
      rankings[name] = { top, comprehensiveness: bins.map(dist), sufficiency: bins.map(dist) };
    }
    d.tests = {
      kendall_tau: { gradient: rng.next() * 2 - 1, leaveOneOut: i % 17 === 0 ? null : rng.next() * 2 - 1 },
      eraser_attention: { bins, p: dist(), rankings },
      permutation: { medianTvd: rng.next() * 0.5, maxAttention: rng.next() },
    };
  } else d.tests = { kendall_tau: null, eraser_attention: null, permutation: null };
  // Through JSON as the chunk files are read back.
  return JSON.parse(JSON.stringify(d)) as DocumentResult;
}

let peakRss = 0;
let peakHeap = 0;
const sample = (): void => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external + m.arrayBuffers);
};
const timer = setInterval(sample, 50);
const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;
const t0 = performance.now();
const store = new CompactStore();
const documents: DocumentResult[] = [];
for (let i = 0; i < N; i++) {
  documents.push(compactResult(document(i), store));
  if (i % 5000 === 0) sample();
}
globalThis.gc?.();
sample();
const afterLoad = process.memoryUsage();
const t1 = performance.now();
console.log(`${N} compact records (${C} classes) in ${((t1 - t0) / 1000).toFixed(1)} s: heap ${mb(afterLoad.heapUsed)}, array buffers ${mb(afterLoad.arrayBuffers)}, rss ${mb(afterLoad.rss)}; peak so far rss ${mb(peakRss)}`);
peakRss = 0;
peakHeap = 0;
const summary = await new Promise<ReturnType<typeof summarize>>((resolve) => setImmediate(() => resolve(summarize(documents, classes, { seed: 1, bootstrapResamples: Number(arg('resamples', '1000')) }))));
sample();
const t2 = performance.now();
console.log(`summarize: ${((t2 - t1) / 1000).toFixed(1)} s, peak rss ${mb(peakRss)}, peak heap+external ${mb(peakHeap)}`);
if (exportsDir) {
  writeEraserExports(exportsDir, documents, classes);
  sample();
  console.log(`eraser exports: ${((performance.now() - t2) / 1000).toFixed(1)} s, peak rss ${mb(peakRss)}`);
}
clearInterval(timer);
if (out) writeFileSync(out, JSON.stringify(summary, null, 2));
