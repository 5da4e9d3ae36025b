// The Slurm executor: the grid as Slurm jobs with afterok dependencies, submitted with sbatch.
//   data/<name>            one job per data set (prepare + word vectors)
//   submit                 after every data job: this same submission again, now that the test splits'
//                          sizes (and so the erasure chunks) are known
//   train/<name>/<arch>    one job per model
//   test/<name>/<arch>     one job array per model, one task per erasure chunk (attnlab test --range),
//                          after its training
//   report                 after every test array
// Resumable: what the run folder shows finished is not submitted again; a job still pending or running
// from an earlier submission is kept (and depended on); one that failed, was cancelled, or waits on a
// dependency that can never be met is cancelled and submitted anew. Job ids are recorded in
// <out>/slurm/jobs.json; job states are read from `scontrol show job` (no accounting needed).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJsonAtomic } from '../../util/atomic.ts';
import { UserError } from '../../util/errors.ts';
import { isTested, PLAN_FILE, readPlan, stageId, stageModel, stagesOf, writePlan, type GridPlan, type Stage } from './plan.ts';
import { chunkDone, stageDone, testChunks } from './progress.ts';

export const SLURM_DIR = 'slurm';
const RECORDS = 'jobs.json';

/** A submitted unit: a job, or one task of a job array. */
export interface JobRecord {
  job: string;
  task?: number;
}

export interface SlurmRecords {
  /** Extra sbatch options of the submission (reused by the submit job and by a resubmission without --sbatch). */
  sbatch: string[];
  /** By unit key: a stage id, or '<test stage id>#<chunk>' for one erasure chunk. */
  jobs: Record<string, JobRecord>;
}

export interface JobState {
  /** Slurm's JobState: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ... */
  state: string;
  reason: string;
}

const RUNNING = new Set(['RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'STAGE_OUT', 'RESIZING', 'SIGNALING']);

export function recordsPath(out: string): string {
  return join(out, SLURM_DIR, RECORDS);
}

export function readRecords(out: string): SlurmRecords | null {
  const path = recordsPath(out);
  if (!existsSync(path)) return null;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<SlurmRecords>;
    if (!Array.isArray(r.sbatch) || typeof r.jobs !== 'object' || r.jobs === null) throw new Error('no sbatch/jobs fields');
    return r as SlurmRecords;
  } catch (err) {
    throw new UserError(`${path}: not a job record file (${(err as Error).message}); move it away and submit again`);
  }
}

export function refOf(r: JobRecord): string {
  return r.task === undefined ? r.job : `${r.job}_${r.task}`;
}

/** Still going to run (or running): pending on something that can still happen, or running. */
export function isActive(s: JobState | undefined): boolean {
  if (!s) return false;
  if (s.state === 'PENDING') return !/DependencyNeverSatisfied/.test(s.reason);
  return RUNNING.has(s.state);
}

/** States of the given jobs (array jobs: every task) from `scontrol show job`; jobs Slurm forgot are absent. */
export function queryStates(jobs: Iterable<string>): Map<string, JobState> {
  const states = new Map<string, JobState>();
  for (const job of new Set(jobs)) {
    const r = spawnSync('scontrol', ['show', 'job', '-o', job], { encoding: 'utf8' });
    if (r.error) throw new UserError(`attnlab: cannot run scontrol (${r.error.message}); is this a Slurm login node?`);
    if (r.status !== 0) continue; // "Invalid job id specified": finished longer ago than MinJobAge
    for (const line of r.stdout.split('\n')) {
      const f = fields(line);
      const id = f.get('JobId');
      const state = f.get('JobState');
      if (id === undefined || state === undefined) continue;
      const s = { state, reason: f.get('Reason') ?? '' };
      const arrayJob = f.get('ArrayJobId');
      const tasks = f.get('ArrayTaskId');
      if (arrayJob !== undefined && tasks !== undefined) {
        // Pending tasks of an array are listed together: ArrayTaskId=2-4,7 (with %limit suffix).
        for (const t of expandTasks(tasks)) states.set(`${arrayJob}_${t}`, s);
      } else states.set(id, s);
    }
  }
  return states;
}

function fields(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of line.trim().split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq > 0) m.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return m;
}

export function expandTasks(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.replace(/%\d+$/, '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part);
    if (!m) continue;
    const [a, b, step] = [Number(m[1]), Number(m[2] ?? m[1]), Number(m[3] ?? 1)];
    for (let t = a; t <= b; t += step) out.push(t);
  }
  return out;
}

/** The state of a recorded unit: its job's task for an array task, else the job. */
export function stateOf(states: Map<string, JobState>, r: JobRecord): JobState | undefined {
  return states.get(refOf(r)) ?? (r.task === undefined ? undefined : states.get(r.job));
}

export interface SubmitOptions {
  /** Extra sbatch options (already split into words). */
  sbatch: string[];
  log?: (line: string) => void;
  /** The sbatch to run (tests point it at a wrapper); default 'sbatch' on PATH. */
  sbatchCommand?: string;
}

export interface SubmitResult {
  /** Unit key -> job id (or array job id) submitted now. */
  submitted: Map<string, string>;
  /** Unit keys kept from an earlier submission (still pending or running). */
  kept: string[];
}

/** Submits what is left of the grid. Returns what it submitted; an empty map means everything is done or underway. */
export function submitSlurm(plan: GridPlan, opts: SubmitOptions): SubmitResult {
  const log = opts.log ?? ((l: string) => console.error(l));
  const records: SlurmRecords = readRecords(plan.out) ?? { sbatch: opts.sbatch, jobs: {} };
  records.sbatch = opts.sbatch;
  const states = queryStates(Object.values(records.jobs).map((r) => r.job));
  // Queued jobs read <out>/grid.json when they start: changing the grid under them would mix two grids.
  const before = existsSync(join(plan.out, PLAN_FILE)) ? readPlan(plan.out) : null;
  const changed = before ? (Object.keys(plan) as (keyof GridPlan)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(plan[k])) : [];
  const queued = Object.values(records.jobs).filter((r) => isActive(stateOf(states, r)));
  if (changed.length > 0 && queued.length > 0) {
    throw new UserError(
      `attnlab reproduce: the grid in ${join(plan.out, PLAN_FILE)} differs in ${changed.join(', ')} while ${queued.length} of its jobs are queued or running ` +
        `(${[...new Set(queued.map((r) => r.job))].join(', ')}); resubmit with the same options, scancel those jobs first, or use another --out`,
    );
  }
  writePlan(plan);
  const submitted = new Map<string, string>();
  const kept: string[] = [];
  const save = (): void => writeJsonAtomic(recordsPath(plan.out), records);

  /** The unit's dependency if it is still underway (kept), or null if it must be submitted. */
  const keep = (key: string): string | null => {
    const r = records.jobs[key];
    if (!r) return null;
    const s = stateOf(states, r);
    if (isActive(s)) {
      kept.push(key);
      return refOf(r);
    }
    // A pending job that can never start (its dependency failed) would hold a place in the queue forever.
    if (s?.state === 'PENDING') cancel(refOf(r));
    return null;
  };
  /** Cancels the unit's job if it is still queued (it is being replaced). */
  const drop = (key: string): void => {
    const r = records.jobs[key];
    const st = r ? stateOf(states, r) : undefined;
    if (r && st && (st.state === 'PENDING' || isActive(st))) cancel(refOf(r));
  };
  const submit = (key: string, stage: Stage | 'submit', deps: string[], array?: number[]): string => {
    const job = sbatch(plan, opts, stage, deps, array);
    if (array) for (const t of array) records.jobs[`${key}#${t}`] = { job, task: t };
    else records.jobs[key] = { job };
    submitted.set(key, job);
    save();
    log(`attnlab reproduce: submitted ${key}${array ? ` [array ${array.join(',')}]` : ''} as job ${job}${deps.length ? ` (after ${deps.join(', ')})` : ''}`);
    return job;
  };

  const stages = stagesOf(plan);
  // Data first: the test arrays' sizes follow from the prepared test splits.
  const dataDeps: string[] = [];
  let newData = false;
  for (const s of stages) {
    if (s.kind !== 'data' || stageDone(plan, s)) continue;
    const id = stageId(s);
    const k = keep(id);
    if (k) dataDeps.push(k);
    else {
      dataDeps.push(submit(id, s, []));
      newData = true;
    }
  }
  if (dataDeps.length > 0) {
    if (newData || !keep('submit')) {
      const r = records.jobs.submit;
      if (r && isActive(stateOf(states, r))) cancel(refOf(r));
      submit('submit', 'submit', dataDeps);
    }
    save();
    return { submitted, kept };
  }

  const reportDeps: string[] = [];
  for (const s of stages) {
    if (s.kind !== 'train') continue;
    const id = stageId(s);
    let trainDep: string | null = null;
    let retrained = false;
    if (!stageDone(plan, s)) {
      trainDep = keep(id);
      if (trainDep === null) {
        trainDep = submit(id, s, []);
        retrained = true;
      }
    }
    // A uniform-attention baseline is trained only (plan.ts isTested); the report reads its accuracy.
    if (!isTested(stageModel(s))) {
      if (trainDep) reportDeps.push(trainDep);
      continue;
    }
    const test: Stage = { kind: 'test', data: s.data, arch: s.arch, model: stageModel(s) };
    if (stageDone(plan, test)) continue;
    const testId = stageId(test);
    const chunks = testChunks(plan, s.data) ?? [];
    const need: number[] = [];
    chunks.forEach((c, i) => {
      if (chunkDone(plan, s.data, stageModel(s).name, c)) return;
      // A task queued after a training that is submitted again waits on the old job, which failed: replace
      // it, whatever its reason says (Slurm marks it DependencyNeverSatisfied only some time after the
      // failure, and a task kept in that window would wait for ever).
      if (retrained) {
        drop(`${testId}#${i}`);
        need.push(i);
        return;
      }
      const k = keep(`${testId}#${i}`);
      if (k) reportDeps.push(k);
      else need.push(i);
    });
    if (need.length > 0) reportDeps.push(submit(testId, test, trainDep ? [trainDep] : [], need));
  }
  const report: Stage = { kind: 'report' };
  if (submitted.size === 0 && (stageDone(plan, report) || keep('report'))) {
    save();
    return { submitted, kept };
  }
  const old = records.jobs.report;
  if (old && isActive(stateOf(states, old))) cancel(refOf(old));
  submit('report', report, reportDeps);
  return { submitted, kept };
}

function cancel(ref: string): void {
  spawnSync('scancel', [ref], { encoding: 'utf8' });
}

const ATTNLAB_BIN = fileURLToPath(new URL('../../../bin/attnlab.js', import.meta.url));

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function sbatch(plan: GridPlan, opts: SubmitOptions, stage: Stage | 'submit', deps: string[], array?: number[]): string {
  const id = stage === 'submit' ? 'submit' : stageId(stage);
  const logName = id.replace(/\//g, '_');
  const attnlab = [process.execPath, ATTNLAB_BIN].map(sq).join(' ');
  const cmd =
    stage === 'submit'
      ? `exec ${attnlab} reproduce --continue --out ${sq(plan.out)} --executor slurm`
      : `exec ${attnlab} reproduce --out ${sq(plan.out)} --stage ${sq(id)}${array ? ' --chunk-index "$SLURM_ARRAY_TASK_ID"' : ''}`;
  const logs = resolve(plan.out, SLURM_DIR, 'logs');
  const args = [
    '--parsable',
    `--job-name=attnlab:${id}`,
    `--chdir=${process.cwd()}`,
    `--output=${join(logs, array ? `${logName}-%A_%a.out` : `${logName}-%j.out`)}`,
    ...(deps.length ? [`--dependency=afterok:${deps.join(':')}`] : []),
    ...(array ? [`--array=${array.join(',')}`] : []),
    ...opts.sbatch,
    `--wrap=${cmd}`,
  ];
  // sbatch does not create the log folder; a job whose output file cannot be opened fails silently.
  spawnSync('mkdir', ['-p', logs]);
  const r = spawnSync(opts.sbatchCommand ?? 'sbatch', args, { encoding: 'utf8' });
  if (r.error) throw new UserError(`attnlab reproduce --executor slurm: cannot run sbatch (${r.error.message}); run this on a Slurm login node, or use the local executor`);
  if (r.status !== 0) throw new UserError(`attnlab reproduce --executor slurm: sbatch refused ${id}: ${(r.stderr || r.stdout).trim()}`);
  const job = r.stdout.trim().split(';')[0]!;
  if (!/^\d+$/.test(job)) throw new UserError(`attnlab reproduce --executor slurm: sbatch printed '${r.stdout.trim()}' for ${id}, expected a job id`);
  return job;
}

/** Splits --sbatch "..." into words as a POSIX shell would (quotes and backslashes; no expansions). */
export function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new UserError(`--sbatch: unmatched ' in ${JSON.stringify(s)}`);
      cur += s.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`'.includes(s[j + 1]!)) j++;
        cur += s[j]!;
      }
      if (j >= s.length) throw new UserError(`--sbatch: unmatched " in ${JSON.stringify(s)}`);
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i]!;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}
