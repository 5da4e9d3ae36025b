// `attnlab diagnose` as a library call: the frozen-attention diagnostic (attention-diagnostic.ts) on one
// trained model folder, written to <folder>/diagnose.json atomically after every variant. A rerun with the
// same settings reads the finished variants back and trains only the missing ones (`fresh` retrains all).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import * as torch from '../torch/index.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { checkedAs, parseJson } from '../util/file-schema.ts';
import { DIAGNOSTIC_DEFAULTS, DIAGNOSTIC_VARIANTS, POOLING_VARIANTS, trainDiagnostic, trainedWordWeights, type DiagnosticSettings, type DiagnosticVariant, type SplitWeights, type VariantResult } from './attention-diagnostic.ts';
import { accuracy } from './evaluate.ts';
import { loadTrainedModel, type DataChoice, type TrainedModel } from './trained-model.ts';
import { trainedSplits } from './trained-splits.ts';

export const DIAGNOSE_JSON = 'diagnose.json';

export interface DiagnoseFile {
  format: 'attnlab-diagnose';
  version: 1;
  arch: string;
  dataset: string;
  labels: string[];
  settings: DiagnosticSettings;
  trainDocuments: number;
  /** The trained model itself on the same test documents. */
  base: { testAccuracy: number; testCorrect: number; testDocuments: number };
  /** In DIAGNOSTIC_VARIANTS order, those finished so far. */
  variants: VariantResult[];
}

const variantSchemaOf = <const T extends readonly [string, ...string[]]>(names: T) =>
  z.looseObject({
    variant: z.enum(names),
    bestEpoch: z.number(),
    devAccuracy: z.number(),
    testAccuracy: z.number().nullable(),
    testCorrect: z.number(),
    testDocuments: z.number(),
    history: z.array(z.looseObject({ epoch: z.number(), trainLoss: z.number(), devAccuracy: z.number() })),
    seconds: z.number(),
  });
const variantSchema = variantSchemaOf(DIAGNOSTIC_VARIANTS);
/** One MLP's result, any pooling (adversary.json keeps its runs' `adversary` MLPs in this form). */
export const poolingResultSchema = variantSchemaOf(POOLING_VARIANTS);
export const diagnosticSettingsSchema = z.looseObject({ hidden: z.number(), epochs: z.number(), lr: z.number(), weightDecay: z.number(), batchSize: z.number(), clip: z.number(), seed: z.number() });
export const diagnoseFileSchema = z.looseObject({
  format: z.literal('attnlab-diagnose'),
  version: z.literal(1),
  arch: z.string(),
  dataset: z.string(),
  labels: z.array(z.string()),
  settings: diagnosticSettingsSchema,
  trainDocuments: z.number(),
  base: z.looseObject({ testAccuracy: z.number().nullable(), testCorrect: z.number(), testDocuments: z.number() }),
  variants: z.array(variantSchema),
});

/** <dir>/diagnose.json checked, or null when there is none. */
export function readDiagnoseFile(dir: string): DiagnoseFile | null {
  const path = join(dir, DIAGNOSE_JSON);
  if (!existsSync(path)) return null;
  const way = 'run attnlab diagnose again with --fresh';
  return checkedAs(diagnoseFileSchema, parseJson(readFileSync(path, 'utf8'), path, way), path, way) as DiagnoseFile;
}

export interface DiagnoseOptions extends DataChoice {
  settings?: Partial<DiagnosticSettings>;
  variants?: readonly DiagnosticVariant[];
  fresh?: boolean;
  /** The model and its data already loaded (the caller keeps and disposes the model); else read from dir. */
  loaded?: TrainedModel;
}

export const sameDiagnosticSettings = (a: DiagnosticSettings, b: DiagnosticSettings): boolean =>
  (Object.keys(DIAGNOSTIC_DEFAULTS) as (keyof DiagnosticSettings)[]).every((k) => a[k] === b[k]);

export async function diagnoseModel(dir: string, opts: DiagnoseOptions = {}): Promise<DiagnoseFile> {
  const log = opts.log ?? (() => {});
  const settings: DiagnosticSettings = { ...DIAGNOSTIC_DEFAULTS, ...opts.settings };
  const wanted = opts.variants ?? DIAGNOSTIC_VARIANTS;
  const old = opts.fresh ? null : readDiagnoseFile(dir);
  const kept = old && sameDiagnosticSettings(old.settings, settings) ? old.variants : [];
  if (old && kept.length === 0 && old.variants.length > 0) log(`${dir}: ${DIAGNOSE_JSON} was made with other settings; training again`);
  if (wanted.every((v) => kept.some((r) => r.variant === v))) {
    log(`${dir}: ${DIAGNOSE_JSON} already holds ${wanted.join(', ')}`);
    return old!;
  }
  const { model, meta, dataset } = opts.loaded ?? (await loadTrainedModel(dir, opts));
  try {
    const splits = trainedSplits(dataset, meta.config);
    const baseCorrect = Math.round(accuracy(model, splits.test) * splits.test.length);
    const file: DiagnoseFile = {
      format: 'attnlab-diagnose',
      version: 1,
      arch: meta.arch,
      dataset: meta.dataset.name,
      labels: meta.labels,
      settings,
      trainDocuments: splits.train.length,
      base: { testAccuracy: splits.test.length ? baseCorrect / splits.test.length : NaN, testCorrect: baseCorrect, testDocuments: splits.test.length },
      variants: [...kept],
    };
    const table = torch.keep(model.embedding.weight.detach().clone()); // (V, E), frozen
    try {
      let weights: SplitWeights | null = null;
      for (const variant of DIAGNOSTIC_VARIANTS) {
        if (!wanted.includes(variant) || file.variants.some((r) => r.variant === variant)) continue;
        if (variant === 'trained') {
          weights ??= { train: trainedWordWeights(model, splits.train), dev: trainedWordWeights(model, splits.dev), test: trainedWordWeights(model, splits.test) };
        }
        const r = trainDiagnostic(variant, table, meta.labels.length, splits, weights, settings, log);
        file.variants = DIAGNOSTIC_VARIANTS.flatMap((v) => (v === variant ? [r] : file.variants.filter((x) => x.variant === v)));
        writeJsonAtomic(join(dir, DIAGNOSE_JSON), file);
        log(`${dir}: diagnose ${variant}: test ${(100 * r.testAccuracy).toFixed(1)}% (${r.testCorrect}/${r.testDocuments}), ${r.seconds.toFixed(1)} s`);
      }
    } finally {
      table.dispose();
    }
    return file;
  } finally {
    if (!opts.loaded) model.dispose();
  }
}
