// npm run bench:hard-inputs
// Peak memory and time on hard inputs, each measured in a child process (/usr/bin/time -v: the child's
// maximum resident set size):
//   1. a data set holding one 200,000-token document (in train and in test, beside 80 short documents):
//      `attnlab train` (FLAN-rnn and HAN-rnn, one epoch) and `attnlab test` (the erasure run) on it, with the
//      default long-document handling (training truncates it to --max-doc-tokens, test keeps it whole);
//      target: every peak under 2 GB.
//   2. `attnlab data prepare` of a data set whose one training document is a 50 MB single line of
//      run-on text (the sentence splitter's worst case), with a time limit.
//   BENCH_THREADS (default 1), BENCH_PREP_LIMIT_S (default 300), BENCH_LONG_TOKENS (default 200000),
//   BENCH_LINE_MB (default 50), BENCH_KEEP=1 keeps the temporary folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/util/rng.ts';

const THREADS = String(process.env.BENCH_THREADS ?? 1);
const PREP_LIMIT_S = Number(process.env.BENCH_PREP_LIMIT_S ?? 300);
const LONG_TOKENS = Number(process.env.BENCH_LONG_TOKENS ?? 200_000);
const LINE_MB = Number(process.env.BENCH_LINE_MB ?? 50);
const CLI = fileURLToPath(new URL('../bin/attnlab.js', import.meta.url));
const GB = 2 ** 30;

const WORDS = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`);

/** A sentence of 8-22 words: capitalised, ending in a period (about 1 + words tokens). */
function sentence(rng: Rng, cue: string): string {
  const n = 8 + rng.int(15);
  const w = Array.from({ length: n }, () => (rng.next() < 0.1 ? cue : WORDS[rng.int(WORDS.length)]!));
  return `${w[0]![0]!.toUpperCase()}${w[0]!.slice(1)} ${w.slice(1).join(' ')}.`;
}

/** Text of about `tokens` tokens in sentences. */
function text(rng: Rng, tokens: number, cue: string): string {
  const parts: string[] = [];
  let n = 0;
  while (n < tokens) {
    const s = sentence(rng, cue);
    parts.push(s);
    n += s.split(' ').length + 1;
  }
  return parts.join(' ');
}

interface Measured {
  status: number | null;
  seconds: number;
  maxRssBytes: number | null;
  stderr: string;
  timedOut: boolean;
}

/** Runs attnlab in a child under /usr/bin/time -v; its peak RSS and wall time. */
function measure(args: string[], env: NodeJS.ProcessEnv, limitS = 1800): Measured {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, ...args], { env, encoding: 'utf8', timeout: limitS * 1000, maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - t0) / 1000;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { status: r.status, seconds, maxRssBytes: m ? Number(m[1]) * 1024 : null, stderr: r.stderr ?? '', timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' };
}

function report(what: string, m: Measured, target = 2 * GB): boolean {
  const rss = m.maxRssBytes === null ? '?' : `${(m.maxRssBytes / GB).toFixed(2)} GB`;
  const ok = m.status === 0 && m.maxRssBytes !== null && m.maxRssBytes < target;
  console.log(`${what.padEnd(44)} peak RSS ${rss.padStart(8)}  ${m.seconds.toFixed(1).padStart(7)} s  ${m.status === 0 ? (ok ? 'ok (< 2 GB)' : 'OVER 2 GB') : `FAILED (exit ${m.status})`}`);
  if (m.status !== 0) console.log(m.stderr.split('\n').filter((l) => !/^\s/.test(l) && l.trim()).slice(-5).join('\n'));
  return ok;
}

function main(): void {
  if (!existsSync('/usr/bin/time')) throw new Error('bench:hard-inputs needs /usr/bin/time (GNU time) to read a child\'s peak RSS');
  const root = mkdtempSync(join(tmpdir(), 'attnlab-hard-bench-'));
  const env = { ...process.env, ATTNLAB_CACHE: join(root, 'cache'), ATTNLAB_NUM_THREADS: THREADS, OPENBLAS_NUM_THREADS: '1' };
  let allOk = true;
  try {
    // --- 1. one 200,000-token document --------------------------------------------------------------------
    const rng = new Rng(7);
    const data = join(root, 'long-doc');
    mkdirSync(data);
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i % 2 ? 'pos' : 'neg'}\t${text(rng, 60 + rng.int(200), i % 2 ? 'good' : 'bad')}`);
    const long = `pos\t${text(rng, LONG_TOKENS, 'good')}`;
    writeFileSync(join(data, 'train.tsv'), [...rows(80), long].join('\n') + '\n');
    writeFileSync(join(data, 'test.tsv'), [...rows(20), long].join('\n') + '\n');
    console.log(`data: ${data} (train and test each hold one ${LONG_TOKENS.toLocaleString('en')}-token document); threads ${THREADS}`);
    const runs = join(root, 'runs');
    for (const arch of ['flan-rnn', 'han-rnn']) {
      const t = measure(['train', data, '--arch', arch, '--max-epochs', '1', '--out', runs, '--threads', THREADS], env);
      allOk = report(`train ${arch} (1 epoch, defaults)`, t) && allOk;
      const longLine = t.stderr.split('\n').find((l) => /longer than \d+ tokens/.test(l));
      if (longLine) console.log(`  ${longLine.trim()}`);
      if (t.status !== 0) continue;
      const e = measure(['test', join(runs, arch), '--data', data, '--out', join(root, `test-${arch}`), '--resamples', '100', '--threads', THREADS], env);
      allOk = report(`test ${arch} (erasure run, document whole)`, e) && allOk;
    }

    // --- 2. a 50 MB single-line document -----------------------------------------------------------------
    const line = join(root, 'one-line');
    mkdirSync(line);
    const shortRows = Array.from({ length: 30 }, (_, i) => `${i % 2 ? 'pos' : 'neg'}\t${text(rng, 80, 'x')}`);
    // Run-on text: words and commas, no sentence punctuation, in one line.
    const chunk = Array.from({ length: 20000 }, (_, i) => (i % 17 === 16 ? `${WORDS[i % WORDS.length]},` : WORDS[(i * 7) % WORDS.length])).join(' ') + ' ';
    const big = chunk.repeat(Math.ceil((LINE_MB * 2 ** 20) / chunk.length)).slice(0, LINE_MB * 2 ** 20);
    writeFileSync(join(line, 'train.tsv'), [...shortRows, `pos\t${big}`].join('\n') + '\n');
    writeFileSync(join(line, 'test.tsv'), shortRows.slice(0, 10).join('\n') + '\n');
    const p = measure(['data', 'prepare', line], env, PREP_LIMIT_S);
    if (p.timedOut) console.log(`prepare a ${LINE_MB} MB single-line document        did not finish in ${PREP_LIMIT_S} s (the sentence splitter is quadratic on one line)`);
    else report(`prepare a ${LINE_MB} MB single-line document`, p, 4 * GB);
  } finally {
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
  console.log(allOk ? 'all train/test peaks under 2 GB' : 'some train/test peak is over 2 GB or failed');
  process.exitCode = allOk ? 0 : 1;
}

main();
