// PyTorch HAN/FLAN weights in: a state dict saved as safetensors (reference/export_state_dict.py shows how)
// plus a small JSON of sizes becomes an attnlab model folder (model.safetensors + model.json, exactly what
// `attnlab train` writes), evaluated on the data set whose vocabulary and labels the model uses.
//
// Parameter names are PyTorch's (reference/torch_models.py names its modules as attnlab does), e.g. for
// flan-rnn: embedding.weight, encoder.gru.{weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0}[_reverse],
// attention.proj.{weight, bias}, attention.context, classifier.{weight, bias}; HAN has word_encoder.*,
// word_attention.*, sentence_encoder.*, sentence_attention.* instead of encoder.* and attention.*.
// expectedTensors() lists them with their shapes for any sizes. Every missing, unexpected or mis-shaped
// tensor is named in one error; nothing is ever initialised silently.
import { z } from 'zod';
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { loadSafetensors } from '../nn/index.ts';
import { ARCHS, buildModel, type Arch, type ModelConfig } from '../models/index.ts';
import { UserError } from '../util/errors.ts';
import { readJsonFile } from '../util/file-schema.ts';
import { saveBestModel, type ModelMeta } from './checkpoint.ts';
import { modelConfigOf, type TrainConfig } from './config.ts';
import type { TrainingData } from './data.ts';
import { accuracy } from './evaluate.ts';
import { preset } from './presets.ts';
import { majorityShare } from './trainer.ts';

/** sizes.json: what attnlab needs to rebuild the PyTorch model. */
export interface ImportSizes {
  arch: Arch;
  /** Vocabulary size, padding id 0 included (the embedding's rows). */
  vocab: number;
  classes: number;
  /** Embedding width. */
  emb: number;
  /** GRU units per direction, or filters per convolution width (ignored by noenc, but required). */
  encoderSize: number;
}

const positiveInt = z.number().int().positive();
const SIZES = z.strictObject({
  arch: z.enum(ARCHS),
  vocab: positiveInt,
  classes: positiveInt,
  emb: positiveInt,
  encoderSize: positiveInt,
});

/** Reads and checks sizes.json; a bad file is one line naming the field and what was expected. */
export function readImportSizes(path: string): ImportSizes {
  return parseImportSizes(readJsonFile(path), path);
}

export function parseImportSizes(raw: unknown, source: string): ImportSizes {
  const r = SIZES.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? `'${issue.path.join('.')}'` : issue.code === 'unrecognized_keys' ? `key '${issue.keys.join("', '")}'` : 'the file';
  const expected =
    issue.code === 'unrecognized_keys'
      ? `is not a size (expected exactly arch, vocab, classes, emb, encoderSize)`
      : issue.path[0] === 'arch'
        ? `must be one of ${ARCHS.join(', ')}`
        : issue.path.length
          ? 'must be a positive integer'
          : 'must be a JSON object {arch, vocab, classes, emb, encoderSize}';
  throw new UserError(`${source}: ${field} ${expected}`);
}

// The training settings recorded for an imported model are the paper preset's (its dropouts are unused
// in eval mode) with the imported sizes.
function configs(sizes: ImportSizes, dataName: string): { config: TrainConfig; model: ModelConfig } {
  const config = { ...preset(dataName, sizes.arch, 'paper'), emb: sizes.emb, encoderSize: sizes.encoderSize };
  return { config, model: modelConfigOf(config, sizes.vocab, sizes.classes) };
}

/** The tensor names and shapes a PyTorch state dict of these sizes must have, in the model's order. */
export function expectedTensors(sizes: ImportSizes): Map<string, number[]> {
  return torch.scope(() => {
    const model = buildModel(configs(sizes, 'imported').model);
    try {
      return new Map([...model.namedParameters()].map(([k, p]) => [k, [...p.shape]]));
    } finally {
      model.dispose();
    }
  });
}

/** Refuses a state dict that does not fit, naming every missing, unexpected and mis-shaped tensor. */
export function checkStateDict(source: string, tensors: ReadonlyMap<string, Tensor>, expected: ReadonlyMap<string, number[]>): void {
  const missing = [...expected.keys()].filter((k) => !tensors.has(k));
  const unexpected = [...tensors.keys()].filter((k) => !expected.has(k));
  const misShaped: string[] = [];
  const notFloat: string[] = [];
  for (const [k, shape] of expected) {
    const t = tensors.get(k);
    if (!t) continue;
    if (t.shape.join() !== shape.join()) misShaped.push(`'${k}' is [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    if (t.dtype !== 'float32' && t.dtype !== 'float64') notFloat.push(`'${k}' is ${t.dtype}`);
  }
  const problems = [
    missing.length ? `missing ${missing.map((k) => `'${k}'`).join(', ')}` : '',
    unexpected.length ? `unexpected ${unexpected.map((k) => `'${k}'`).join(', ')}` : '',
    misShaped.length ? `wrong shape: ${misShaped.join('; ')}` : '',
    notFloat.length ? `not floating point: ${notFloat.join('; ')}` : '',
  ].filter(Boolean);
  if (problems.length === 0) return;
  // A model saved from inside nn.DataParallel has every name prefixed with 'module.'.
  const hint = unexpected.length && unexpected.every((k) => k.startsWith('module.'))
    ? " (every name starts with 'module.': save model.module.state_dict() instead)"
    : ' (the expected names are those of reference/torch_models.py; see reference/export_state_dict.py)';
  throw new UserError(`${source} does not fit a ${[...expected.keys()].length}-tensor model of these sizes: ${problems.join('; ')}${hint}`);
}

export interface ImportOptions {
  /** The PyTorch state dict (safetensors). */
  weights: string;
  sizes: ImportSizes;
  /** Where the sizes came from, for messages. */
  sizesSource: string;
  /** The data set the model's word ids and classes belong to (vocabulary, labels, dev/test for accuracy). */
  data: TrainingData;
  outDir: string;
}

export interface ImportResult {
  meta: ModelMeta;
  outDir: string;
}

/** Builds the attnlab model from the state dict, evaluates it on dev and test, and writes the model folder. */
export function importStateDict(opts: ImportOptions): ImportResult {
  const { sizes, data } = opts;
  if (sizes.vocab !== data.vocab.length) {
    throw new UserError(`${opts.sizesSource}: vocab is ${sizes.vocab}, but data '${data.name}' has ${data.vocab.length} words; the model's word ids must be the data set's`);
  }
  if (sizes.classes !== data.classes.length) {
    throw new UserError(`${opts.sizesSource}: classes is ${sizes.classes}, but data '${data.name}' has ${data.classes.length} labels (${data.classes.join(', ')})`);
  }
  const { config, model: mc } = configs(sizes, data.name);
  const { tensors } = loadSafetensors(opts.weights);
  const model = buildModel(mc);
  try {
    try {
      checkStateDict(opts.weights, tensors, new Map([...model.namedParameters()].map(([k, p]) => [k, [...p.shape]])));
      model.loadStateDict(tensors, opts.weights);
    } finally {
      for (const t of tensors.values()) t.dispose();
    }
    model.eval();
    const meta: ModelMeta = {
      format: 'attnlab-model',
      version: 1,
      arch: sizes.arch,
      model: mc,
      config,
      profile: 'imported',
      dataset: { name: data.name, hash: data.hash },
      vocabulary: [...data.vocab],
      labels: [...data.classes],
      epoch: 0,
      devAccuracy: accuracy(model, data.dev),
      testAccuracy: data.test.length ? accuracy(model, data.test) : null,
      testMajority: majorityShare(data.test, data.classes.length),
    };
    saveBestModel(opts.outDir, model, meta);
    return { meta, outDir: opts.outDir };
  } finally {
    model.dispose();
  }
}
