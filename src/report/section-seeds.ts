// Seeds and baselines (docs/faithfulness.md, "Seeds, uniform and sparse attention"; Wiegreffe & Pinter 2019):
// runs of one model trained with other seeds (attnlab reproduce --seeds) and models trained but not tested
// (uniform attention). The report's figures and tables show each model's first seed; this section gives
//   - test accuracy per seed (uniform-attention models beside the learned ones), mean, min–max, s.d.;
//   - every finding per seed (each seed's run alone, as the first seed's), min–max and s.d. of the estimate;
//   - the JS divergence between two seeds' final-layer attention on the same documents (the yardstick for
//     adversarial attention), median with bootstrap interval, from each run's states/*.bin.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsDivergence } from '../erasure/math.ts';
import { readStates } from '../erasure/states-io.ts';
import { medianWithInterval, MIN_DOCUMENTS, quantileSorted } from '../erasure/statistics.ts';
import { ATTENTION_KINDS, isAttentionKind, type AttentionKind } from '../models/sparse-attention.ts';
import { UserError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { userTextHtml } from './bidi.ts';
import { escapeHtml } from './escape.ts';
import { findingsOf, VIEW_LABELS, type Bound, type FindingId, type FindingOptions, type Verdict } from './findings.ts';
import type { ZeroVectorView } from '../erasure/summary.ts';
import { isTransformer, modelName, type RunInput } from './run-input.ts';
import { csv } from './tables-csv.ts';
import { fixed } from './numbers.ts';

/** A trained model the erasure tests did not run on (uniform attention): its accuracy only. */
export interface TrainedOnlyModel {
  dataset: string;
  model: string;
  attention: AttentionKind;
  seed: number;
  testAccuracy: number | null;
  testMajority: number | null;
  folder: string;
}

/** min, max, mean and sample s.d. of the finite values (null: none; sd null below 2 values). */
export interface Spread {
  n: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  sd: number | null;
}

export interface SeedAccuracyRow extends Spread {
  dataset: string;
  model: string;
  attention: AttentionKind;
  /** false: trained only (uniform attention), not erasure-tested. */
  tested: boolean;
  seeds: number[];
  /** Table 3's accuracy (full test split) of each seed, in seed order. */
  accuracies: (number | null)[];
  testMajority: number | null;
}

export interface SeedFindingRow extends Spread {
  id: FindingId;
  dataset: string;
  model: string;
  view: ZeroVectorView | null;
  seeds: number[];
  estimates: (Bound | null)[];
  verdicts: Verdict[];
  /** Documents behind each seed's estimate. */
  documents: number[];
}

export interface SeedJsRow {
  dataset: string;
  model: string;
  seedA: number;
  seedB: number;
  /** Documents with n >= 2 in both runs (matched by id): the estimate's documents. */
  documents: number;
  median: number | null;
  lo: number | null;
  hi: number | null;
  q1: number | null;
  q3: number | null;
  /** Why there is no estimate (no states files, too few documents), or null. */
  note: string | null;
}

export interface SeedsModel {
  accuracy: SeedAccuracyRow[];
  findings: SeedFindingRow[];
  attentionJs: SeedJsRow[];
}

export const SEED_CSV_FILES = { accuracy: 'seed-accuracy.csv', findings: 'seed-findings.csv', attentionJs: 'seed-attention-js.csv' } as const;

const trainingSeed = (r: RunInput): number | null => r.model.training?.seed ?? null;

/**
 * Runs of one (data set, model) with different training seeds: the lowest seed is the report's run, the
 * others its seed replicates. `main` keeps the given order; groups hold each model's runs by seed.
 */
export function splitSeedReplicates(runs: readonly RunInput[]): { main: RunInput[]; groups: RunInput[][] } {
  const byKey = new Map<string, RunInput[]>();
  for (const r of runs) {
    const key = `${r.model.dataset} · ${modelName(r.model)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const groups = [...byKey.values()].map((g) => [...g].sort((a, b) => (trainingSeed(a) ?? 0) - (trainingSeed(b) ?? 0)));
  const first = new Set(groups.map((g) => g[0]!));
  return { main: runs.filter((r) => first.has(r)), groups };
}

export function spread(values: readonly (number | Bound | null)[]): Spread {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return { n: 0, mean: null, min: null, max: null, sd: null };
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = xs.length < 2 ? null : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  return { n: xs.length, mean, min: Math.min(...xs), max: Math.max(...xs), sd };
}

/** The section's numbers; null when there is nothing to show (one seed per model and no trained-only models). */
export function seedsModel(groups: readonly RunInput[][], trainedOnly: readonly TrainedOnlyModel[], opts: FindingOptions): SeedsModel | null {
  const multi = groups.filter((g) => g.length > 1);
  if (multi.length === 0 && trainedOnly.length === 0) return null;
  const accuracy: SeedAccuracyRow[] = groups.map((g) => {
    const accuracies = g.map((r) => r.model.testAccuracy);
    return {
      dataset: g[0]!.model.dataset,
      model: modelName(g[0]!.model),
      attention: g[0]!.model.attention ?? 'softmax',
      tested: true,
      seeds: g.map((r) => trainingSeed(r) ?? 0),
      accuracies,
      testMajority: g[0]!.model.testMajority ?? null,
      ...spread(accuracies),
    };
  });
  const untested = new Map<string, TrainedOnlyModel[]>();
  for (const t of trainedOnly) untested.set(`${t.dataset} · ${t.model}`, [...(untested.get(`${t.dataset} · ${t.model}`) ?? []), t]);
  for (const list of untested.values()) {
    const g = [...list].sort((a, b) => a.seed - b.seed);
    const accuracies = g.map((t) => t.testAccuracy);
    accuracy.push({ dataset: g[0]!.dataset, model: g[0]!.model, attention: g[0]!.attention, tested: false, seeds: g.map((t) => t.seed), accuracies, testMajority: g[0]!.testMajority, ...spread(accuracies) });
  }
  // Beside each other: per data set, the models in name order (FLAN-rnn, FLAN-rnn sparsemax, FLAN-rnn uniform).
  accuracy.sort((a, b) => (a.dataset === b.dataset ? a.model.localeCompare(b.model) : a.dataset.localeCompare(b.dataset)));
  return { accuracy, findings: findingsAcrossSeeds(multi, opts), attentionJs: multi.flatMap((g) => seedJsRows(g, opts)) };
}

/** Each seed's findings from its own runs (F4 pairs the rnn and conv runs of that seed), joined by finding. */
function findingsAcrossSeeds(multi: readonly RunInput[][], opts: FindingOptions): SeedFindingRow[] {
  const seeds = [...new Set(multi.flatMap((g) => g.map((r) => trainingSeed(r) ?? 0)))].sort((a, b) => a - b);
  const rows = new Map<string, SeedFindingRow>();
  for (const s of seeds) {
    const runs = multi.map((g) => g.find((r) => (trainingSeed(r) ?? 0) === s)).filter((r): r is RunInput => r !== undefined);
    for (const f of findingsOf(runs, opts)) {
      const key = `${f.id}|${f.dataset}|${f.model}|${f.view ?? ''}`;
      const row = rows.get(key) ?? { id: f.id, dataset: f.dataset, model: f.model, view: f.view, seeds: [], estimates: [], verdicts: [], documents: [], ...spread([]) };
      row.seeds.push(s);
      row.estimates.push(f.estimate);
      row.verdicts.push(f.verdict);
      row.documents.push(f.documents);
      rows.set(key, row);
    }
  }
  return [...rows.values()].filter((r) => r.seeds.length > 1).map((r) => ({ ...r, ...spread(r.estimates) }));
}

/** Final-layer attention weights by document id, from a run folder's states/*.bin (null: no states files). */
export function attentionByDocument(folder: string): Map<string, Float64Array> | null {
  const dir = join(folder, 'states');
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();
  if (files.length === 0) return null;
  const out = new Map<string, Float64Array>();
  for (const f of files) for (const s of readStates(join(dir, f)).states) out.set(String(s.docId), s.alpha);
  return out;
}

/** Per document (n >= 2 in both, matched by id): JS between seed A's and seed B's attention. */
export function seedJsValues(a: ReadonlyMap<string, Float64Array>, b: ReadonlyMap<string, Float64Array>): number[] {
  const out: number[] = [];
  for (const [id, pa] of a) {
    const pb = b.get(id);
    if (!pb || pa.length < 2 || pb.length !== pa.length) continue;
    out.push(jsDivergence(pa, pb));
  }
  return out;
}

function seedJsRows(g: readonly RunInput[], opts: FindingOptions): SeedJsRow[] {
  const first = g[0]!;
  const base = { dataset: first.model.dataset, model: modelName(first.model), seedA: trainingSeed(first) ?? 0 };
  const none = (seedB: number, note: string): SeedJsRow => ({ ...base, seedB, documents: 0, median: null, lo: null, hi: null, q1: null, q3: null, note });
  const rest = g.slice(1);
  if (isTransformer(first.model)) return rest.map((r) => none(trainingSeed(r) ?? 0, 'transformer runs keep no final-layer states'));
  const alphaA = attentionByDocument(first.folder);
  return rest.map((r) => {
    const seedB = trainingSeed(r) ?? 0;
    const alphaB = alphaA && attentionByDocument(r.folder);
    if (!alphaA || !alphaB) return none(seedB, `no states/*.bin in ${alphaA ? r.folder : first.folder}`);
    const values = seedJsValues(alphaA, alphaB);
    if (values.length < MIN_DOCUMENTS) return { ...none(seedB, 'too few documents'), documents: values.length };
    const m = medianWithInterval(values.map((v) => [v]), new Rng(opts.seed), opts.resamples);
    const sorted = Float64Array.from(values).sort();
    return { ...base, seedB, documents: values.length, median: m.median, lo: m.lo, hi: m.hi, q1: quantileSorted(sorted, 0.25), q3: quantileSorted(sorted, 0.75), note: null };
  });
}

/**
 * A trained model's accuracy from its folder's model.json (attnlab train's description), for a model the
 * erasure tests skip. `dataset` and `model` name it as the report does.
 */
export function readTrainedOnly(folder: string): TrainedOnlyModel {
  const path = join(folder, 'model.json');
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`${path}: cannot read the trained model's description (${(err as Error).message}); train it again (attnlab reproduce resumes)`);
  }
  const bad = (field: string, want: string): never => {
    throw new UserError(`${path}: field '${field}' should be ${want}; train it again (attnlab reproduce resumes)`);
  };
  const arch = typeof v.arch === 'string' && /^(han|flan)-(rnn|conv|noenc)$/.test(v.arch) ? v.arch : bad('arch', 'a HAN/FLAN architecture (flan-rnn, ...)');
  const dataset = (v.dataset as { name?: unknown } | undefined)?.name;
  if (typeof dataset !== 'string') bad('dataset.name', 'a string');
  const config = v.config as { seed?: unknown } | undefined;
  if (!Number.isInteger(config?.seed)) bad('config.seed', 'an integer');
  const kind = (v.model as { attentionKind?: unknown } | undefined)?.attentionKind ?? 'softmax';
  if (!isAttentionKind(kind)) bad('model.attentionKind', ATTENTION_KINDS.join(', '));
  const share = (k: string): number | null => (typeof v[k] === 'number' ? v[k] : null);
  const [architecture, encoder] = arch.split('-') as ['han' | 'flan', 'rnn' | 'conv' | 'noenc'];
  const attention = kind as AttentionKind;
  return { dataset: dataset as string, model: modelName({ architecture, encoder, attention }), attention, seed: config!.seed as number, testAccuracy: share('testAccuracy'), testMajority: share('testMajority'), folder };
}

const num = (x: number | null, digits = 3): string => (x === null ? '—' : x.toFixed(digits));
const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
const boundNum = (b: Bound | null): string => (b === null ? '—' : b === 'unbounded' ? '∞' : fixed(b, 3));

export function seedsSectionHtml(m: SeedsModel | undefined): string {
  if (!m) return '';
  const acc = m.accuracy.map(
    (r) =>
      `<tr><td>${userTextHtml(r.dataset)}</td><td>${escapeHtml(r.model)}${r.tested ? '' : ' <span class="small">(trained only)</span>'}</td><td class="num">${r.seeds.join(', ')}</td>` +
      `<td class="num">${r.accuracies.map(pct).join(', ')}</td><td class="num">${pct(r.mean)}</td><td class="num nw">${r.min === null ? '—' : `${pct(r.min)} – ${pct(r.max)}`}</td><td class="num">${r.sd === null ? '—' : `${(100 * r.sd).toFixed(1)} pts`}</td><td class="num">${pct(r.testMajority)}</td></tr>`,
  );
  const fin = m.findings.map(
    (r) =>
      `<tr><td>${r.id}</td><td>${userTextHtml(r.dataset)}</td><td>${escapeHtml(r.model)}${r.view === null ? '' : ` <span class="small">(${VIEW_LABELS[r.view]})</span>`}</td><td class="num">${r.seeds.join(', ')}</td>` +
      `<td class="num">${r.estimates.map(boundNum).join(', ')}</td><td>${r.verdicts.join(', ')}</td><td class="num">${r.documents.join(', ')}</td>` +
      `<td class="num nw">${r.min === null ? '—' : `${num(r.min)} – ${num(r.max)}`}</td><td class="num">${num(r.sd)}</td></tr>`,
  );
  const js = m.attentionJs.map(
    (r) =>
      `<tr><td>${userTextHtml(r.dataset)}</td><td>${escapeHtml(r.model)}</td><td class="num">${r.seedA} vs ${r.seedB}</td><td class="num">${r.documents}</td>` +
      (r.median === null
        ? `<td colspan="3">${escapeHtml(r.note ?? '')}</td>`
        : `<td class="num">${num(r.median, 4)}</td><td class="num nw">[${num(r.lo, 4)}, ${num(r.hi, 4)}]</td><td class="num nw">${num(r.q1, 4)} – ${num(r.q3, 4)}</td>`) +
      '</tr>',
  );
  return `<section id="seeds"><h2>Seeds and uniform attention (Wiegreffe &amp; Pinter 2019)</h2>
<p class="small">How to read it: the rest of the report shows each model's first training seed. Here every model trained with
several seeds (<code>reproduce --seeds N</code>) gives each seed's number, so a finding that holds on one seed and not another is
visible; and a model trained with uniform attention (α = 1/n, <code>--attention-kinds …,uniform</code>) gives the accuracy a model
reaches without learned attention. A spread across seeds is min – max and the sample standard deviation over the seeds; the
spread across documents is each seed's own interval in the findings table above. Definitions: docs/faithfulness.md.</p>
<h3>Test accuracy by seed</h3>
<p class="small">Table 3's accuracy (the full test split) of every seed. If a uniform-attention model is about as accurate as the
learned one, the task does not need attention, and what attention shows on it says little about the decision.</p>
<table class="report-table" id="table-seed-accuracy"><thead><tr><th>data set</th><th>model</th><th>seeds</th><th>accuracy per seed</th><th>mean</th><th>min – max</th><th>s.d.</th><th>majority class</th></tr></thead>
<tbody>${acc.join('\n')}</tbody></table>
${fin.length === 0 ? '' : `<h3>Findings by seed</h3>
<p class="small">Each seed's estimate, verdict and documents, computed from that seed's run alone exactly as in the findings table;
min – max and s.d. over the seeds with a finite estimate (∞: a ratio with no documents against it).</p>
<table class="report-table" id="table-seed-findings"><thead><tr><th>finding</th><th>data set</th><th>model</th><th>seeds</th><th>estimate per seed</th><th>verdict per seed</th><th>documents per seed</th><th>min – max</th><th>s.d.</th></tr></thead>
<tbody>${fin.join('\n')}</tbody></table>`}
${js.length === 0 ? '' : `<h3>Attention across seeds</h3>
<p class="small">Per test document with at least two items, the Jensen–Shannon divergence (natural log, 0 to ln 2 ≈ 0.693) between
the final attention layer of the first seed and of another seed; median with its 95% bootstrap interval over documents, and the
quartiles. This is how far attention moves when only the seed changes: an adversarial attention distribution is "very different"
only if its JS is well above this.</p>
<table class="report-table" id="table-seed-js"><thead><tr><th>data set</th><th>model</th><th>seeds</th><th>documents</th><th>median JS</th><th>95% interval</th><th>quartiles</th></tr></thead>
<tbody>${js.join('\n')}</tbody></table>`}
<p class="small">Tables: ${Object.values(SEED_CSV_FILES).map((f) => `<a href="${f}">${f}</a>`).join(', ')}.</p>
</section>`;
}

export function seedsCsvFiles(m: SeedsModel): Record<keyof typeof SEED_CSV_FILES, string> {
  const list = (xs: readonly (number | string | null)[]): string => xs.map((x) => (x === null ? '' : x === 'unbounded' ? 'inf' : String(x))).join(';');
  return {
    accuracy: csv(
      ['dataset', 'model', 'attention', 'tested', 'seeds', 'accuracies', 'n', 'mean', 'min', 'max', 'sd', 'test_majority'],
      m.accuracy.map((r) => [r.dataset, r.model, r.attention, r.tested, list(r.seeds), list(r.accuracies), r.n, r.mean, r.min, r.max, r.sd, r.testMajority]),
    ),
    findings: csv(
      ['finding', 'dataset', 'model', 'view', 'seeds', 'estimates', 'verdicts', 'documents', 'n', 'mean', 'min', 'max', 'sd'],
      m.findings.map((r) => [r.id, r.dataset, r.model, r.view ?? '', list(r.seeds), list(r.estimates), list(r.verdicts), list(r.documents), r.n, r.mean, r.min, r.max, r.sd]),
    ),
    attentionJs: csv(
      ['dataset', 'model', 'seed_a', 'seed_b', 'documents', 'median_js', 'ci_lo', 'ci_hi', 'q1', 'q3', 'note'],
      m.attentionJs.map((r) => [r.dataset, r.model, r.seedA, r.seedB, r.documents, r.median, r.lo, r.hi, r.q1, r.q3, r.note]),
    ),
  };
}
