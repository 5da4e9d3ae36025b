// npx tsx bench/long-document.bench.ts [MB ...]   (default 1 4 16 50)
// Prepares a data set whose training file holds one single-line run-on document of each size (plus 40
// short documents and a 2-document test file) and prints the prepare time and MB/s for each: a linear
// sentence splitter gives about the same MB/s at every size (issue 10 item 2: 1/2/4 MB lines took
// 0.37/1.37/5.61 s before, a 50 MB line did not finish in 5 minutes).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDataset } from '../src/data/prepare.ts';

const sizes = process.argv.slice(2).map(Number);
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'the', 'of', 'and', 'to', 'run', 'on'];

function runOn(bytes: number): string {
  const out: string[] = [];
  let len = 0;
  for (let n = 0; len < bytes; n++) {
    const w = WORDS[(n * 7 + 3) % 10]! + (n % 300);
    out.push(w);
    len += w.length + 1;
  }
  return out.join(' ');
}

const root = mkdtempSync(join(tmpdir(), 'attnlab-long-'));
try {
  console.log('single-line document  prepare (s)  MB/s  tokens in train');
  for (const mb of sizes.length ? sizes : [1, 4, 16, 50]) {
    const dir = join(root, `d${mb}`);
    const lines = [`pos\t${runOn(mb * 2 ** 20)}`];
    for (let i = 0; i < 40; i++) lines.push(`${i % 2 ? 'pos' : 'neg'}\tshort document number ${i}. It has two sentences.`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'train.tsv'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'test.tsv'), 'pos\tshort test one.\nneg\tshort test two.\n');
    const t0 = performance.now();
    const { meta } = await prepareDataset(dir, { cacheDir: join(root, 'cache'), force: true });
    const s = (performance.now() - t0) / 1000;
    console.log(`${String(mb).padStart(6)} MB              ${s.toFixed(2).padStart(8)}  ${(mb / s).toFixed(1).padStart(5)}  ${meta.counts.train.tokens + meta.counts.dev.tokens}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
