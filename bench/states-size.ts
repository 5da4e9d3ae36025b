// node --import tsx bench/states-size.ts <erasure run folder> — what an erasure run's states/*.bin hold on
// disk (docs/scale.md "Disk"): documents, items, bytes, and per part (alpha, logits, h, z) the bytes the
// format gives them, read from each file's header only. For a folder written before the states dropped h
// (states-io.ts dropH) it also prints the size the same states take without h.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node --import tsx bench/states-size.ts <erasure run folder>');
  process.exit(2);
}
const folder = join(dir, 'states');
const files = readdirSync(folder).filter((f) => f.endsWith('.bin')).sort();
const MAGIC = 'ATTNSTATES1\n';
let [docs, items, bytes, alpha, logits, h, z, headers] = [0, 0, 0, 0, 0, 0, 0, 0];
let width = '';
for (const f of files) {
  const path = join(folder, f);
  const fd = openSync(path, 'r');
  try {
    const pre = Buffer.alloc(MAGIC.length + 4);
    readSync(fd, pre, 0, pre.length, 0);
    const len = pre.readUInt32LE(MAGIC.length);
    const head = Buffer.alloc(len);
    readSync(fd, head, 0, len, pre.length);
    const header = JSON.parse(head.toString()) as { d: number; C: number; z?: boolean; h?: boolean; docs: { n: number }[] };
    const n = header.docs.reduce((s, x) => s + x.n, 0);
    docs += header.docs.length;
    items += n;
    bytes += statSync(path).size;
    headers += pre.length + len;
    alpha += n * 8;
    logits += header.docs.length * header.C * 8;
    if (header.h !== false) h += n * header.d * 4;
    if (header.z) z += n * header.C * 8;
    width = `d = ${header.d}, C = ${header.C}`;
  } finally {
    closeSync(fd);
  }
}
const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;
console.log(`${folder}: ${files.length} files, ${docs.toLocaleString('en-US')} documents, ${items.toLocaleString('en-US')} items (${(items / docs).toFixed(1)} per document), ${width}`);
console.log(`  on disk ${mb(bytes)} (${(bytes / docs / 1024).toFixed(1)} kB per document): headers ${mb(headers)}, alpha ${mb(alpha)}, logits ${mb(logits)}, h ${mb(h)}, z ${mb(z)}`);
if (h > 0 && z > 0) {
  // dropH adds ',"h":false' (10 bytes) to each header.
  const without = bytes - h + 10 * files.length;
  console.log(`  without h (as attnlab test now writes them): ${mb(without)} (${(without / docs / 1024).toFixed(1)} kB per document), ${(bytes / without).toFixed(1)}x less`);
}
