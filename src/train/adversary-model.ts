// `attnlab adversary` as a library call: adversarial training with λ (adversarial-train.ts) on one trained
// model folder, for several λ, written to <folder>/adversary.json atomically after every λ. Each adversary's
// word weights also go through the frozen-attention diagnostic (W&P's Table 4 "Adversary" row: the MLP of
// attention-diagnostic.ts pooling with them, over the BASE's frozen embedding table, so only the weights
// differ from diagnose.json's rows). A rerun with the same settings keeps the λ already done and trains only
// the others (`fresh` retrains all); files written before the diagnostic existed still read (runs without it).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import * as torch from '../torch/index.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { checkedAs, parseJson } from '../util/file-schema.ts';
import { ADVERSARY_DEFAULTS, ADVERSARY_INITS, baseTargets, trainAdversary, type AdversaryResult, type AdversarySettings } from './adversarial-train.ts';
import { DIAGNOSTIC_DEFAULTS, trainDiagnostic, trainedWordWeights, type DiagnosticSettings, type SplitWeights, type VariantResult } from './attention-diagnostic.ts';
import { diagnosticSettingsSchema, poolingResultSchema, sameDiagnosticSettings } from './diagnose-model.ts';
import { budgetOf } from './trainer.ts';
import { loadTrainedModel, type DataChoice, type TrainedModel } from './trained-model.ts';
import { completeConfig, trainedSplits } from './trained-splits.ts';

export const ADVERSARY_JSON = 'adversary.json';
/**
 * λ = 0: the check that the procedure keeps the base's predictions, and how far attention drifts unpushed;
 * λ = 0.1: one that moves it (W&P's Figure 3 spans 1e-3 … 10). From a copy of the base, λ = 1 pushed a demo
 * FLAN-rnn to TVD 0.63 and 33% accuracy: no longer "the same predictions" (docs/faithfulness.md §8).
 */
export const DEFAULT_LAMBDAS = [0, 0.1];

export interface AdversaryFile {
  format: 'attnlab-adversary';
  version: 1;
  arch: string;
  dataset: string;
  settings: AdversarySettings;
  trainDocuments: number;
  /** The base model's test accuracy on the same documents. */
  base: { testAccuracy: number; testCorrect: number; testDocuments: number };
  /** The MLP settings of every run's `diagnostic` (absent in files from before the diagnostic, and with --no-diagnostic). */
  diagnosticSettings?: DiagnosticSettings;
  /** By increasing λ, those finished so far. */
  runs: AdversaryRun[];
}

export interface AdversaryRun extends AdversaryResult {
  /** The frozen-attention diagnostic MLP pooling with this adversary's word weights (variant 'adversary'). */
  diagnostic?: VariantResult;
}

const num = z.number().nullable();
const comparison = z.looseObject({
  documents: z.number(),
  attentionDocuments: z.number(),
  meanJs: num,
  medianJs: num,
  meanKl: num,
  meanTvd: num,
  medianTvd: num,
  correct: z.number(),
  accuracy: num,
  js: z.array(z.number()),
  tvd: z.array(z.number()),
});
export const adversaryFileSchema = z.looseObject({
  format: z.literal('attnlab-adversary'),
  version: z.literal(1),
  arch: z.string(),
  dataset: z.string(),
  // `init` is absent in files written before it existed: those adversaries started from scratch.
  settings: z.looseObject({ epochs: z.number(), lr: z.number(), clip: z.number(), seed: z.number(), init: z.enum(ADVERSARY_INITS).optional() }),
  trainDocuments: z.number(),
  base: z.looseObject({ testAccuracy: num, testCorrect: z.number(), testDocuments: z.number() }),
  diagnosticSettings: diagnosticSettingsSchema.optional(),
  runs: z.array(
    z.looseObject({
      lambda: z.number(),
      bestEpoch: z.number(),
      history: z.array(z.looseObject({ epoch: z.number(), trainLoss: z.number(), trainTvd: z.number(), trainKl: z.number(), devLoss: z.number() })),
      test: comparison,
      seconds: z.number(),
      diagnostic: poolingResultSchema.optional(),
    }),
  ),
});

export function readAdversaryFile(dir: string): AdversaryFile | null {
  const path = join(dir, ADVERSARY_JSON);
  if (!existsSync(path)) return null;
  const way = 'run attnlab adversary again with --fresh';
  const f = checkedAs(adversaryFileSchema, parseJson(readFileSync(path, 'utf8'), path, way), path, way);
  return { ...f, settings: { ...f.settings, init: f.settings.init ?? 'scratch' } } as AdversaryFile;
}

export interface AdversaryOptions extends DataChoice {
  lambdas?: readonly number[];
  settings?: Partial<AdversarySettings>;
  /**
   * The diagnostic MLP for the weights of each adversary with λ > 0 (default DIAGNOSTIC_DEFAULTS, as `attnlab
   * diagnose`); false: none. λ = 0 gets none: nothing pushed its attention away, so its MLP repeats diagnose's
   * `trained` row at the cost of another MLP.
   */
  diagnostic?: Partial<DiagnosticSettings> | false;
  fresh?: boolean;
  /** The model and its data already loaded (the caller keeps and disposes the model); else read from dir. */
  loaded?: TrainedModel;
}

export async function adversaryModel(dir: string, opts: AdversaryOptions = {}): Promise<AdversaryFile> {
  const log = opts.log ?? (() => {});
  const settings: AdversarySettings = { ...ADVERSARY_DEFAULTS, ...opts.settings };
  const diag: DiagnosticSettings | null = opts.diagnostic === false ? null : { ...DIAGNOSTIC_DEFAULTS, ...opts.diagnostic };
  const lambdas = [...new Set(opts.lambdas ?? DEFAULT_LAMBDAS)].sort((a, b) => a - b);
  const old = opts.fresh ? null : readAdversaryFile(dir);
  const same = old !== null && (Object.keys(ADVERSARY_DEFAULTS) as (keyof AdversarySettings)[]).every((k) => old.settings[k] === settings[k]);
  if (old && !same && old.runs.length > 0) log(`${dir}: ${ADVERSARY_JSON} was made with other settings; training again`);
  // A run is kept when it has the diagnostic this call asks for (one from before the diagnostic is trained again).
  const diagSame = diag === null || (old?.diagnosticSettings !== undefined && sameDiagnosticSettings(old.diagnosticSettings, diag));
  const wantsDiagnostic = (lambda: number): boolean => diag !== null && lambda > 0;
  const kept = same ? old.runs.filter((r) => !wantsDiagnostic(r.lambda) || (diagSame && r.diagnostic !== undefined)) : [];
  if (same && kept.length < old.runs.length) log(`${dir}: ${ADVERSARY_JSON} lacks the diagnostic of the adversaries' weights (or has other MLP settings) for some λ; training those again`);
  if (lambdas.every((l) => kept.some((r) => r.lambda === l))) {
    log(`${dir}: ${ADVERSARY_JSON} already holds λ = ${lambdas.join(', ')}`);
    return old!;
  }
  const { model, meta, dataset } = opts.loaded ?? (await loadTrainedModel(dir, opts));
  const table = diag === null ? null : torch.keep(model.embedding.weight.detach().clone()); // (V, E): the base's, frozen
  try {
    const cfg = completeConfig(meta.config);
    const splits = trainedSplits(dataset, cfg);
    const target = baseTargets(model, splits);
    let baseCorrect = 0;
    splits.test.forEach((d, i) => {
      const p = target.test.probs[i]!;
      let am = 0;
      for (let c = 1; c < p.length; c++) if (p[c]! > p[am]!) am = c;
      if (am === d.label) baseCorrect++;
    });
    const file: AdversaryFile = {
      format: 'attnlab-adversary',
      version: 1,
      arch: meta.arch,
      dataset: meta.dataset.name,
      settings,
      trainDocuments: splits.train.length,
      base: { testAccuracy: splits.test.length ? baseCorrect / splits.test.length : NaN, testCorrect: baseCorrect, testDocuments: splits.test.length },
      ...(diag ? { diagnosticSettings: diag } : old?.diagnosticSettings && same ? { diagnosticSettings: old.diagnosticSettings } : {}),
      runs: [...kept],
    };
    for (const lambda of lambdas) {
      if (file.runs.some((r) => r.lambda === lambda)) continue;
      const words: { weights: SplitWeights | null } = { weights: null };
      const inspect = table === null || !wantsDiagnostic(lambda) ? undefined : (adv: Parameters<typeof trainedWordWeights>[0]) => {
        words.weights = { train: trainedWordWeights(adv, splits.train), dev: trainedWordWeights(adv, splits.dev), test: trainedWordWeights(adv, splits.test) };
      };
      const r: AdversaryRun = trainAdversary(model, splits, lambda, settings, { batchSize: cfg.batchSize, budget: budgetOf(cfg), log, target, inspect });
      if (table !== null && diag !== null && wantsDiagnostic(lambda)) {
        r.diagnostic = trainDiagnostic('adversary', table, meta.labels.length, splits, words.weights, diag, log);
      }
      file.runs = [...file.runs, r].sort((a, b) => a.lambda - b.lambda);
      writeJsonAtomic(join(dir, ADVERSARY_JSON), file);
      const t = r.test;
      const d = r.diagnostic ? `, its weights in the diagnostic MLP ${(100 * r.diagnostic.testAccuracy).toFixed(1)}%` : '';
      log(`${dir}: adversary λ=${lambda}: mean JS ${t.meanJs.toFixed(4)}, mean TVD ${t.meanTvd.toFixed(4)}, test ${(100 * t.accuracy).toFixed(1)}% (base ${(100 * file.base.testAccuracy).toFixed(1)}%)${d}, ${r.seconds.toFixed(1)} s${r.diagnostic ? ` + ${r.diagnostic.seconds.toFixed(1)} s` : ''}`);
    }
    return file;
  } finally {
    table?.dispose();
    if (!opts.loaded) model.dispose();
  }
}
