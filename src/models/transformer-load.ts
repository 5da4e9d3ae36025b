// from_pretrained for attnlab: a Hugging Face model folder (config.json + model.safetensors + a tokenizer)
// becomes one of our transformer classifiers, every weight matched by its Hugging Face name. A weight that is
// missing, unexpected or of the wrong shape is an error naming it: never silently initialised or dropped.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors } from '../nn/index.ts';
import { noGrad, scope, type Tensor } from '../torch/index.ts';
import { UserError } from '../util/errors.ts';
import { BertForSequenceClassification } from './bert.ts';
import { DistilBertForSequenceClassification } from './distilbert.ts';
import { RobertaForSequenceClassification } from './roberta.ts';
import { readTransformerConfig, type TransformerConfig } from './transformer-config.ts';
import type { TransformerClassifier } from './transformer-model.ts';

/** Tokenizer files we accept, in order of preference. */
export const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt'] as const;

export interface HfFolder {
  dir: string;
  config: string;
  weights: string;
  /** tokenizer.json, or vocab.txt when there is no tokenizer.json. */
  tokenizer: string;
}

/** True when dir looks like a Hugging Face model folder (config.json and model.safetensors). */
export function isHfFolder(dir: string): boolean {
  return existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'model.safetensors'));
}

/** The files of a Hugging Face folder; a UserError naming the first one that is missing. */
export function hfFolderFiles(dir: string): HfFolder {
  const config = join(dir, 'config.json');
  const weights = join(dir, 'model.safetensors');
  if (!existsSync(config)) throw new UserError(`${dir}: no config.json; a Hugging Face model folder needs config.json, model.safetensors and tokenizer.json`);
  if (!existsSync(weights)) {
    const bin = existsSync(join(dir, 'pytorch_model.bin')) ? ' (pytorch_model.bin is a pickle; save the model with save_pretrained(safe_serialization=True))' : '';
    throw new UserError(`${dir}: no model.safetensors${bin}`);
  }
  const tokenizer = TOKENIZER_FILES.map((f) => join(dir, f)).find((p) => existsSync(p));
  if (tokenizer === undefined) {
    throw new UserError(`${dir}: no tokenizer (expected ${TOKENIZER_FILES.join(' or ')}); save it beside the model with tokenizer.save_pretrained(folder)`);
  }
  return { dir, config, weights, tokenizer };
}

/** A fresh (randomly initialised) classifier of the config's family. */
export function buildTransformer(config: TransformerConfig): TransformerClassifier {
  switch (config.family) {
    case 'bert':
      return new BertForSequenceClassification(config);
    case 'distilbert':
      return new DistilBertForSequenceClassification(config);
    case 'roberta':
      return new RobertaForSequenceClassification(config);
  }
}

/** Buffers some checkpoints carry beside the weights; they hold nothing we need (positions are computed). */
const IGNORED = /(^|\.)embeddings\.(position_ids|token_type_ids)$/;

/** How many names a message lists before it says "and N more". */
const LISTED = 8;

/** Loads config.json and model.safetensors of a Hugging Face folder; the model comes back in eval mode. */
export function loadTransformer(dir: string, opts: { device?: string } = {}): TransformerClassifier {
  const files = hfFolderFiles(dir);
  const config = readTransformerConfig(dir);
  const model = buildTransformer(config);
  try {
    scope(() => {
      let tensors: Map<string, Tensor>;
      try {
        tensors = loadSafetensors(files.weights).tensors;
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      loadWeights(model, tensors, files.weights);
    });
  } catch (err) {
    model.dispose();
    throw err;
  }
  if (opts.device && opts.device !== 'cpu') model.to(opts.device);
  return model.eval();
}

/** Copies tensors into the model by Hugging Face name, after checking that the two sets match exactly. */
export function loadWeights(model: TransformerClassifier, tensors: Map<string, Tensor>, source: string): void {
  const mine = model.namedParameters();
  const names = [...tensors.keys()].filter((k) => !IGNORED.test(k));
  const missing = [...mine.keys()].filter((k) => !tensors.has(k));
  const unexpected = names.filter((k) => !mine.has(k));
  const misShaped = [...mine]
    .filter(([k, p]) => tensors.has(k) && tensors.get(k)!.shape.join() !== p.shape.join())
    .map(([k, p]) => `${k} is [${tensors.get(k)!.shape.join(', ')}], expected [${p.shape.join(', ')}]`);
  const problems = [
    missing.length ? `missing ${listed(missing)}` : '',
    unexpected.length ? `unexpected ${listed(unexpected)}` : '',
    misShaped.length ? `wrong shape: ${listed(misShaped)}` : '',
  ].filter(Boolean);
  if (problems.length) {
    throw new UserError(
      `${source}: the weights do not match a ${model.config.architecture} built from config.json: ${problems.join('; ')}`,
    );
  }
  noGrad(() => {
    for (const [k, p] of mine) {
      const src = tensors.get(k)!;
      p.copy_(src.dtype === p.dtype ? src : src.to(p.dtype));
    }
  });
}

function listed(names: string[]): string {
  const head = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${head} and ${names.length - LISTED} more` : head;
}
