// The data the erasure battery reads and writes (docs/method.md §3–9). Other modules (models, report) build
// against these types: change them only by adding fields.
//
// Pipeline: model pass over a split -> FinalLayerState per document (+ one ClassifierHead per run)
//   -> runBattery -> DocumentResult per document (CSV + JSONL) -> BatterySummary (summary.json).
//
// Index conventions: items are the positions the FINAL attention layer attends over (sentences for
// HAN, words for FLAN), 0-based, in document order. Classes are 0-based indices into head.classes.
import type { Rng } from '../util/rng.ts';
import type { ErasureBackend } from './backend.ts';
import type { InputRequest, TestName, TestRecords, TestSummaries } from './tests/index.ts';
import type { TransformerFamily } from '../models/transformer-config.ts';
import type { AttentionKind } from '../models/sparse-attention.ts';

// ---------------------------------------------------------------------------------------------
// Input: what one model pass stores (docs/method.md §3)
// ---------------------------------------------------------------------------------------------

/** The final attention layer of one test document, as the model computed it (padding removed). */
export interface FinalLayerState {
  /** Stable id of the document within its split (row number or the data set's own id). */
  docId: string | number;
  /** Gold label, a class index into ClassifierHead.classes (-1 if the split has no labels). */
  label: number;
  /** Attention weights alpha_1..alpha_n over the real (unpadded) items; they sum to 1 (±float error). */
  alpha: Float64Array;
  /**
   * The attended vectors h_1..h_n, row-major n × d (item i is h[i*d .. i*d+d)). Empty (length 0) in a
   * state read from a states file written without h (states-io.ts dropH), which always carries z.
   */
  h: Float32Array;
  /** The model's original logits x = W s + b, s = sum_i alpha_i h_i (C values, before softmax). */
  logits: Float64Array;
  /** Optional: the words of each item (a sentence's words for HAN, one word for FLAN), for examples. */
  items?: string[][];
  /**
   * Optional: z_i = W h_i, row-major n × C in double precision, when the model pass computed it (one
   * batched product there is far cheaper than n × C dot products here); otherwise the battery computes it.
   */
  z?: Float64Array;
}

/** The classifier on top of the final attention layer, shared by every document of a run. */
export interface ClassifierHead {
  /** Linear weight, row-major C × d (row k scores class k). */
  W: Float64Array;
  /** Bias, C values. */
  b: Float64Array;
  /** Class names, index = class id. */
  classes: string[];
  /** Width of h (attended-vector dimension). */
  d: number;
  /** Number of classes. */
  C: number;
}

// ---------------------------------------------------------------------------------------------
// Rankings (docs/method.md §5, §8): one interface, one file each under src/erasure/rankings/
// ---------------------------------------------------------------------------------------------

/** Every ranking the battery runs; the order here is the order of columns and figures. */
export const RANKING_NAMES = [
  'attention',
  'random',
  'gradient',
  'gradient_x_attention',
  'leave_one_out',
  'optimal',
] as const;
export type RankingName = (typeof RANKING_NAMES)[number];

/**
 * Rankings only a non-linear erasure backend runs (the transformer row path, src/erasure/transformer-row.ts):
 * attention norm (Kobayashi et al. 2020), attention rollout (Abnar & Zuidema 2020), and the greedy best-first
 * flip set, an UPPER BOUND on the minimal flip set where no exact one is known. HAN/FLAN results never
 * carry them, so their files are what they were.
 */
export const EXTRA_RANKING_NAMES = ['attention_norm', 'rollout', 'greedy', 'signed_leave_one_out', 'integrated_gradients'] as const;
export type ExtraRankingName = (typeof EXTRA_RANKING_NAMES)[number];
/**
 * What the linear fast path (HAN/FLAN, no backend) runs: the paper's six, then signed leave-one-out,
 * attention norm (alpha_i ||z_i||) and integrated gradients w.r.t. alpha (docs/faithfulness.md §3).
 */
export const LINEAR_RANKING_NAMES = [...RANKING_NAMES, 'attention_norm', 'signed_leave_one_out', 'integrated_gradients'] as const;
export const ALL_RANKING_NAMES = [...RANKING_NAMES, ...EXTRA_RANKING_NAMES] as const;
export type AnyRankingName = RankingName | ExtraRankingName;

/** Rankings whose top item is used in the single-weight tests (docs/method.md §6, Figures 3–4, 7–9, 12–13). */
export const TOP_ITEM_RANKINGS = ['attention', 'gradient', 'gradient_x_attention'] as const;
export type TopItemRankingName = (typeof TOP_ITEM_RANKINGS)[number];

/**
 * Everything about one document that a ranking may read, precomputed once (fast path of docs/method.md §3).
 * All arrays are double precision.
 */
export interface DocumentContext {
  /** Number of items. */
  n: number;
  /** Number of classes. */
  C: number;
  /** Attention weights (n). */
  alpha: Float64Array;
  /** z_i = W h_i, row-major n × C (item i is z[i*C .. i*C+C)). */
  z: Float64Array;
  /** Classifier bias (C). */
  b: Float64Array;
  /** Original logits recomputed from alpha, z and b in double precision (C). */
  logits: Float64Array;
  /** p = softmax(logits) (C). */
  p: Float64Array;
  /** argmax p, ties to the lower index: the original decision. */
  predicted: number;
  /**
   * How erasures of this document are computed. Absent: the linear fast path above (HAN/FLAN: alpha, z, b).
   * Present (transformers): z and b are empty and every erasure goes through the backend.
   */
  backend?: ErasureBackend;
}

/** Arguments every ranking receives (shared names, so all rankings are called the same way). */
export interface RankingArgs {
  doc: DocumentContext;
  /**
   * The document's own generator, derived from the run seed and the document's position in the run,
   * so a resumed or chunked run draws the same numbers. Only rankings with randomness draw from it.
   */
  rng: Rng;
}

/** A ranking of items by importance: most important first. */
export interface Ranking {
  name: AnyRankingName;
  /** One sentence for READMEs and report captions. */
  description: string;
  /** How many orders it produces per document (5 for random, docs/method.md §10.2; 1 otherwise). */
  orders: number;
  /**
   * The erasure orders for one document: `orders` permutations of 0..n-1, most important first.
   * Ties go to the lower index (docs/method.md §5).
   */
  rank(args: RankingArgs): Int32Array[];
}

// ---------------------------------------------------------------------------------------------
// Results per document
// ---------------------------------------------------------------------------------------------

/** Single-weight test for one top-item ranking (docs/method.md §6, §9). Present only when n >= 2. */
export interface SingleWeightRecord {
  ranking: TopItemRankingName;
  /** i*: the ranking's top item. */
  top: number;
  /** r: uniformly drawn from the n-1 items other than i*. */
  other: number;
  /** alpha_{i*} (original, unrenormalised). */
  alphaTop: number;
  /** alpha_r. */
  alphaOther: number;
  /** JS(p, q_{i*}) in nats (natural log), in [0, ln 2]. */
  jsTop: number;
  /** JS(p, q_r) in nats. */
  jsOther: number;
  /** alphaTop - alphaOther (x axis of Figures 3/7). */
  deltaAlpha: number;
  /** jsTop - jsOther (Eq. 1; y axis of Figures 3/7). */
  deltaJs: number;
  /** Does erasing i* alone change argmax? */
  flipTop: boolean;
  /** Does erasing r alone change argmax? */
  flipOther: boolean;
}

/**
 * How a sequential erasure (or the minimal set) ended:
 * - 'flipped': the decision changed with at least one item kept;
 * - 'zero_vector': it changed only when every item was erased (logits = b); kept with fraction 1.0
 *   and flagged (docs/method.md §10.3);
 * - 'never_flips': even the zero vector keeps the decision: excluded from that ranking's numbers;
 * - 'single_item': n = 1: excluded from multi-weight tests (docs/method.md §7).
 */
export type FlipStatus = 'flipped' | 'zero_vector' | 'never_flips' | 'single_item';

/** Multi-weight test for one ranking order of one document (docs/method.md §7). */
export interface MultiWeightRecord {
  ranking: AnyRankingName;
  /** Which order: 0 for deterministic rankings, 0..4 for the random ranking's permutations. */
  permutation: number;
  status: FlipStatus;
  /** k: items erased when the decision first flipped (null unless status is flipped/zero_vector). */
  erased: number | null;
  /** k / n (1.0 for zero_vector; null when excluded). */
  fraction: number | null;
  /** Original attention mass of the erased items, sum of alpha over them (null when excluded). */
  massErased: number | null;
  /** Class the decision flipped to (null when excluded). */
  flipsTo: number | null;
  /** k minus the exact minimal flip set's size (>= 0; null when either is excluded). */
  extraOverMinimal: number | null;
}

/** The exact minimal flip set of one document (docs/method.md §8). */
export interface MinimalFlipRecord {
  status: FlipStatus;
  /** Size of the smallest set whose erasure changes the decision (null when excluded). */
  size: number | null;
  /** size / n (null when excluded). */
  fraction: number | null;
  /** Original attention mass of that set (the optimal ranking's prefix; null when excluded). */
  massErased: number | null;
  /** Class the decision flips to with that set (null when excluded). */
  flipsTo: number | null;
  /**
   * Absent: the exact minimal flip set. 'greedy_upper_bound': a greedy best-first set (transformers), whose
   * size is an upper bound on the minimal one; extraOverMinimal may then be negative.
   */
  method?: 'greedy_upper_bound';
}

/** Everything the battery measured on one document. One JSONL line; flattened into one CSV row. */
export interface DocumentResult {
  docId: string | number;
  /** Position of the document in the run (0-based, after any --max-docs sample); seeds its generator. */
  index: number;
  /** Gold label (-1 if unknown). */
  label: number;
  /** Original decision argmax p. */
  predicted: number;
  /** Number of items at the final attention layer. */
  n: number;
  /** Max softmax probability of the original decision. */
  confidence: number;
  /** Single-weight tests keyed by top-item ranking; null when n < 2. */
  single: Record<TopItemRankingName, SingleWeightRecord | null>;
  /**
   * Multi-weight tests keyed by ranking; arrays have Ranking.orders entries (5 for random). A ranking the
   * backend does not run has []; the extra rankings appear only where they ran.
   */
  multi: Record<RankingName, MultiWeightRecord[]> & Partial<Record<ExtraRankingName, MultiWeightRecord[]>>;
  minimal: MinimalFlipRecord;
  /** Where integrated_gradients ran: |sum_i IG_i − (p_m(alpha) − p_m(0))|, its quadrature error. */
  igCompletenessError?: number;
  /** The per-document tests that ran (BatteryOptions.tests; table: tests/index.ts); null where one does not apply. */
  tests?: { [K in TestName]?: TestRecords[K] | null };
}

// ---------------------------------------------------------------------------------------------
// Summary (docs/method.md §9): summary.json
// ---------------------------------------------------------------------------------------------

/** A median with its 95% bootstrap interval over documents. */
export interface MedianWithInterval {
  /** Documents that contributed (random: pooled weight, i.e. contributing permutations / 5). */
  documents: number;
  /** null when documents = 0. */
  median: number | null;
  lo: number | null;
  hi: number | null;
}

/** A share of documents with its 95% Wilson interval (statistics.ts: proportion). */
export interface Proportion {
  /** Documents with the outcome. */
  count: number;
  /** Documents behind the share (its denominator). */
  documents: number;
  /** count / documents (0..1); null when documents = 0. */
  share: number | null;
  lo: number | null;
  hi: number | null;
}

/**
 * first / second of two counts of discordant documents with a 95% interval (statistics.ts: ratioOfCounts).
 * A zero denominator has one convention: ratio null, unbounded true when first > 0 (+∞), false for 0 / 0.
 */
export interface RatioOfCounts {
  first: number;
  second: number;
  /** first + second: the documents the ratio rests on. */
  documents: number;
  ratio: number | null;
  unbounded: boolean;
  /** Interval limits; hi is null with hiUnbounded when the upper limit is +∞; both null for 0 / 0. */
  lo: number | null;
  hi: number | null;
  hiUnbounded: boolean;
  /** Exact two-sided sign test of first against second. */
  signTestP: number;
}

/** A 2×2 table of paired yes/no outcomes, counts and percent of `total`, with McNemar's test. */
export interface TwoByTwo {
  /** Row: first outcome; column: second outcome. E.g. row = "erasing i* flips", column = "erasing r flips". */
  yesYes: number;
  yesNo: number;
  noYes: number;
  noNo: number;
  total: number;
  /** The same four cells in percent of total (0 when total = 0). */
  percent: { yesYes: number; yesNo: number; noYes: number; noNo: number };
  /** McNemar's test on the discordant cells yesNo vs noYes: two-sided p-value (1 when both are 0). */
  mcnemarP: number;
  /** 'exact' (binomial, used when yesNo + noYes < 25) or 'chi2' (with continuity correction). */
  mcnemarMethod: 'exact' | 'chi2';
}

export interface SingleWeightSummary {
  ranking: TopItemRankingName;
  /** Documents with n >= 2. */
  documents: number;
  /** F1: share (0..1) of documents with deltaJs strictly > 0. */
  shareDeltaJsPositive: number;
  /** Share with deltaJs strictly < 0 (Figure 4 counts these). */
  shareDeltaJsNegative: number;
  /** F2: rows = flip(i*), columns = flip(r). */
  flips: TwoByTwo;
  medianDeltaJs: MedianWithInterval;
  /** F1 with its Wilson interval: documents with deltaJs > 0 of `documents`. */
  deltaJsPositive?: Proportion;
  /** F2 with its Wilson interval: documents where erasing i* alone flips the decision. */
  flipTop?: Proportion;
}

/** A median reported twice (docs/method.md §9): counting the documents that flip only at the zero vector, and not. */
export interface MedianWithAndWithoutZeroVector {
  withZeroVector: MedianWithInterval;
  withoutZeroVector: MedianWithInterval;
}

/** Documents by how their erasure ended (FlipStatus). */
export interface FlipStatusCounts {
  /** Documents (pooled weight for random: permutations / 5) that flip with an item kept. */
  flipped: number;
  /** Documents (pooled weight) that flip only at the zero vector. */
  zeroVector: number;
  /** Documents (pooled weight) that never flip: excluded from the medians. */
  neverFlips: number;
  /** Documents excluded because n = 1. */
  singleItem: number;
}

/** Per-ranking multi-weight numbers; exclusions are per ranking (docs/method.md §9). */
export interface MultiWeightSummary extends FlipStatusCounts {
  ranking: AnyRankingName;
  /** Documents considered (all documents of the run). */
  documents: number;
  /** Median fraction erased, with the zero-vector documents (fraction 1.0) and without them. */
  fraction: MedianWithAndWithoutZeroVector;
  /** Median attention mass erased, with and without zero-vector documents (Figure 11). */
  massErased: MedianWithAndWithoutZeroVector;
  /** Median count of items erased, with and without zero-vector documents. */
  erased: MedianWithAndWithoutZeroVector;
  /** Median extra erasures over the exact minimal set (documents where both count). */
  medianExtraOverMinimal: MedianWithInterval;
  /**
   * Paper §5.5: documents whose first flip needs more than half of the items erased, of the documents
   * that flip (with: zero-vector flips count, at fraction 1.0; without: documents that flip only at the
   * zero vector are left out of numerator and denominator). Random: pooled over its orders.
   */
  moreThanHalf?: { withZeroVector: Proportion; withoutZeroVector: Proportion };
}

/** F3: ranking `first` against `second` (attention), over documents where both flip (docs/method.md §9). */
export interface RankingComparison {
  first: AnyRankingName;
  second: AnyRankingName;
  /** Documents where both rankings flip (zero-vector flips included). */
  documents: number;
  /** Documents where `first` needed strictly fewer erasures. */
  firstFewer: number;
  /** Documents where `second` needed strictly fewer. */
  secondFewer: number;
  equal: number;
  /** firstFewer / documents (0..1; 0 when documents = 0). */
  shareFirstFewer: number;
  shareSecondFewer: number;
  /** firstFewer / secondFewer (the paper's "≥ 1.6×"); null when secondFewer = 0. */
  ratio: number | null;
  /** True when secondFewer = 0 and firstFewer > 0: the ratio is unbounded, not a number. */
  ratioUnbounded: boolean;
  /** Exact two-sided sign test (McNemar on the discordant pairs) of firstFewer vs secondFewer. */
  signTestP: number;
  /** Which flips count as flips: 'with' includes zero-vector flips (erasures = n); 'without' leaves those documents out. */
  zeroVector?: 'with' | 'without';
  /** Paper §5.4: shareFirstFewer with its Wilson interval (denominator: documents where both flip). */
  firstFewerShare?: Proportion;
  /** Paper §5.4: firstFewer / secondFewer with its interval and sign test (statistics.ts: ratioOfCounts). */
  fewerRatio?: RatioOfCounts;
}

export interface MinimalSummary extends FlipStatusCounts {
  documents: number;
  /** As MinimalFlipRecord.method: present when the sets are greedy upper bounds, not exact. */
  method?: 'greedy_upper_bound';
  fraction: MedianWithAndWithoutZeroVector;
  size: MedianWithAndWithoutZeroVector;
}

export interface BatterySummary {
  /** Format version of this file. */
  version: 1;
  /** Free-form description of the run (checkpoint path, split, model), set by the caller. */
  run: Record<string, string | number | boolean>;
  classes: string[];
  /** Documents in the battery (after any --max-docs sample). */
  documents: number;
  /** Documents with n >= 2 (the single-weight population). */
  documentsMultiItem: number;
  /** Share of documents whose original decision equals the gold label (null if no labels). */
  accuracy: number | null;
  seed: number;
  bootstrapResamples: number;
  single: Record<TopItemRankingName, SingleWeightSummary>;
  multi: Record<RankingName, MultiWeightSummary> & Partial<Record<ExtraRankingName, MultiWeightSummary>>;
  /** gradient vs attention, gradient_x_attention vs attention, leave_one_out vs attention, optimal vs attention. */
  comparisons: RankingComparison[];
  /** The same comparisons without zero-vector flips: documents where either ranking flips only at the zero vector are left out. */
  comparisonsWithoutZeroVector?: RankingComparison[];
  minimal: MinimalSummary;
  /** Integrated gradients' completeness check, where that ranking ran (docs/faithfulness.md §3.3). */
  integratedGradients?: IntegratedGradientsSummary;
  /** The summaries of the per-document tests that ran on any document (tests/index.ts). */
  tests?: { [K in TestName]?: TestSummaries[K] };
}

/** |sum_i IG_i − (p_m(alpha) − p_m(0))| over the documents where integrated_gradients ran. */
export interface IntegratedGradientsSummary {
  documents: number;
  /** Midpoint-rule steps of the path integral. */
  steps: number;
  medianCompletenessError: MedianWithInterval;
  maxCompletenessError: number;
}

/** Options of runBattery. */
export interface BatteryOptions {
  /** Seed of the run's generator (docs/method.md §10.5). */
  seed: number;
  /** Bootstrap resamples for the intervals (default 1000). */
  bootstrapResamples?: number;
  /** Per-document tests to run besides the paper's (tests/index.ts; default: none). */
  tests?: readonly TestName[];
  /** Rankings to run (default: all the backend runs; RANKING_NAMES for HAN/FLAN, LINEAR_RANKING_NAMES adds the extras). */
  rankings?: readonly AnyRankingName[];
  /**
   * Given by a run that holds the model (test-run.ts, transformer-test-run.ts): input-level tests
   * (DocumentTest.input) hand their variant documents here and get their records once the run has scored them.
   */
  deferInput?: (request: InputRequest) => void;
}

/**
 * examples.jsonl: one line per document shown in the report's per-document view (written by
 * `attnlab test`, read by `attnlab report`).
 */
export interface DocumentExample {
  /** Matches DocumentResult.docId. */
  docId: string | number;
  /** The words of each item the final attention layer attends over: sentences (HAN), single words (FLAN). */
  items: string[][];
  /** Attention weights over the items (same length as items). */
  alpha: number[];
  /** Erasure order of each ranking (random: its first permutation), most important first. */
  orders: Partial<Record<AnyRankingName, number[]>>;
  /** Items of the exact minimal flip set (empty when the document never flips). */
  minimalSet: number[];
  /** Class names, index = class id, to name the decision (optional in files; attnlab test writes it). */
  classes?: string[];
  // The fields below let a page redo the battery's erasures (docs/method.md §4 fast path) for this document. attnlab
  // test writes them; examples.jsonl files from before they existed lack them.
  /** Why the document was chosen (see EXAMPLE_OUTCOMES); a document can be chosen for several. */
  outcomes?: ExampleOutcome[];
  /** z_i = W h_i, row-major n × C (item i is z[i*C .. i*C+C)), rounded to Z_DIGITS significant digits. */
  z?: number[];
  /** The classifier bias b (C values): the logits when every item is erased. */
  b?: number[];
  /** softmax of the original logits (C values), as the battery computed them. */
  probabilities?: number[];
  /**
   * Per ranking (first order), the battery's first flip: items erased (order[0..erased)) and the
   * probabilities with one item fewer erased (`before`, still the original decision) and at the flip
   * (`after`). Absent for rankings under which the document never flips.
   */
  atFlip?: Partial<Record<AnyRankingName, { erased: number; before: number[]; after: number[] }>>;
}

/**
 * The outcomes examples are chosen by, per original decision (predicted class), comparing the first
 * order of the attention and gradient rankings (docs/method.md §7) and the exact minimal flip set (§8):
 * - attention_slower: both flip and attention needs more erasures than gradient (largest gap first);
 * - attention_faster: both flip and attention needs fewer;
 * - zero_vector_only: no proper subset flips the decision; only erasing everything does;
 * - never_flips: not even the zero vector changes the decision;
 * - far_from_minimal: attention needs the most erasures beyond the exact minimum.
 */
export const EXAMPLE_OUTCOMES = ['attention_slower', 'attention_faster', 'zero_vector_only', 'never_flips', 'far_from_minimal'] as const;
export type ExampleOutcome = (typeof EXAMPLE_OUTCOMES)[number];

/** Significant digits of z in examples.jsonl: enough to redo the battery's probabilities to ~1e-8. */
export const Z_DIGITS = 9;

// ---------------------------------------------------------------------------------------------
// tested-model.json: who was tested (written by attnlab test into the run folder, read by attnlab report)
// ---------------------------------------------------------------------------------------------

/** The file name. Not model.json: that name belongs to a trained model's description (another schema). */
export const TESTED_MODEL_FILE = 'tested-model.json';

/** How the tested model was trained, copied from its model.json (null fields: not recorded there). */
export interface TrainingProvenance {
  /** Training profile: 'paper', 'demo', 'quick' or 'custom'. */
  profile: string;
  /** The epoch the tested (best-dev) weights come from. */
  bestEpoch: number;
  /** Epochs trained in all, and the cap. */
  epochsRun: number | null;
  maxEpochs: number;
  /** Training documents used (a seeded sample when maxTrainDocs caps them), and the cap (0 = none). */
  trainDocuments: number | null;
  maxTrainDocs: number;
  seed: number;
  devAccuracy: number;
}

/** Five numbers of a distribution of document lengths. */
export interface LengthSummary {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
  sd: number;
}

/** The paper's Table 1 for the tested model's data set, and the length distribution of the tested split. */
export interface DataProvenance {
  name: string;
  hash: string;
  /** Over all documents of all splits (data/stats.ts). */
  words: { mean: number; sd: number } | null;
  sentences: { mean: number; sd: number } | null;
  trainDev: number | null;
  test: number | null;
  classes: number;
  /** Per document of the tested split: sentences and words. */
  lengths: { split: string; documents: number; sentences: LengthSummary; words: LengthSummary } | null;
}

export interface TestedModel {
  dataset: string;
  /** HAN/FLAN, or a transformer family (a Hugging Face folder, src/erasure/transformer-test-run.ts). */
  architecture: 'han' | 'flan' | TransformerFamily;
  /** 'transformer' for a transformer family: its items are tokens, its minimal set a greedy upper bound. */
  encoder: 'rnn' | 'conv' | 'noenc' | 'transformer';
  /** The grid's name of a transformer ('bert-small'), when attnlab trained it; the report's row name. */
  model?: string;
  /** As MinimalFlipRecord.method: the run's minimal sets are greedy upper bounds (transformers). */
  minimalMethod?: 'greedy_upper_bound';
  /** Transformer runs: the erasure items, every head at once ('all') or each (head, position) ('each'). */
  heads?: 'all' | 'each';
  /** The attention normaliser the model was trained with, when not softmax (absent: softmax). */
  attention?: AttentionKind;
  /** Accuracy on the FULL test split, recorded when training ended (the paper's Table 3; what attnlab eval prints). */
  testAccuracy: number | null;
  /** Share of the test split's most frequent class (the majority-class baseline). */
  testMajority?: number | null;
  /** Accuracy on the documents of this erasure run (a sample with --max-docs): not Table 3. */
  sampleAccuracy?: number | null;
  /** Documents in this erasure run. */
  documents?: number;
  checkpoint?: string;
  split?: string;
  seed?: number;
  training?: TrainingProvenance | null;
  data?: DataProvenance | null;
  /** The attnlab that ran the erasure tests: package version and git commit (null outside a checkout). */
  attnlab?: { version: string; commit: string | null; dirty: boolean } | null;
  /** When the erasure run finished (ISO 8601). */
  date?: string | null;
}
