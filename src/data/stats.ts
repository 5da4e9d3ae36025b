// The paper's Table 1 for any prepared data set: average words (tokens, punctuation included) and
// sentences per document with standard deviations over all documents of all splits, the number of
// train + dev and test documents, and the number of classes.
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
