// What the Jain & Wallace tests cost per document (src/erasure/tests/: kendall_tau, permutation,
// adversarial_attention) on stored final-layer states of trained models, and their per-model medians: the
// measurement behind each test's suite (docs/faithfulness.md §4). A cost, not a speed claim: no reference side
// (bench/adversarial-speed.bench.ts compares the adversarial search with the one it replaced). Wall clock and
// this process's CPU time (the steadier of the two on a shared machine).
//   node --import tsx bench/jain-wallace-cost.bench.ts <run>/erasure [<run>/erasure ...] [--max-docs N]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rankDocument } from '../src/erasure/battery.ts';
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
  // The paper's rankings' erasure orders, as the battery gives every test (eraser_attention reads them).
  const r0 = process.cpuUsage();
  const orders = docs.map((doc, i) => rankDocument(doc, i, { seed: 1 }));
  const rankCpu = process.cpuUsage(r0);
  parts.push(`  (the rankings' orders: CPU ${((rankCpu.user + rankCpu.system) / 1000 / docs.length).toFixed(2)} ms/document)`);
  for (const name of TEST_NAMES) {
    const test = DOCUMENT_TESTS[name];
    const values: number[] = [];
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    docs.forEach((doc, i) => {
      const r = test.run({ doc, rng: new Rng(1000 + i), orders: orders[i]! }) as Record<string, unknown> | null;
      // eraser_attention / eraser_input: timed only (eraser_input's cost is the model's passes: null here).
      const v = r === null || !field[name] ? null : field[name](r);
      if (v !== null) values.push(v);
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / docs.length;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / docs.length;
    const value = values.length > 0 ? `, median ${median(values).toFixed(4)} over ${values.length}` : '';
    parts.push(`  ${name}: ${ms.toFixed(2)} ms/document (CPU ${cpuMs.toFixed(2)} ms)${value}`);
  }
  console.log(parts.join('\n'));
}
