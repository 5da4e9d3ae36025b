// The Wiegreffe & Pinter analyses in `reproduce --suite full` (docs/faithfulness.md): the frozen-attention
// diagnostic and adversarial training with λ, on each data set's first model of every HAN/FLAN architecture
// (softmax, the first training seed: the models the paper's tests are about; the other seeds and attention
// kinds would multiply the cost). They run before the report, which reads their diagnose.json and
// adversary.json; both resume from those files, so a rerun of the report stage redoes nothing finished.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gridModel, modelDir, suiteOf, type GridPlan } from './plan.ts';
import type { StageContext } from './stages.ts';

export async function diagnosticsStage(plan: GridPlan, ctx: StageContext): Promise<void> {
  if (suiteOf(plan) !== 'full') return;
  const { isArch } = await import('../../models/index.ts');
  const { diagnoseModel } = await import('../../train/diagnose-model.ts');
  const { adversaryModel } = await import('../../train/adversary-model.ts');
  for (const d of plan.data) {
    for (const arch of plan.archs) {
      if (!isArch(arch)) continue; // transformers: no word-level attention layer to freeze or to push away
      const dir = modelDir(plan, d, gridModel(arch).name);
      if (!existsSync(join(dir, 'model.json'))) {
        ctx.log(`${d.name} ${arch}: no trained model in ${dir}; the Wiegreffe & Pinter analyses skip it`);
        continue;
      }
      const choice = { data: d.source, options: plan.prepare ?? {}, log: ctx.log };
      const started = Date.now();
      await diagnoseModel(dir, choice);
      const mid = Date.now();
      await adversaryModel(dir, choice);
      ctx.log(`${d.name} ${arch}: diagnose ${((mid - started) / 1000).toFixed(0)} s, adversary ${((Date.now() - mid) / 1000).toFixed(0)} s`);
    }
  }
}
