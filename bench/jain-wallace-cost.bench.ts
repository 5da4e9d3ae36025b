// What the Jain & Wallace tests cost per document (src/erasure/tests/: kendall_tau, permutation,
// adversarial_attention) on stored final-layer states of trained models, and their per-model medians: the
// measurement behind each test's suite (docs/faithfulness.md §4). A cost, not a speed claim: no reference side.
//   node --import tsx bench/jain-wallace-cost.bench.ts <run>/erasure [<run>/erasure ...] [--max-docs N]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildContext } from '../src/erasure/context.ts';
import { median } from '../src/erasure/statistics.ts';
import { headFromJson, readStates } from '../src/erasure/states-io.ts';
import { DOCUMENT_TESTS, TEST_NAMES } from '../src/erasure/tests/index.ts';
import { Rng } from '../src/util/rng.ts';

const args = process.argv.slice(2);
const maxAt = args.indexOf('--max-docs');
const maxDocs = maxAt >= 0 ? Number(args[maxAt + 1]) : 100;
const folders = args.filter((a, i) => !a.startsWith('--') && (maxAt < 0 || i !== maxAt + 1));
if (folders.length === 0) {
  console.error('usage: node --import tsx bench/jain-wallace-cost.bench.ts <run>/erasure [...] [--max-docs N]');
  process.exit(1);
}
const field: Record<string, (r: Record<string, unknown>) => number | null> = {
  kendall_tau: (r) => r.gradient as number | null,
  permutation: (r) => r.medianTvd as number,
  adversarial_attention: (r) => r.maxJs as number,
};
for (const folder of folders) {
  const statesDir = join(folder, 'states');
  const head = headFromJson(JSON.parse(readFileSync(join(statesDir, 'head.json'), 'utf8')), join(statesDir, 'head.json'));
  const states = readdirSync(statesDir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .flatMap((f) => readStates(join(statesDir, f)).states)
    .slice(0, maxDocs);
  const docs = states.map((s) => buildContext(s, head));
  const ns = docs.map((d) => d.n);
  const parts = [`${folder}: ${docs.length} documents, median n ${median(ns)}, max n ${Math.max(...ns)}`];
  for (const name of TEST_NAMES) {
    const test = DOCUMENT_TESTS[name];
    const values: number[] = [];
    const t0 = process.hrtime.bigint();
    docs.forEach((doc, i) => {
      const r = test.run({ doc, rng: new Rng(1000 + i), orders: new Map() }) as Record<string, unknown> | null;
      const v = r === null ? null : field[name]!(r);
      if (v !== null) values.push(v);
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / docs.length;
    parts.push(`  ${name}: ${ms.toFixed(2)} ms/document, median ${median(values).toFixed(4)} over ${values.length}`);
  }
  console.log(parts.join('\n'));
}
