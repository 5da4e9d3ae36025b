// One stage of the grid, by library calls: prepare a data set (and its word vectors), train one model,
// erasure-test one model (all chunks, or one chunk for a Slurm array task), write the report. Each stage
// resumes the way its library does: a finished training is not repeated, finished chunks are not redone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../util/errors.ts';
import type { TrainingData } from '../../train/index.ts';
import type { TestRunOptions, TestRunResult } from '../../erasure/test-run.ts';
import { erasureDir, gridTestNames, hfFolderOf, isTested, modelDir, modelsOf, reportDir, stageModel, testedModels, type GridData, type GridModel, type GridPlan, type Stage } from './plan.ts';
import { testChunks, testDone, writeDataMarker } from './progress.ts';
import { diagnosticsStage } from './stages-diagnostics.ts';

export interface StageContext {
  log: (line: string) => void;
  /** The resolved device ('cpu', 'cuda', 'cuda:N') for training and the erasure pass. */
  device: string;
  /** Loaded training data by source, so that one process running many stages reads each data set once. */
  loaded?: Map<string, TrainingData>;
}

/** Runs `stage`; for a test stage, `chunk` limits it to that one erasure chunk (0-based). */
export async function runStage(plan: GridPlan, stage: Stage, ctx: StageContext, chunk?: number): Promise<void> {
  switch (stage.kind) {
    case 'data': {
      const data = await trainingData(plan, stage.data, ctx);
      writeDataMarker(plan, stage.data, { source: stage.data.source, hash: data.hash, testDocs: data.test.length });
      ctx.log(`${stage.data.name}: ${data.train.length} training, ${data.dev.length} dev, ${data.test.length} test documents`);
      return;
    }
    case 'train':
      return trainStage(plan, stage.data, stageModel(stage), ctx);
    case 'test':
      return testStage(plan, stage.data, stageModel(stage), ctx, chunk);
    case 'report':
      return reportStage(plan, ctx);
  }
}

async function trainingData(plan: GridPlan, d: GridData, ctx: StageContext): Promise<TrainingData> {
  const cached = ctx.loaded?.get(d.source);
  if (cached) return cached;
  const { loadTrainingData } = await import('../../train/dataset.ts');
  const data = await loadTrainingData(d.source, { ...plan.prepare, vectors: plan.vectors, log: ctx.log });
  ctx.loaded?.set(d.source, data);
  return data;
}

async function trainStage(plan: GridPlan, d: GridData, m: GridModel, ctx: StageContext): Promise<void> {
  const folder = hfFolderOf(plan, m.name);
  if (folder !== undefined) return ctx.log(`${d.name} ${m.name}: a Hugging Face folder (${folder}), tested as it is; not trained`);
  const { mergeConfig, preset, train } = await import('../../train/index.ts');
  const { isArch } = await import('../../models/index.ts');
  const { isTransformerArch } = await import('../../models/registry.ts');
  const arch = m.arch;
  if (isTransformerArch(arch)) {
    const { trainTransformer, transformerPreset } = await import('../../train/transformer-train.ts');
    const data = await trainingData(plan, d, ctx);
    const preset0 = transformerPreset(arch, plan.profile);
    const config = m.seed === preset0.seed ? preset0 : { ...preset0, seed: m.seed, sampleSeed: preset0.seed };
    const r = trainTransformer({ data, config, outDir: modelDir(plan, d, m.name), profile: plan.profile, device: ctx.device });
    const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);
    return ctx.log(`${d.name} ${m.name}: best dev ${pct(r.devAccuracy)} (epoch ${r.bestEpoch}), test ${pct(r.testAccuracy)}`);
  }
  if (!isArch(arch)) throw new UserError(`attnlab reproduce: unknown architecture '${arch}' in the grid`);
  const data = await trainingData(plan, d, ctx);
  // The embedding width follows the word vectors (GloVe is 100-d), as attnlab train sets it.
  const base = { ...preset(data.name, arch, plan.profile as Parameters<typeof preset>[2]), ...(data.vectors ? { emb: data.vectorDim } : {}) };
  // Another seed changes initialisation, dropout and batch order only: its training documents are the
  // first seed's sample (sampleSeed), so the seeds of a model differ by chance alone (Wiegreffe & Pinter 2019).
  const values = { arch, attentionKind: m.attention, ...(m.seed !== base.seed ? { seed: m.seed, sampleSeed: base.seed } : {}) };
  const config = mergeConfig(base, { source: 'attnlab reproduce', values });
  const r = train({ data, config, outDir: modelDir(plan, d, m.name), profile: plan.profile, device: ctx.device });
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  ctx.log(`${d.name} ${m.name}: best dev ${pct(r.devAccuracy)} (epoch ${r.bestEpoch}), test ${r.testAccuracy === null ? '-' : pct(r.testAccuracy)}`);
}

async function testStage(plan: GridPlan, d: GridData, m: GridModel, ctx: StageContext, chunk?: number): Promise<void> {
  const { loadTrainOutput } = await import('../commands/test.ts');
  const { runTest } = await import('../../erasure/test-run.ts');
  let range: [number, number] | undefined;
  if (chunk !== undefined) {
    const chunks = testChunks(plan, d);
    if (!chunks) throw new UserError(`attnlab reproduce: test chunk ${chunk} of ${d.name} ${m.name}: the data stage has not finished (no ${join(plan.out, d.name, 'data.json')})`);
    // An array task past the last chunk (the data has fewer documents than planned) has nothing to do.
    const c = chunks[chunk];
    if (!c) return ctx.log(`${d.name} ${m.name}: chunk ${chunk} is past the last of ${chunks.length} chunks; nothing to do`);
    range = c;
  }
  const folder = hfFolderOf(plan, m.name);
  const checkpoint = folder ?? modelDir(plan, d, m.name);
  const { isTransformerArch } = await import('../../models/registry.ts');
  if (folder !== undefined || isTransformerArch(m.arch)) return transformerTestStage(plan, d, m.name, ctx, checkpoint, range);
  const source = await loadTrainOutput(checkpoint, 'test', d.source, plan.prepare ?? {});
  try {
    source.model.to(ctx.device);
    const r = runTest(source, testRunOptions(plan, d, m.name, ctx, checkpoint, range, plan.maxDocs ?? undefined));
    logOutputs(d, m.name, ctx, r);
  } finally {
    source.model.dispose();
  }
}

// The transformer battery costs 0.17 s (brown-genre5) to 0.74 s (sotu-era5, 256 tokens) a document on one
// core, so the demo tests fewer documents on bert-small than on HAN/FLAN.
export const DEMO_TRANSFORMER_TEST_DOCS = 60;

async function transformerTestStage(plan: GridPlan, d: GridData, model: string, ctx: StageContext, checkpoint: string, range: [number, number] | undefined): Promise<void> {
  const { transformerTestSource, runTransformerTest } = await import('../../erasure/transformer-test-run.ts');
  const { loadDataset } = await import('../../data/dataset.ts');
  const ds = await loadDataset(d.source, { ...plan.prepare, log: ctx.log });
  const source = transformerTestSource(checkpoint, ds, 'test');
  const maxDocs = plan.profile === 'demo' ? Math.min(plan.maxDocs ?? Infinity, DEMO_TRANSFORMER_TEST_DOCS) : (plan.maxDocs ?? undefined);
  try {
    if (ctx.device !== 'cpu') source.model.to(ctx.device);
    const r = runTransformerTest(source, testRunOptions(plan, d, model, ctx, checkpoint, range, maxDocs));
    logOutputs(d, model, ctx, r);
  } finally {
    source.model.dispose();
  }
}

/** The erasure run's options for one model of the grid (HAN/FLAN and transformer runs alike). */
function testRunOptions(plan: GridPlan, d: GridData, model: string, ctx: StageContext, checkpoint: string, range: [number, number] | undefined, maxDocs: number | undefined): TestRunOptions {
  return {
    outDir: erasureDir(plan, d, model),
    seed: plan.seed,
    maxDocs,
    chunkSize: plan.chunkSize,
    range,
    batchSize: 64,
    bootstrapResamples: 1000,
    run: { checkpoint, split: 'test', tests: gridTestNames(plan).join(',') },
    tests: gridTestNames(plan),
    // A chunk is a Slurm array task, and the tasks of one model's array run at the same time by design: each
    // waits for the run folder's lock instead of failing on it ("in use by another run"), which made a task
    // fail whenever two of them overlapped and, after a resubmission that had kept it running, left the
    // report waiting for ever (test/cli/slurm.test.ts).
    waitSeconds: range !== undefined ? Infinity : 0,
    log: ctx.log,
  };
}

function logOutputs(d: GridData, model: string, ctx: StageContext, r: TestRunResult): void {
  if (r.outputs) ctx.log(`${d.name} ${model}: ${r.documents} documents; wrote ${Object.values(r.outputs).join(', ')}`);
}

async function reportStage(plan: GridPlan, ctx: StageContext): Promise<void> {
  const runs: string[] = [];
  for (const d of plan.data) {
    for (const m of testedModels(plan)) {
      // Array tasks each write their chunk; the one that finishes last writes the run's outputs. Where that
      // did not happen (a shared file system that showed a task a stale listing), assemble them here.
      if (!testDone(plan, d, m.name)) await testStage(plan, d, m, ctx);
      runs.push(erasureDir(plan, d, m.name));
    }
  }
  // Uniform-attention baselines are trained only: the report reads their accuracy from the model folder.
  const trainedOnly = plan.data.flatMap((d) => plan.archs.flatMap((a) => modelsOf(plan, a)).filter((m) => !isTested(m)).map((m) => modelDir(plan, d, m.name)));
  await diagnosticsStage(plan, ctx); // suite full only
  const { writeReport } = await import('../../report/write-report.ts');
  const { msg } = await import('../../report/messages.ts');
  const files = await writeReport(runs, reportDir(plan), { resamples: 1000, seed: plan.seed, png: true, trainedOnly });
  if (!existsSync(files.html)) throw new UserError(`attnlab reproduce: the report stage finished without writing ${files.html}`);
  ctx.log(msg.wrote(files.html));
}
