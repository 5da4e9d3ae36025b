// One typed training configuration. Values come, in increasing priority, from the preset (presets.ts:
// data set x architecture x profile), a JSON config file, and command-line flags. Every source is checked
// against one schema: unknown keys and wrong types are rejected with a message naming the source.
import { UserError } from '../util/errors.ts';
import { ARCHS, ATTENTION_KINDS, isArch, isAttentionKind, splitArch, type Arch, type AttentionKind, type Dropouts, type ModelConfig } from '../models/index.ts';
import { LONG_DOC_POLICIES, type LongDocPolicy } from './long-docs.ts';

export interface TrainConfig {
  arch: Arch;
  /** Adam learning rate at the start. */
  lr: number;
  /** HAN: dropout before the word encoder (paper: "pre-sentence-encoder dropout"). */
  dropoutWord: number;
  /** HAN: dropout before the sentence encoder (paper: "pre-document-encoder dropout"). */
  dropoutSentence: number;
  /** FLAN: dropout before its encoder (paper: "pre-document-encoder dropout"). */
  dropoutEncoder: number;
  /** Dropout on the attended vector before the linear classifier (paper: "classification layer dropout"). */
  dropoutClassifier: number;
  /** Epochs without a better dev accuracy before stopping (5; 10 for noenc). */
  patience: number;
  maxEpochs: number;
  /** Documents per batch. */
  batchSize: number;
  /** Gradient-norm clipping threshold. */
  clip: number;
  /** The learning rate is multiplied by this after every epoch whose dev accuracy is not a new best. */
  lrFactor: number;
  /** Seeds weight init, dropout, batch order and any training-document sample. */
  seed: number;
  /** Seeds the training-document sample instead of `seed` (absent: `seed`): another seed of one model
   * (attnlab reproduce --seeds) keeps the first seed's documents. */
  sampleSeed?: number;
  /** Embedding width (must equal the word vectors' width when vectors are given). */
  emb: number;
  /** GRU units per direction / convolution filters per width. */
  encoderSize: number;
  /** Train on a seeded random sample of at most this many training documents (0: all of them). */
  maxTrainDocs: number;
  /** Write a step line to the JSONL log every this many steps. */
  logEvery: number;
  /** Most padded tokens per batch (documents x longest document); a longer document goes alone. */
  batchTokens: number;
  /** Documents with more tokens than this are long: see longDocs. */
  maxDocTokens: number;
  /** Long documents: cut to maxDocTokens tokens (truncate) or trained whole in a batch of their own (alone). */
  longDocs: LongDocPolicy;
  /** Attention normaliser of every attention layer. Absent means softmax: mergeConfig drops an explicit
   * 'softmax', so softmax configurations (and checkpoints) are what they were before this setting existed. */
  attentionKind?: AttentionKind;
  /** Stop each epoch after this many steps (absent or 0: every batch), e.g. one capped epoch over a 1.4 M-document
   * corpus (bench:scale). mergeConfig drops a 0, so uncapped configurations (and checkpoints) are what they were. */
  maxStepsPerEpoch?: number;
}

/**
 * Settings added after checkpoints were first written: a checkpoint without them was made before they
 * existed and is compared as if it had these values (what those runs did, for data without long documents).
 */
export const LATER_SETTINGS: Partial<TrainConfig> = { batchTokens: 64_000, maxDocTokens: 5_000, longDocs: 'truncate' };

type Kind = 'arch' | 'longDocs' | 'attentionKind' | 'positive' | 'probability' | 'int' | 'positiveInt' | 'nonNegativeInt' | 'factor';

interface Field {
  kind: Kind;
  help: string;
  /** Set only for keys that one model family reads. */
  family?: 'han' | 'flan';
}

export const FIELDS: Record<keyof TrainConfig, Field> = {
  arch: { kind: 'arch', help: `architecture: ${ARCHS.join(', ')}` },
  lr: { kind: 'positive', help: 'Adam learning rate' },
  dropoutWord: { kind: 'probability', help: 'HAN: dropout before the word encoder', family: 'han' },
  dropoutSentence: { kind: 'probability', help: 'HAN: dropout before the sentence encoder', family: 'han' },
  dropoutEncoder: { kind: 'probability', help: 'FLAN: dropout before the encoder', family: 'flan' },
  dropoutClassifier: { kind: 'probability', help: 'dropout before the classifier' },
  patience: { kind: 'positiveInt', help: 'early-stopping patience in epochs' },
  maxEpochs: { kind: 'positiveInt', help: 'most epochs' },
  batchSize: { kind: 'positiveInt', help: 'documents per batch' },
  clip: { kind: 'positive', help: 'gradient-norm clipping threshold' },
  lrFactor: { kind: 'factor', help: 'learning-rate factor after an epoch without improvement' },
  seed: { kind: 'int', help: 'random seed' },
  sampleSeed: { kind: 'int', help: 'seed of the training-document sample under --max-train-docs (default: --seed)' },
  emb: { kind: 'positiveInt', help: 'embedding width' },
  encoderSize: { kind: 'positiveInt', help: 'GRU units per direction / filters per convolution width' },
  maxTrainDocs: { kind: 'nonNegativeInt', help: 'cap on training documents, a seeded sample (0: all)' },
  logEvery: { kind: 'positiveInt', help: 'steps between step lines in train.jsonl' },
  batchTokens: { kind: 'positiveInt', help: 'most padded tokens per batch, documents x longest (default 64000)' },
  maxDocTokens: { kind: 'positiveInt', help: 'documents with more tokens are long, see --long-docs (default 5000)' },
  longDocs: { kind: 'longDocs', help: 'long documents: truncate (default: cut to --max-doc-tokens, counted in the log and model.json) | alone (whole, a batch of their own)' },
  attentionKind: { kind: 'attentionKind', help: `attention normaliser: ${ATTENTION_KINDS.join(', ')} (default softmax)` },
  maxStepsPerEpoch: { kind: 'nonNegativeInt', help: 'end each epoch after this many steps (default 0: every batch)' },
};

export const CONFIG_KEYS = Object.keys(FIELDS) as (keyof TrainConfig)[];

const EXPECTED: Record<Kind, string> = {
  arch: `one of ${ARCHS.join(', ')}`,
  longDocs: `one of ${LONG_DOC_POLICIES.join(', ')}`,
  attentionKind: `one of ${ATTENTION_KINDS.join(', ')}`,
  positive: 'a positive number',
  probability: 'a number in [0, 1)',
  int: 'an integer',
  positiveInt: 'a positive integer',
  nonNegativeInt: 'a non-negative integer',
  factor: 'a number in (0, 1]',
};

function accepts(kind: Kind, v: unknown): boolean {
  if (kind === 'arch') return typeof v === 'string' && isArch(v);
  if (kind === 'longDocs') return typeof v === 'string' && (LONG_DOC_POLICIES as readonly string[]).includes(v);
  if (kind === 'attentionKind') return isAttentionKind(v);
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  switch (kind) {
    case 'positive':
      return v > 0;
    case 'probability':
      return v >= 0 && v < 1;
    case 'int':
      return Number.isSafeInteger(v);
    case 'positiveInt':
      return Number.isSafeInteger(v) && v >= 1;
    case 'nonNegativeInt':
      return Number.isSafeInteger(v) && v >= 0;
    case 'factor':
      return v > 0 && v <= 1;
  }
}

/** 'dropoutWord' -> 'dropout-word' (the flag spelling). */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Checks a partial configuration from one source (`source` names it in messages: "config file x.json",
 * "flags"). Unknown keys and wrong types throw a UserError. Returns the same values, typed.
 */
export function checkPartial(obj: unknown, source: string): Partial<TrainConfig> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new UserError(`${source}: expected a JSON object of settings, got ${obj === null ? 'null' : Array.isArray(obj) ? 'an array' : typeof obj}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const field = (FIELDS as Record<string, Field | undefined>)[k];
    if (!field) {
      const near = CONFIG_KEYS.find((c) => c.toLowerCase() === k.toLowerCase().replace(/[-_]/g, ''));
      throw new UserError(
        `${source}: unknown setting '${k}'` + (near ? ` (did you mean '${near}'?)` : '') + `; known settings: ${CONFIG_KEYS.join(', ')}`,
      );
    }
    if (!accepts(field.kind, v)) {
      throw new UserError(`${source}: '${k}' must be ${EXPECTED[field.kind]}, got ${shown(v)}`);
    }
    out[k] = v;
  }
  return out;
}

// JSON.stringify prints Infinity and NaN as null: say what was given.
function shown(v: unknown): string {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
}

/** Parses a flag's string value into the type its key needs (numbers for everything but arch, longDocs and attentionKind). */
export function parseFlagValue(key: keyof TrainConfig, raw: string): unknown {
  if (FIELDS[key].kind === 'arch' || FIELDS[key].kind === 'longDocs' || FIELDS[key].kind === 'attentionKind') return raw;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (Number.isNaN(n)) throw new UserError(`--${flagName(key)}: must be ${EXPECTED[FIELDS[key].kind]}, got '${raw}'`);
  return n;
}

/**
 * Layers `overrides` (each already checked) over `base` and checks the result: a key that the
 * architecture's family never reads (dropoutSentence for FLAN, dropoutEncoder for HAN) is refused when a
 * user set it, rather than silently ignored.
 */
export function mergeConfig(base: TrainConfig, ...overrides: { source: string; values: Partial<TrainConfig> }[]): TrainConfig {
  const merged = { ...base };
  for (const o of overrides) Object.assign(merged, o.values);
  const { family } = splitArch(merged.arch);
  for (const o of overrides) {
    for (const k of Object.keys(o.values) as (keyof TrainConfig)[]) {
      const f = FIELDS[k].family;
      if (f && f !== family) {
        throw new UserError(`${o.source}: '${k}' applies to ${f.toUpperCase()} models only, and ${merged.arch} is a ${family.toUpperCase()} model`);
      }
    }
  }
  checkPartial(merged, 'configuration');
  if (merged.attentionKind === 'softmax') delete merged.attentionKind;
  if (merged.maxStepsPerEpoch === 0) delete merged.maxStepsPerEpoch;
  return merged;
}

/** The model configuration a training configuration implies. */
export function modelConfigOf(cfg: TrainConfig, vocab: number, classes: number): ModelConfig {
  const dropout: Dropouts = {
    word: cfg.dropoutWord,
    sentence: cfg.dropoutSentence,
    encoder: cfg.dropoutEncoder,
    classifier: cfg.dropoutClassifier,
  };
  const model: ModelConfig = { arch: cfg.arch, vocab, classes, emb: cfg.emb, encoderSize: cfg.encoderSize, dropout };
  if (cfg.attentionKind !== undefined && cfg.attentionKind !== 'softmax') model.attentionKind = cfg.attentionKind;
  return model;
}
