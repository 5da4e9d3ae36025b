// The paper's Table 1 for any prepared data set: average words (tokens, punctuation included) and
// sentences per document with standard deviations over all documents of all splits, the number of
// train + dev and test documents, and the number of classes; beside it the length distribution (quantiles
// of words and sentences per document), which a mean and s.d. hide for skewed lengths.
import type { Dataset, Split } from './dataset.ts';

export interface MeanSd {
  mean: number;
  sd: number;
}

export interface DatasetStats {
  name: string;
  words: MeanSd;
  sentences: MeanSd;
  trainDev: number;
  train: number;
  dev: number;
  test: number;
  classes: number;
  /** Documents per class over all splits, in class order. */
  classCounts: number[];
  vocabSize: number;
  /** Quantiles of document length over all splits. */
  lengths: { words: LengthDistribution; sentences: LengthDistribution };
}

/** Quantiles of an integer length (nearest rank: the smallest length with at least q of documents at or below it). */
export interface LengthDistribution {
  min: number;
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  max: number;
  /** How many different lengths occur. */
  distinct: number;
}

/**
 * Counts of non-negative integer lengths. Lengths are small integers, so a histogram gives exact
 * nearest-rank quantiles in one pass without keeping or sorting the values.
 */
export class LengthHistogram {
  private counts: number[] = [];
  private n = 0;

  add(length: number): void {
    this.counts[length] = (this.counts[length] ?? 0) + 1;
    this.n++;
  }

  /** The smallest length L with at least ceil(q n) values <= L (q in [0, 1]; q = 0 gives the minimum). */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let L = 0; L < this.counts.length; L++) {
      seen += this.counts[L] ?? 0;
      if (seen >= rank) return L;
    }
    return this.counts.length - 1;
  }

  distribution(): LengthDistribution {
    return {
      min: this.quantile(0),
      p10: this.quantile(0.1),
      p25: this.quantile(0.25),
      median: this.quantile(0.5),
      p75: this.quantile(0.75),
      p90: this.quantile(0.9),
      max: this.n ? this.counts.length - 1 : NaN,
      distinct: this.counts.filter((c) => c > 0).length,
    };
  }
}

/** Word and sentence length quantiles over all documents of all splits (for Table 1 and `data stats`). */
export function lengthDistributions(ds: Dataset): DatasetStats['lengths'] {
  const words = new LengthHistogram();
  const sentences = new LengthHistogram();
  for (const s of [ds.train, ds.dev, ds.test]) {
    for (let i = 0; i < s.size; i++) {
      const first = s.docOffsets[i]!;
      const last = s.docOffsets[i + 1]!;
      sentences.add(last - first);
      words.add(s.sentOffsets[last]! - s.sentOffsets[first]!);
    }
  }
  return { words: words.distribution(), sentences: sentences.distribution() };
}

/** Mean and sample standard deviation (n - 1), computed in one pass (Welford). */
export class RunningMeanSd {
  private n = 0;
  private mean = 0;
  private m2 = 0;

  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  result(): MeanSd {
    return { mean: this.n ? this.mean : NaN, sd: this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0 };
  }
}

export function datasetStats(ds: Dataset): DatasetStats {
  const words = new RunningMeanSd();
  const sentences = new RunningMeanSd();
  const classCounts = new Array<number>(ds.labels.length).fill(0);
  const visit = (s: Split): void => {
    for (let i = 0; i < s.size; i++) {
      const first = s.docOffsets[i]!;
      const last = s.docOffsets[i + 1]!;
      sentences.add(last - first);
      words.add(s.sentOffsets[last]! - s.sentOffsets[first]!);
      classCounts[s.labels[i]!]!++;
    }
  };
  visit(ds.train);
  visit(ds.dev);
  visit(ds.test);
  return {
    name: ds.name,
    words: words.result(),
    sentences: sentences.result(),
    trainDev: ds.train.size + ds.dev.size,
    train: ds.train.size,
    dev: ds.dev.size,
    test: ds.test.size,
    classes: ds.labels.length,
    classCounts,
    vocabSize: ds.vocab.length,
    lengths: lengthDistributions(ds),
  };
}

const int = (n: number): string => n.toLocaleString('en-US');

/** Table 1 layout: header line and one row per data set. */
export function formatStatsTable(rows: DatasetStats[]): string {
  const header = ['Dataset', 'Av. # Words (s.d.)', 'Av. # Sents. (s.d.)', '# Train. + Dev.', '# Test', '# Classes'];
  const body = rows.map((r) => [
    r.name,
    `${r.words.mean.toFixed(0)} (${r.words.sd.toFixed(0)})`,
    `${r.sentences.mean.toFixed(1)} (${r.sentences.sd.toFixed(1)})`,
    int(r.trainDev),
    int(r.test),
    String(r.classes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

/** Length quantiles per data set: one line for words and one for sentences per document. */
export function formatLengthTable(rows: DatasetStats[]): string {
  const header = ['Dataset', 'Length', 'min', '10%', '25%', 'median', '75%', '90%', 'max', 'distinct'];
  const body = rows.flatMap((r) =>
    (['words', 'sentences'] as const).map((k) => {
      const d = r.lengths[k];
      return [r.name, k, d.min, d.p10, d.p25, d.median, d.p75, d.p90, d.max, d.distinct].map(String);
    }),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}
