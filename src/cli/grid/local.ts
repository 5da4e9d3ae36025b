// The local executor (the default): every stage in order in this process. Stages already finished in the
// run folder are skipped; the others resume inside their library (training from its last epoch, the
// erasure tests from their last chunk), so running again after a stop continues where it stopped. The
// report is always rebuilt (seconds).
import { join } from 'node:path';
import type { TrainingData } from '../../train/index.ts';
import { reportDir, stageId, stagesOf, writePlan, type GridPlan } from './plan.ts';
import { stageDone } from './progress.ts';
import { runStage } from './stages.ts';

export async function runLocal(plan: GridPlan, device: string, log: (line: string) => void = (l) => console.error(l)): Promise<string> {
  writePlan(plan);
  const started = Date.now();
  const stages = stagesOf(plan);
  const loaded = new Map<string, TrainingData>();
  for (const [i, stage] of stages.entries()) {
    const id = stageId(stage);
    if (stage.kind === 'data') loaded.clear(); // one data set's documents in memory at a time
    if (stage.kind !== 'report' && stage.kind !== 'data' && stageDone(plan, stage)) {
      log(`attnlab reproduce [${i + 1}/${stages.length}, ${minutes(started)}] ${id}: done before, skipped`);
      continue;
    }
    log(`\nattnlab reproduce [${i + 1}/${stages.length}, ${minutes(started)}] ${id}`);
    await runStage(plan, stage, { log, device, loaded });
  }
  const html = join(reportDir(plan), 'report.html');
  log(`\nattnlab reproduce: done in ${minutes(started)}; open ${html}`);
  return html;
}

export function minutes(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
