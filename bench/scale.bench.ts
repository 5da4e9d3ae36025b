// npm run bench:scale — the paper's scale in bounded memory (issue 14 item 3, docs/scale.md).
// Generates a Yahoo-shaped corpus in a temporary folder (yahoo_answers_csv's shape: train.csv and test.csv,
// rows "class","title","content","answer", 10 classes; words from a Zipf vocabulary, each class with its
// own topic words mixed in, so a model has something to learn), then runs every stage as its own child
// process and prints each one's wall time and peak RSS (the child's maxrss, from /usr/bin/time -v, or its
// /proc VmHWM where that is missing):
//   prepare  attnlab data prepare (yahoo preset: its outlier filter and class names)
//   train    attnlab train, FLAN-noenc, one epoch capped at --steps steps, no word vectors (word2vec on
//            1.4 M documents is bench:data's business), then dev and test accuracy over the full splits
//   test     attnlab test over --test-docs documents of the test split (the paper's six rankings)
//   report   attnlab report of that run folder
// While a stage runs, its process's RSS is sampled every second into <dir>/<stage>.rss.tsv (seconds, RSS MB,
// lines of its log so far), and the stage's line shows the log line that was the last one at the sampled
// peak: where in the stage the memory went. The machine's load (uptime) is printed at start and end, and
// the disk the run left: the prepared cache, the erasure run's states/ and chunks/, its outputs.
// The target is a peak RSS under 2 GB in every stage. A bench, not a test: it prints, it asserts nothing.
//   options: --docs N (training documents, default 1,400,000) --test-docs N (default 100,000)
//            --steps N (default 300) --threads N (default 1) --dir DIR (default: a fresh temporary folder)
//            --keep (keep the folder) --resamples N (report/test bootstrap, default 1000)
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '../src/util/rng.ts';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1400000' },
    'test-docs': { type: 'string', default: '100000' },
    steps: { type: 'string', default: '300' },
    threads: { type: 'string', default: '1' },
    resamples: { type: 'string', default: '1000' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const DOCS = Number(values.docs);
const TEST_DOCS = Number(values['test-docs']);
const STEPS = Number(values.steps);
const THREADS = Number(values.threads);
const RESAMPLES = Number(values.resamples);
const CLASSES = 10;
const VOCAB = 50_000;
const TOPIC_WORDS = 60;
const GB = 2 ** 30;
const cli = fileURLToPath(new URL('../bin/attnlab.js', import.meta.url));

// --- the corpus ------------------------------------------------------------------------------------------

function wordName(i: number): string {
  const letters = 'etaoinshrdlucmfwypvbgkjqxz';
  let s = '';
  do {
    s += letters[i % 26];
    i = Math.floor(i / 26);
  } while (i > 0);
  return s;
}

/** Zipf(1) over VOCAB made-up words (a cumulative table, binary search), plus 10 classes' topic words. */
class Words {
  private readonly words = Array.from({ length: VOCAB }, (_, i) => wordName(i));
  private readonly cum = new Float64Array(VOCAB);
  private readonly total: number;
  private readonly topics: string[][];

  constructor(private readonly rng: Rng) {
    let acc = 0;
    for (let i = 0; i < VOCAB; i++) this.cum[i] = acc += 1 / (i + 1);
    this.total = acc;
    // Topic words are mid-frequency words of the Zipf table, a different set per class.
    this.topics = Array.from({ length: CLASSES }, (_, c) => Array.from({ length: TOPIC_WORDS }, (_, k) => this.words[200 + c * TOPIC_WORDS + k]!));
  }

  word(cls: number): string {
    const r = this.rng;
    if (r.next() < 0.12) return this.topics[cls]![r.int(TOPIC_WORDS)]!;
    const x = r.next() * this.total;
    let lo = 0;
    let hi = VOCAB - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }

  /** `n` words in sentences of 4-20 words, some commas: text that needs CSV quoting. */
  text(cls: number, n: number): string {
    const out: string[] = [];
    let left = n;
    while (left > 0) {
      const k = Math.min(left, 4 + this.rng.int(17));
      const s: string[] = [];
      for (let i = 0; i < k; i++) s.push(this.word(cls));
      if (k > 6 && this.rng.next() < 0.3) s[3] += ',';
      out.push(s.join(' ') + (this.rng.next() < 0.1 ? '?' : '.'));
      left -= k;
    }
    return out.join(' ');
  }
}

/** Writes `docs` rows of yahoo_answers_csv's shape; returns the bytes written. */
function writeCsv(path: string, docs: number, seed: number): number {
  const rng = new Rng(seed);
  const w = new Words(rng);
  const fd = openSync(path, 'w');
  let bytes = 0;
  let rows: string[] = [];
  for (let i = 0; i < docs; i++) {
    const cls = rng.int(CLASSES);
    // ~100 words a document like Yahoo's: a title, a question body half of the time, a long-tailed answer.
    const title = w.text(cls, 4 + rng.int(11)).replace(/\.$/, '?');
    const content = rng.next() < 0.5 ? '' : w.text(cls, 5 + rng.int(40));
    const answer = w.text(cls, rng.next() < 0.03 ? 200 + rng.int(600) : 10 + rng.int(120));
    rows.push(`"${cls + 1}","${title}","${content}","${answer}"\n`);
    if (rows.length === 20_000 || i === docs - 1) {
      const buf = Buffer.from(rows.join(''));
      bytes += buf.length;
      writeSync(fd, buf);
      rows = [];
    }
  }
  closeSync(fd);
  return bytes;
}

// --- stages ----------------------------------------------------------------------------------------------

interface StageResult {
  stage: string;
  seconds: number;
  maxRssBytes: number;
  code: number;
  log: string;
  /** The largest RSS sampled (once a second) and the last log line at that moment. */
  sampledPeak: number;
  peakLine: string;
}

const HAVE_TIME = existsSync('/usr/bin/time');

/** Runs `node bin/attnlab.js args` as a child; its peak RSS from /usr/bin/time -v (or polled /proc VmHWM). */
function stage(name: string, args: string[], dir: string): Promise<StageResult> {
  const log = join(dir, `${name}.log`);
  const rssFile = join(dir, `${name}.rusage`);
  const out = openSync(log, 'w');
  const argv = [process.execPath, cli, ...args];
  const t0 = performance.now();
  const child = HAVE_TIME
    ? spawn('/usr/bin/time', ['-v', '-o', rssFile, ...argv], { stdio: ['ignore', out, out], env: { ...process.env, ATTNLAB_NUM_THREADS: String(THREADS) } })
    : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', out, out], env: { ...process.env, ATTNLAB_NUM_THREADS: String(THREADS) } });
  let polled = 0;
  let sampledPeak = 0;
  let peakLine = '';
  const samples = join(dir, `${name}.rss.tsv`);
  writeFileSync(samples, 'seconds\trss_mb\tlog_lines\n');
  // /usr/bin/time's child is the node process; sample that one (VmRSS now, VmHWM as a fallback peak).
  const target = (): number | undefined => {
    if (!HAVE_TIME) return child.pid;
    try {
      const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/);
      return kids[0] ? Number(kids[0]) : undefined;
    } catch {
      return undefined;
    }
  };
  const poll = setInterval(() => {
    const pid = target();
    if (pid === undefined) return;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      if (hwm) polled = Math.max(polled, Number(hwm[1]) * 1024);
      if (!rss) return;
      const bytes = Number(rss[1]) * 1024;
      const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
      appendFileSync(samples, `${((performance.now() - t0) / 1000).toFixed(0)}\t${(bytes / 2 ** 20).toFixed(0)}\t${lines.length}\n`);
      if (bytes > sampledPeak) {
        sampledPeak = bytes;
        peakLine = lines[lines.length - 1] ?? '';
      }
    } catch {
      // gone
    }
  }, 1000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(poll);
      closeSync(out);
      const seconds = (performance.now() - t0) / 1000;
      let maxRssBytes = polled;
      if (HAVE_TIME && existsSync(rssFile)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(rssFile, 'utf8'));
        if (m) maxRssBytes = Number(m[1]) * 1024;
      }
      resolve({ stage: name, seconds, maxRssBytes, code: code ?? 1, log, sampledPeak, peakLine });
    });
  });
}

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;
const n = (x: number): string => x.toLocaleString('en-US');

/** Bytes under a path (a file, or a folder's files, recursively). */
function du(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, f) => sum + du(join(path, f)), 0);
}

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `loadavg ${readFileSync('/proc/loadavg', 'utf8').trim()}`;
  }
}

function tail(path: string, lines = 15): string {
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `    | ${l}`).join('\n');
}

async function main(): Promise<number> {
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'attnlab-bench-scale-'));
  mkdirSync(dir, { recursive: true });
  const data = join(dir, 'yahoo_answers_csv');
  mkdirSync(data, { recursive: true });
  console.log(`bench:scale in ${dir}: ${n(DOCS)} training + ${n(TEST_DOCS)} test documents, FLAN-noenc, ${STEPS} steps, ${THREADS} thread(s); peak RSS measured by ${HAVE_TIME ? '/usr/bin/time -v (maxrss)' : '/proc/<pid>/status VmHWM'}`);
  console.log(`start: ${new Date().toISOString()}  ${uptime()}`);
  const results: StageResult[] = [];
  try {
    const t0 = performance.now();
    const bytes = writeCsv(join(data, 'train.csv'), DOCS, 1) + writeCsv(join(data, 'test.csv'), TEST_DOCS, 2);
    const genSeconds = (performance.now() - t0) / 1000;
    console.log(`generate  ${genSeconds.toFixed(1).padStart(7)} s   ${mb(bytes)} of CSV (in this process, not a stage)`);
    process.env.ATTNLAB_CACHE = join(dir, 'cache');
    const model = join(dir, 'model');
    const run = join(dir, 'erasure');
    const stages: [string, string[]][] = [
      ['prepare', ['data', 'prepare', data]],
      ['train', ['train', data, '--arch', 'flan-noenc', '--vectors', 'none', '--max-epochs', '1', '--max-steps-per-epoch', String(STEPS), '--out', model, '--threads', String(THREADS)]],
      ['test', ['test', join(model, 'flan-noenc'), '--max-docs', String(TEST_DOCS), '--out', run, '--threads', String(THREADS), '--resamples', String(RESAMPLES)]],
      ['report', ['report', run, '--out', join(dir, 'report'), '--resamples', String(RESAMPLES), '--no-png']],
    ];
    for (const [name, args] of stages) {
      const r = await stage(name, args, dir);
      results.push(r);
      const ok = r.maxRssBytes < 2 * GB;
      console.log(`${name.padEnd(9)} ${r.seconds.toFixed(1).padStart(7)} s   peak RSS ${mb(r.maxRssBytes).padStart(8)}  (< 2048 MB: ${ok ? 'yes' : 'NO'})${r.code === 0 ? '' : `   FAILED (exit ${r.code})`}`);
      console.log(`    sampled peak ${mb(r.sampledPeak)} after log line: ${r.peakLine.slice(0, 140)}`);
      console.log(tail(r.log, name === 'train' ? 4 : 2));
      if (r.code !== 0) {
        console.log(tail(r.log, 30));
        return 1;
      }
    }
    const gb = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GB`;
    console.log(
      `disk: cache ${gb(du(join(dir, 'cache')))}; erasure run ${gb(du(run))} (states/ ${gb(du(join(run, 'states')))}, chunks/ ${gb(du(join(run, 'chunks')))}, ` +
        `documents.jsonl ${gb(du(join(run, 'documents.jsonl')))}, documents.csv ${gb(du(join(run, 'documents.csv')))}); report ${gb(du(join(dir, 'report')))}`,
    );
    const peak = Math.max(...results.map((r) => r.maxRssBytes));
    console.log(`largest stage peak RSS: ${mb(peak)}; every stage under 2 GB: ${peak < 2 * GB ? 'yes' : 'NO'}`);
    return 0;
  } finally {
    console.log(`end: ${new Date().toISOString()}  ${uptime()}`);
    if (values.keep || values.dir) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
