// Where each stage of a grid stands: done (the run folder says so), running / pending / failed (its Slurm
// job says so, from `scontrol show job`), or pending (never submitted, or a local run not yet there).
import { stageDone, chunkDone, testChunks } from './progress.ts';
import { stageId, stageModel, stagesOf, type GridPlan } from './plan.ts';
import { isActive, queryStates, readRecords, refOf, stateOf, type JobRecord, type JobState } from './slurm.ts';

export type StageState = 'done' | 'running' | 'failed' | 'pending';

export interface StageRow {
  stage: string;
  state: StageState;
  detail: string;
}

export function gridStatus(plan: GridPlan): StageRow[] {
  const records = readRecords(plan.out);
  const jobs = records?.jobs ?? {};
  const states = records ? queryStates(Object.values(jobs).map((r) => r.job)) : new Map<string, JobState>();
  const unit = (key: string, done: boolean): { state: StageState; detail: string } => {
    const r: JobRecord | undefined = jobs[key];
    if (done) return { state: 'done', detail: r ? `job ${refOf(r)}` : '' };
    if (!r) return { state: 'pending', detail: records ? 'not submitted' : '' };
    const s = stateOf(states, r);
    if (!s) return { state: 'failed', detail: `job ${refOf(r)} ended without finishing the stage` };
    if (s.state === 'PENDING' && !isActive(s)) return { state: 'failed', detail: `job ${refOf(r)} can never start: a job it depends on failed (resubmit)` };
    if (isActive(s)) return { state: s.state === 'PENDING' ? 'pending' : 'running', detail: `job ${refOf(r)} ${s.state}${s.state === 'PENDING' && s.reason !== 'None' ? ` (${s.reason})` : ''}` };
    return { state: 'failed', detail: `job ${refOf(r)} ${s.state}${s.reason && s.reason !== 'None' ? ` (${s.reason})` : ''}` };
  };

  const rows: StageRow[] = [];
  const dataLeft = plan.data.some((d) => !stageDone(plan, { kind: 'data', data: d }));
  for (const s of stagesOf(plan)) {
    const id = stageId(s);
    if (s.kind === 'test') {
      const chunks = testChunks(plan, s.data);
      if (stageDone(plan, s)) {
        rows.push({ stage: id, state: 'done', detail: chunks ? `${chunks.length}/${chunks.length} chunks` : '' });
        continue;
      }
      if (!chunks) {
        rows.push({ stage: id, state: 'pending', detail: 'waits for the data stage' });
        continue;
      }
      const per = chunks.map((c, i) => unit(`${id}#${i}`, chunkDone(plan, s.data, stageModel(s).name, c)));
      const count = (st: StageState): number => per.filter((p) => p.state === st).length;
      const state: StageState = count('failed') > 0 ? 'failed' : count('running') > 0 ? 'running' : 'pending';
      const parts = [`${count('done')}/${per.length} chunks done`];
      for (const st of ['running', 'pending', 'failed'] as const) if (count(st) > 0) parts.push(`${count(st)} ${st}`);
      const failed = per.find((p) => p.state === 'failed');
      if (failed) parts.push(failed.detail);
      // Every chunk done but the outputs not yet assembled: the report stage assembles them.
      if (count('done') === per.length) parts.push('outputs not written yet');
      rows.push({ stage: id, state, detail: parts.join(', ') });
      continue;
    }
    const submitJob = jobs.submit;
    if (s.kind === 'report' && submitJob && (dataLeft || isActive(stateOf(states, submitJob)))) {
      const u = unit('submit', false);
      rows.push({ stage: 'submit', state: u.state, detail: `${u.detail}; submits train, test and report when the data is ready` });
    }
    rows.push({ stage: id, ...unit(id, stageDone(plan, s)) });
  }
  return rows;
}

export function formatStatus(rows: readonly StageRow[]): string {
  const w = Math.max(5, ...rows.map((r) => r.stage.length));
  const lines = [`${'stage'.padEnd(w)}  ${'state'.padEnd(7)}  detail`];
  for (const r of rows) lines.push(`${r.stage.padEnd(w)}  ${r.state.padEnd(7)}  ${r.detail}`.trimEnd());
  const n = (st: StageState): number => rows.filter((r) => r.state === st).length;
  lines.push('', `${n('done')} done, ${n('running')} running, ${n('pending')} pending, ${n('failed')} failed`);
  return lines.join('\n');
}
