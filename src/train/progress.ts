// Training progress: a live line on a terminal (rewritten in place), plain lines otherwise, and a JSONL
// log (train.jsonl) that is appended to, never rewritten, so a resumed run's log holds both runs.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StepInfo {
  label: string;
  epoch: number;
  maxEpochs: number;
  step: number;
  steps: number;
  /** Mean training loss of the epoch so far. */
  loss: number;
  /** Dev accuracy of the previous epoch, if any. */
  dev: number | null;
  docsPerSecond: number;
  /** Seconds left in this epoch. */
  etaSeconds: number;
}

export interface Progress {
  step(info: StepInfo): void;
  /** A finished line (epoch summary, resume notice). */
  line(text: string): void;
  /** One JSON object per line in the log. */
  log(event: Record<string, unknown>): void;
  close(): void;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

export function formatStep(i: StepInfo): string {
  const dev = i.dev === null ? '-' : `${(100 * i.dev).toFixed(1)}%`;
  return (
    `${i.label} epoch ${i.epoch}/${i.maxEpochs} step ${i.step}/${i.steps} loss ${i.loss.toFixed(4)} ` +
    `dev ${dev} ${Math.round(i.docsPerSecond)} docs/s ETA ${formatSeconds(i.etaSeconds)}`
  );
}

interface Sink {
  write(s: string): unknown;
  isTTY?: boolean;
}

/**
 * Progress to `stream` (stderr by default) and `logPath`. On a TTY the step line is redrawn at most every
 * 100 ms; otherwise a step line is printed every `plainEvery` steps.
 */
export function makeProgress(opts: { logPath: string | null; stream?: Sink; plainEvery?: number; quiet?: boolean }): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const plainEvery = opts.plainEvery ?? 50;
  let live = false;
  let lastDraw = 0;
  if (opts.logPath) mkdirSync(dirname(opts.logPath), { recursive: true });
  return {
    step(info) {
      if (opts.quiet) return;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && info.step !== info.steps) return;
        lastDraw = now;
        stream.write(`\r\x1b[K${formatStep(info)}`);
        live = true;
      } else if (info.step % plainEvery === 0) {
        stream.write(formatStep(info) + '\n');
      }
    },
    line(text) {
      if (opts.quiet) return;
      stream.write((live ? '\r\x1b[K' : '') + text + '\n');
      live = false;
    },
    log(event) {
      if (opts.logPath) appendFileSync(opts.logPath, JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n');
    },
    close() {
      if (live) stream.write('\n');
      live = false;
    },
  };
}
