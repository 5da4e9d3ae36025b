// A Hugging Face folder's config.json, read into one config shared by the three encoder families.
// BERT and RoBERTa name their sizes hidden_size / num_hidden_layers / ...; DistilBERT names them dim /
// n_layers / ...: both spellings end up in TransformerConfig. Anything we cannot run exactly (another
// architecture, an approximate GELU, sinusoidal positions, relative position embeddings) is refused with
// one line naming the field, never approximated.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.ts';

export const TRANSFORMER_FAMILIES = ['bert', 'distilbert', 'roberta'] as const;
export type TransformerFamily = (typeof TRANSFORMER_FAMILIES)[number];

/** The sequence-classifier class each family's config.json names in "architectures". */
export const CLASSIFIER_ARCHITECTURES: Record<TransformerFamily, string> = {
  bert: 'BertForSequenceClassification',
  distilbert: 'DistilBertForSequenceClassification',
  roberta: 'RobertaForSequenceClassification',
};

export interface TransformerConfig {
  family: TransformerFamily;
  /** e.g. BertForSequenceClassification. */
  architecture: string;
  vocabSize: number;
  /** d: the width of every hidden state. */
  hidden: number;
  layers: number;
  heads: number;
  /** Width of the feed-forward block. */
  intermediate: number;
  maxPositions: number;
  /** Token type (segment) vocabulary; 0 for DistilBERT, which has no token types. */
  typeVocabSize: number;
  layerNormEps: number;
  padTokenId: number;
  /** 'gelu' is the exact erf GELU, as in Hugging Face's ACT2FN["gelu"]. */
  activation: 'gelu' | 'relu';
  /** Class names, index = class id (from id2label). */
  labels: string[];
  dropout: { hidden: number; attention: number; classifier: number };
}

const common = {
  architectures: z.array(z.string()).optional(),
  model_type: z.string(),
  vocab_size: z.number().int().positive(),
  max_position_embeddings: z.number().int().positive(),
  pad_token_id: z.number().int().nonnegative().optional(),
  id2label: z.record(z.string(), z.string()).optional(),
  num_labels: z.number().int().positive().optional(),
};

const bertSchema = z.object({
  ...common,
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  hidden_act: z.string().default('gelu'),
  type_vocab_size: z.number().int().nonnegative().default(2),
  layer_norm_eps: z.number().positive().default(1e-12),
  position_embedding_type: z.string().default('absolute'),
  hidden_dropout_prob: z.number().min(0).max(1).default(0.1),
  attention_probs_dropout_prob: z.number().min(0).max(1).default(0.1),
  classifier_dropout: z.number().min(0).max(1).nullable().default(null),
});

const distilSchema = z.object({
  ...common,
  dim: z.number().int().positive(),
  n_layers: z.number().int().positive(),
  n_heads: z.number().int().positive(),
  hidden_dim: z.number().int().positive(),
  activation: z.string().default('gelu'),
  sinusoidal_pos_embds: z.boolean().default(false),
  dropout: z.number().min(0).max(1).default(0.1),
  attention_dropout: z.number().min(0).max(1).default(0.1),
  seq_classif_dropout: z.number().min(0).max(1).default(0.2),
});

/** Reads and checks `<dir>/config.json`. Every refusal is a UserError naming the file and the field. */
export function readTransformerConfig(dir: string): TransformerConfig {
  const path = join(dir, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not valid JSON';
    throw new UserError(`${path}: ${why}; a Hugging Face model folder needs its config.json`);
  }
  return parseTransformerConfig(raw, path);
}

export function parseTransformerConfig(raw: unknown, path = 'config.json'): TransformerConfig {
  if (typeof raw !== 'object' || raw === null) throw new UserError(`${path}: expected a JSON object`);
  const type = (raw as { model_type?: unknown }).model_type;
  if (typeof type !== 'string' || !(TRANSFORMER_FAMILIES as readonly string[]).includes(type)) {
    throw new UserError(
      `${path}: model_type ${JSON.stringify(type)} is not supported; attnlab runs ${TRANSFORMER_FAMILIES.join(', ')} ` +
        `sequence classifiers (${Object.values(CLASSIFIER_ARCHITECTURES).join(', ')})`,
    );
  }
  const family = type as TransformerFamily;
  const expected = CLASSIFIER_ARCHITECTURES[family];
  const archs = (raw as { architectures?: unknown }).architectures;
  if (Array.isArray(archs) && !(archs.length === 1 && archs[0] === expected)) {
    throw new UserError(
      `${path}: architectures ${JSON.stringify(archs)} is not supported; a ${family} folder must hold a ${expected} ` +
        `(the erasure tests need a sequence classifier)`,
    );
  }
  const checked = (family === 'distilbert' ? distilSchema : bertSchema).safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new UserError(`${path}: field ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const c = checked.data;
  const labels = labelsOf(c.id2label, c.num_labels, path);
  if ('dim' in c) {
    if (c.sinusoidal_pos_embds) throw new UserError(`${path}: sinusoidal_pos_embds is true; attnlab runs learned position embeddings only`);
    return {
      family,
      architecture: expected,
      vocabSize: c.vocab_size,
      hidden: c.dim,
      layers: c.n_layers,
      heads: c.n_heads,
      intermediate: c.hidden_dim,
      maxPositions: c.max_position_embeddings,
      typeVocabSize: 0,
      // DistilBERT's LayerNorms are built with eps=1e-12 whatever the config says.
      layerNormEps: 1e-12,
      padTokenId: c.pad_token_id ?? 0,
      activation: activationOf(c.activation, 'activation', path),
      labels,
      dropout: { hidden: c.dropout, attention: c.attention_dropout, classifier: c.seq_classif_dropout },
    };
  }
  if (c.position_embedding_type !== 'absolute') {
    throw new UserError(`${path}: position_embedding_type "${c.position_embedding_type}" is not supported (only "absolute")`);
  }
  return {
    family,
    architecture: expected,
    vocabSize: c.vocab_size,
    hidden: c.hidden_size,
    layers: c.num_hidden_layers,
    heads: c.num_attention_heads,
    intermediate: c.intermediate_size,
    maxPositions: c.max_position_embeddings,
    typeVocabSize: c.type_vocab_size,
    layerNormEps: c.layer_norm_eps,
    padTokenId: c.pad_token_id ?? (family === 'roberta' ? 1 : 0),
    activation: activationOf(c.hidden_act, 'hidden_act', path),
    labels,
    dropout: {
      hidden: c.hidden_dropout_prob,
      attention: c.attention_probs_dropout_prob,
      classifier: c.classifier_dropout ?? c.hidden_dropout_prob,
    },
  };
}

function activationOf(name: string, field: string, path: string): 'gelu' | 'relu' {
  if (name === 'gelu' || name === 'relu') return name;
  throw new UserError(`${path}: ${field} "${name}" is not supported (expected "gelu", the exact erf GELU, or "relu")`);
}

function labelsOf(id2label: Record<string, string> | undefined, numLabels: number | undefined, path: string): string[] {
  if (id2label === undefined) {
    const n = numLabels ?? 2;
    return Array.from({ length: n }, (_, i) => `LABEL_${i}`);
  }
  const n = Object.keys(id2label).length;
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = id2label[String(i)];
    if (name === undefined) throw new UserError(`${path}: id2label has no entry "${i}" (expected ids 0..${n - 1})`);
    labels.push(name);
  }
  if (n < 2) throw new UserError(`${path}: id2label has ${n} class; a classifier needs at least 2`);
  return labels;
}
