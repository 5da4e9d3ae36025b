// Adversarial attention (docs/faithfulness.md §4.3–4.4): the search of src/erasure/tests/adversarial-attention.ts
// against its reference, the same search as it was before the speed work (bench/adversarial-attention-
// reference.ts), on the same stored documents in the same run, one document after the other (old, then new,
// each with its own fresh stream Rng(1000 + i), as the cost bench seeds them). Prints per document the CPU time of
// each and the ratio, and counts the documents where the new answer's JS is below the old one's by more than
// 1e-9 (must be 0) or above it; every new answer's TVD is recomputed here and must be <= epsilon.
// --other-tests: also the CPU time per document of the paper's rankings (the erasure orders every test gets)
// and of the other linear-path tests of the full suite on the same documents (eraser_input's cost is the
// model's passes, which need the model: `attnlab test` times it).
//   node --import tsx bench/adversarial-speed.bench.ts <run>/erasure [<run>/erasure ...] [--max-docs N] [--repeat R] [--quiet] [--other-tests]
// (--repeat R: time each side R times per document and keep the fastest; the first, untimed run warms up.)
import { rankDocument } from '../src/erasure/battery.ts';
import { median } from '../src/erasure/statistics.ts';
import { adversarialAttention, EPSILON } from '../src/erasure/tests/adversarial-attention.ts';
import { DOCUMENT_TESTS, type TestName } from '../src/erasure/tests/index.ts';
import { outputFor, totalVariation } from '../src/erasure/tests/permutation.ts';
import { Rng } from '../src/util/rng.ts';
import { adversarialAttention as referenceAdversarialAttention } from './adversarial-attention-reference.ts';
import { runContexts } from './run-contexts.ts';

const args = process.argv.slice(2);
const maxAt = args.indexOf('--max-docs');
const maxDocs = maxAt >= 0 ? Number(args[maxAt + 1]) : 100;
const quiet = args.includes('--quiet');
const others = args.includes('--other-tests');
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 1;
const folders = args.filter((a, i) => !a.startsWith('--') && (maxAt < 0 || i !== maxAt + 1) && (repeatAt < 0 || i !== repeatAt + 1));
if (folders.length === 0) {
  console.error('usage: node --import tsx bench/adversarial-speed.bench.ts <run>/erasure [...] [--max-docs N] [--repeat R] [--quiet] [--other-tests]');
  process.exit(1);
}
/** CPU milliseconds (user + system) of this process since `from`: steadier than wall time on a shared machine. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}
let failures = 0;
for (const folder of folders) {
  const docs = runContexts(folder, maxDocs).filter((d) => d.n >= 2);
  let oldTotal = 0;
  let newTotal = 0;
  let smaller = 0;
  let larger = 0;
  let infeasible = 0;
  let worst = 0;
  const ratios: number[] = [];
  const lines: string[] = [];
  docs.forEach((doc, i) => {
    // Each side `repeat` times, alternating, keeping its fastest: the least disturbed by other processes.
    let old = referenceAdversarialAttention(doc, new Rng(1000 + i));
    let now = adversarialAttention(doc, new Rng(1000 + i));
    let oldMs = Infinity;
    let newMs = Infinity;
    for (let r = 0; r < repeat; r++) {
      let t0 = process.cpuUsage();
      old = referenceAdversarialAttention(doc, new Rng(1000 + i));
      oldMs = Math.min(oldMs, cpuMs(t0));
      t0 = process.cpuUsage();
      now = adversarialAttention(doc, new Rng(1000 + i));
      newMs = Math.min(newMs, cpuMs(t0));
    }
    oldTotal += oldMs;
    newTotal += newMs;
    ratios.push(oldMs / newMs);
    const diff = now.js - old.js;
    if (diff < -1e-9) smaller++;
    else if (diff > 1e-9) larger++;
    worst = Math.min(worst, diff);
    const tvd = totalVariation(doc.p, outputFor(doc, now.alpha));
    if (!(tvd <= EPSILON) || !now.constraintMet) infeasible++;
    lines.push(`  doc ${i} n ${doc.n}: old ${oldMs.toFixed(1)} ms, new ${newMs.toFixed(1)} ms, ×${(oldMs / newMs).toFixed(1)}; JS old ${old.js.toFixed(9)} new ${now.js.toFixed(9)}`);
  });
  if (!quiet) console.log(lines.join('\n'));
  console.log(
    `${folder}: ${docs.length} documents (n >= 2), median n ${median(docs.map((d) => d.n))}: ` +
      `old ${(oldTotal / docs.length).toFixed(1)} ms/document, new ${(newTotal / docs.length).toFixed(1)} ms/document, ` +
      `total ratio ×${(oldTotal / newTotal).toFixed(1)} (median per document ×${median(ratios).toFixed(1)}); ` +
      `new JS < old − 1e-9: ${smaller}, new JS > old + 1e-9: ${larger} (largest drop ${(-worst).toExponential(1)}); infeasible: ${infeasible}`,
  );
  failures += smaller + infeasible;
  if (others) {
    let t0 = process.cpuUsage();
    const orders = docs.map((doc, i) => rankDocument(doc, i, { seed: 1 }));
    const parts = [`rankings ${(cpuMs(t0) / docs.length).toFixed(2)}`];
    for (const name of ['kendall_tau', 'permutation', 'eraser_attention'] satisfies TestName[]) {
      const test = DOCUMENT_TESTS[name];
      t0 = process.cpuUsage();
      docs.forEach((doc, i) => test.run({ doc, rng: new Rng(1000 + i), orders: orders[i]! }));
      parts.push(`${name} ${(cpuMs(t0) / docs.length).toFixed(2)}`);
    }
    console.log(`  the other per-document work, CPU ms/document: ${parts.join(', ')}`);
  }
}
if (failures > 0) {
  console.error(`FAILED: ${failures} documents with a smaller JS or an infeasible answer`);
  process.exit(1);
}
