// What the explorer page (explorer.html) reads: every example document of every run with the numbers the
// page redoes erasures with (z, b, alpha) and the battery's own outcome per ranking. Written next to
// report.html as explorer-data.js (a script, because a page opened from file:// may not fetch() JSON).
import { outcomeScore } from '../erasure/examples.ts';
import { EXAMPLE_OUTCOMES, RANKING_NAMES } from '../erasure/types.ts';
import type { ExampleOutcome, FlipStatus, RankingName } from '../erasure/types.ts';
import { RANKINGS } from '../erasure/rankings/index.ts';
import { RANKING_LABELS } from './figures.ts';
import { modelName } from './run-input.ts';
import type { RunInput } from './run-input.ts';

export interface ExplorerRanking {
  name: RankingName;
  label: string;
  /** How many orders the battery draws (random: 5); the explorer shows the first. */
  orders: number;
}

export interface ExplorerDocument {
  /** Unique within the page: "<data set>/<model>/<docId>". */
  key: string;
  dataset: string;
  model: string;
  docId: string;
  /** Sentences (HAN), words (FLAN), tokens (a transformer's last-layer positions, all heads) or head positions (--heads each). */
  unit: 'sentence' | 'word' | 'token' | 'head position';
  /**
   * Whether the page can recompute any erasure itself (HAN/FLAN: linear in alpha, from z and b). A
   * transformer's output is not, so its page shows the battery's own outputs only (z and b are empty).
   */
  live: boolean;
  /** How minimalSet was found: 'exact' (HAN/FLAN, by a sort) or 'greedy_upper_bound' (transformers). */
  minimalMethod: 'exact' | 'greedy_upper_bound';
  label: number;
  predicted: number;
  classes: string[];
  /** One string per item: the item's words joined by spaces. */
  items: string[];
  alpha: number[];
  /** z_i = W h_i, row-major n × C. */
  z: number[];
  b: number[];
  /** The original output probabilities (battery). */
  probabilities: number[];
  /** Each ranking's order (first order), up to its flip: the items the page lists and erases. */
  orders: Partial<Record<RankingName, number[]>>;
  /** The battery's first flip of each ranking's first order (documents.jsonl). */
  flips: Partial<Record<RankingName, { status: FlipStatus; erased: number | null; flipsTo: number | null; before: number[] | null; after: number[] | null }>>;
  minimalSet: number[];
  minimalStatus: FlipStatus;
  /** Every outcome the document shows (EXAMPLE_OUTCOMES); `chosenFor` is the subset it was picked for. */
  outcomes: ExampleOutcome[];
  chosenFor: ExampleOutcome[];
}

export interface ExplorerData {
  version: 1;
  datasets: string[];
  models: string[];
  rankings: ExplorerRanking[];
  outcomes: { name: ExampleOutcome; label: string }[];
  documents: ExplorerDocument[];
  /** Examples left out because their examples.jsonl predates z and b (re-run `attnlab test`), per run. */
  skipped: { dataset: string; model: string; examples: number }[];
  /** Runs whose examples.jsonl held more than the report shows (run-input.ts MAX_EXAMPLES_PER_RUN); absent when none. */
  sampled?: { dataset: string; model: string; shown: number; of: number }[];
}

export const OUTCOME_LABELS: Record<ExampleOutcome, string> = {
  attention_slower: 'attention needs more erasures than gradient',
  attention_faster: 'attention needs fewer erasures than gradient',
  zero_vector_only: 'flips only at the zero vector',
  never_flips: 'never flips',
  far_from_minimal: 'attention erases more than the minimal set (exact; transformers: the greedy bound)',
};

/** Digits kept for numbers the page only shows (probabilities at the flips). */
const SHOWN_DIGITS = 6;
/** Significant digits kept for alpha, which the page computes with. */
const ALPHA_DIGITS = 9;
/**
 * Decimals kept for z (most of the file's bytes): an error of at most 5e-8 per logit, far below the
 * 1e-6 to which test/report/browser.test.ts holds the page's probabilities to the battery's.
 */
const Z_DECIMALS = 7;
/** Items of a ranking's order listed when it never flips (otherwise: up to its flip, all the page shows). */
const ORDER_SHOWN = 40;

export function explorerData(runs: readonly RunInput[], datasets: readonly string[], models: readonly string[]): ExplorerData {
  const data: ExplorerData = {
    version: 1,
    datasets: [...datasets],
    models: [...models],
    rankings: [],
    outcomes: EXAMPLE_OUTCOMES.map((name) => ({ name, label: OUTCOME_LABELS[name] })),
    documents: [],
    skipped: [],
  };
  const order = (r: RunInput): number => datasets.indexOf(r.model.dataset) * models.length + models.indexOf(modelName(r.model));
  for (const run of [...runs].sort((a, b) => order(a) - order(b))) {
    const dataset = run.model.dataset;
    const model = modelName(run.model);
    const byId = new Map(run.documents.map((d) => [String(d.docId), d]));
    let skipped = 0;
    for (const e of run.examples) {
      const d = byId.get(String(e.docId));
      const transformer = run.model.encoder === 'transformer';
      const C = transformer ? (e.probabilities?.length ?? 0) : (e.b?.length ?? 0);
      const linear = !transformer && !!e.z && !!e.b && e.z.length === e.items.length * C;
      if (!d || !e.probabilities || C === 0 || (!transformer && !linear)) {
        skipped++;
        continue;
      }
      const flips: ExplorerDocument['flips'] = {};
      // The rankings this run has (a run may hold rankings beyond RANKING_NAMES, e.g. transformer ones).
      for (const r of Object.keys(d.multi) as RankingName[]) {
        const m = d.multi[r]?.[0];
        const at = e.atFlip?.[r];
        if (m) flips[r] = { status: m.status, erased: m.erased, flipsTo: m.flipsTo, before: at ? rounded(at.before, SHOWN_DIGITS) : null, after: at ? rounded(at.after, SHOWN_DIGITS) : null };
      }
      data.documents.push({
        key: `${dataset}/${model}/${String(e.docId)}`,
        dataset,
        model,
        docId: String(e.docId),
        unit: transformer ? (run.model.heads === 'each' ? 'head position' : 'token') : run.model.architecture === 'han' ? 'sentence' : 'word',
        live: linear,
        minimalMethod: transformer || d.minimal.method === 'greedy_upper_bound' ? 'greedy_upper_bound' : 'exact',
        label: d.label,
        predicted: d.predicted,
        classes: e.classes ?? Array.from({ length: C }, (_, k) => String(k)),
        items: e.items.map((words) => words.join(' ')),
        alpha: rounded(e.alpha, ALPHA_DIGITS),
        z: linear ? e.z!.map((v) => Math.round(v * 10 ** Z_DECIMALS) / 10 ** Z_DECIMALS) : [],
        b: linear ? e.b! : [],
        probabilities: rounded(e.probabilities, SHOWN_DIGITS),
        orders: Object.fromEntries(Object.entries(e.orders).map(([r, o]) => [r, o.slice(0, flips[r as RankingName]?.erased ?? ORDER_SHOWN)])),
        flips,
        minimalSet: e.minimalSet,
        minimalStatus: d.minimal.status,
        outcomes: EXAMPLE_OUTCOMES.filter((o) => outcomeScore(d, o) !== null),
        chosenFor: e.outcomes ?? [],
      });
    }
    if (skipped > 0) data.skipped.push({ dataset, model, examples: skipped });
    if (run.examplesLeftOut) (data.sampled ??= []).push({ dataset, model, shown: run.examples.length, of: run.examples.length + run.examplesLeftOut });
  }
  data.rankings = rankingsOf(data.documents);
  return data;
}

/** explorer-data.js: one assignment, so a page opened from file:// can load it with a script tag. */
export function explorerDataScript(data: ExplorerData): string {
  // JSON is valid JavaScript; escaping "<" keeps a document's "</script>" from ending anything.
  // Bidi controls and line separators are escaped too, so the file's own source reads in order.
  const json = JSON.stringify(data).replace(/[<\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `window.ATTNLAB_EXPLORER = ${json};\n`;
}

/** Every ranking some document has, the known ones in RANKING_NAMES order first. */
function rankingsOf(documents: readonly ExplorerDocument[]): ExplorerRanking[] {
  const seen = new Set(documents.flatMap((d) => Object.keys(d.flips)));
  const known: readonly string[] = RANKING_NAMES;
  const names = [...RANKING_NAMES.filter((r) => seen.has(r)), ...[...seen].filter((r) => !known.includes(r)).sort()] as RankingName[];
  return names.map((name) => {
    const table = (RANKINGS as Partial<Record<string, { orders: number }>>)[name];
    const label = (RANKING_LABELS as Partial<Record<string, string>>)[name] ?? name.replaceAll('_', ' ');
    return { name, label, orders: table?.orders ?? 1 };
  });
}

function rounded(xs: readonly number[], digits: number): number[] {
  return xs.map((x) => Number(x.toPrecision(digits)));
}
