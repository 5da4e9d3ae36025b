// npx tsx bench/padding.bench.ts [source ...]   (default brown-genre5 sotu-era5)
// The work a training epoch does on padding, counted, not timed: for the first 2000 training documents
// (what the demo profile trains on), batched as the trainer batches them (src/train/batching.ts, 64
// documents), the padded token positions HAN (B x most sentences x longest sentence) and FLAN (B x longest
// document) process, per real token. Documents of varied length cost HAN more padding than equal ones.
import { loadDataset } from '../src/data/dataset.ts';
import { splitDocs } from '../src/train/dataset.ts';
import { bucketBatches } from '../src/train/batching.ts';
import { Rng } from '../src/util/rng.ts';

const sources = process.argv.slice(2);
console.log('data set        documents  tokens    HAN padded (per token)  FLAN padded (per token)');
for (const source of sources.length ? sources : ['brown-genre5', 'sotu-era5']) {
  const ds = await loadDataset(source);
  const docs = splitDocs(ds, ds.train).slice(0, 2000);
  let tokens = 0;
  for (const d of docs) for (const s of d.sentences) tokens += s.length;
  let han = 0;
  for (const b of bucketBatches(docs, 'han', 64, new Rng(1))) {
    const n = Math.max(...b.map((i) => docs[i]!.sentences.length));
    const L = Math.max(...b.flatMap((i) => docs[i]!.sentences.map((s) => s.length)));
    han += b.length * n * L;
  }
  let flan = 0;
  for (const b of bucketBatches(docs, 'flan', 64, new Rng(1))) flan += b.length * Math.max(...b.map((i) => docs[i]!.sentences.reduce((a, s) => a + s.length, 0)));
  const f = (x: number): string => `${x} (${(x / tokens).toFixed(2)})`;
  console.log(`${source.padEnd(15)} ${String(docs.length).padStart(9)}  ${String(tokens).padEnd(8)}  ${f(han).padEnd(22)}  ${f(flan)}`);
}
