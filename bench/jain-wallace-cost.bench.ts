// What the Jain & Wallace tests cost per document (src/erasure/tests/: kendall_tau, permutation,
// adversarial_attention) on stored final-layer states of trained models, and their per-model medians: the
// measurement behind each test's suite (docs/faithfulness.md §4). A cost, not a speed claim: no reference side.
//   node --import tsx bench/jain-wallace-cost.bench.ts <run>/erasure [<run>/erasure ...] [--max-docs N]
// A Hugging Face folder (config.json + model.safetensors, e.g. a trained bert-small) instead of <run>/erasure:
// its transformer row states are computed from the data set named by --data (test split, the documents
// `attnlab test --max-docs N` picks), then the tests run on the transformer backend (docs/transformers.md).
//   node --import tsx bench/jain-wallace-cost.bench.ts <hf-folder> --data brown-genre5 [--max-docs N] [--specials in|out] [--heads all|each]
import { median } from '../src/erasure/statistics.ts';
import { DOCUMENT_TESTS, TEST_NAMES } from '../src/erasure/tests/index.ts';
import { selectDocuments } from '../src/erasure/test-run.ts';
import { transformerTestSource } from '../src/erasure/transformer-test-run.ts';
import { transformerRowStates, withTransformerContext, type TransformerErasureOptions } from '../src/erasure/transformer-row.ts';
import type { DocumentContext } from '../src/erasure/types.ts';
import { loadDataset } from '../src/data/dataset.ts';
import { isHfFolder } from '../src/models/transformer-load.ts';
import { Rng } from '../src/util/rng.ts';
import { runContexts } from './run-contexts.ts';

const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
const FLAGS = ['--max-docs', '--data', '--specials', '--heads'];
const maxDocs = Number(valueOf('--max-docs') ?? 100);
const folders = args.filter((a, i) => !a.startsWith('--') && !FLAGS.includes(args[i - 1] ?? ''));
if (folders.length === 0) {
  console.error('usage: node --import tsx bench/jain-wallace-cost.bench.ts <run>/erasure|<hf-folder> [...] [--max-docs N] [--data NAME]');
  process.exit(1);
}
const field: Record<string, (r: Record<string, unknown>) => number | null> = {
  kendall_tau: (r) => r.gradient as number | null,
  permutation: (r) => r.medianTvd as number,
  adversarial_attention: (r) => r.maxJs as number,
};
/** Each test's cost per document and median value over `docs` (each document handed to `withDoc`). */
function timeTests(label: string, count: number, withDoc: (i: number, fn: (doc: DocumentContext) => void) => void): void {
  const parts = [label];
  for (const name of TEST_NAMES) {
    const test = DOCUMENT_TESTS[name];
    if (!(name in field)) continue;
    const values: number[] = [];
    let ns = 0n;
    let cpuUs = 0;
    for (let i = 0; i < count; i++)
      withDoc(i, (doc) => {
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        const r = test.run({ doc, rng: new Rng(1000 + i), orders: new Map() }) as Record<string, unknown> | null;
        const c = process.cpuUsage(c0);
        cpuUs += c.user + c.system;
        ns += process.hrtime.bigint() - t0;
        const v = r === null ? null : field[name]!(r);
        if (v !== null) values.push(v);
      });
    const ms = Number(ns) / 1e6 / count;
    // CPU time of the process (all its threads; with ATTNLAB_NUM_THREADS=1, what the test costs on a quiet core).
    parts.push(`  ${name}: ${ms.toFixed(2)} ms/document wall, ${(cpuUs / 1000 / count).toFixed(2)} ms CPU, median ${median(values).toFixed(4)} over ${values.length}`);
  }
  console.log(parts.join('\n'));
}

for (const folder of folders.filter((f) => isHfFolder(f))) {
  const data = valueOf('--data');
  if (!data) throw new Error(`${folder} is a Hugging Face folder: name its data set with --data`);
  const opts: TransformerErasureOptions = { specials: valueOf('--specials') === 'out' ? 'out' : 'in', heads: valueOf('--heads') === 'each' ? 'each' : 'all' };
  const source = transformerTestSource(folder, await loadDataset(data, {}), 'test');
  const docs = selectDocuments(source.documents.length, 1, maxDocs).map((i) => ({ ...source.documents[i]!, tokens: undefined }));
  const t0 = process.hrtime.bigint();
  const states = transformerRowStates(source.model, docs);
  const passMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const Ts = states.map((s) => s.T);
  timeTests(
    `${folder} (${data} test, specials ${opts.specials}, heads ${opts.heads}): ${states.length} documents, median T ${median(Ts)}, max T ${Math.max(...Ts)}; model pass ${(passMs / states.length).toFixed(2)} ms/document`,
    states.length,
    (i, fn) => withTransformerContext(source.model, states[i]!, opts, fn),
  );
  source.model.dispose();
}

for (const folder of folders.filter((f) => !isHfFolder(f))) {
  const docs = runContexts(folder, maxDocs);
  const ns = docs.map((d) => d.n);
  timeTests(`${folder}: ${docs.length} documents, median n ${median(ns)}, max n ${Math.max(...ns)}`, docs.length, (k, fn) => fn(docs[k]!));
}
