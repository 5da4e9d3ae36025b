// The paper's four data sets (SPEC §2): how their files look, their classes, and the training-set
// outlier filter of the reference (drop documents with more sentences, or a longer sentence, than this).

export interface OutlierFilter {
  maxSentences: number;
  maxSentenceTokens: number;
}

export interface Preset {
  name: PresetName;
  format: 'csv' | 'json';
  labelField?: string;
  textField?: string;
  /** The label values the files use, in class order (class id = position). */
  labelValues: string[];
  /** Human-readable class names, same order (defaults to the label values). */
  classNames?: string[];
  filter?: OutlierFilter;
}

export type PresetName = 'yahoo' | 'imdb' | 'amazon' | 'yelp';
export const PRESET_NAMES: readonly PresetName[] = ['yahoo', 'imdb', 'amazon', 'yelp'];

const oneTo = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i + 1));

export const PRESETS: Record<PresetName, Preset> = {
  yahoo: {
    name: 'yahoo',
    format: 'csv',
    labelValues: oneTo(10),
    // Zhang et al.'s classes.txt for yahoo_answers_csv.
    classNames: [
      'Society & Culture', 'Science & Mathematics', 'Health', 'Education & Reference', 'Computers & Internet',
      'Sports', 'Business & Finance', 'Entertainment & Music', 'Family & Relationships', 'Politics & Government',
    ],
    filter: { maxSentences: 25, maxSentenceTokens: 175 },
  },
  imdb: { name: 'imdb', format: 'json', labelField: 'rating', textField: 'review', labelValues: oneTo(10) },
  amazon: { name: 'amazon', format: 'csv', labelValues: oneTo(5), filter: { maxSentences: 15, maxSentenceTokens: 130 } },
  yelp: { name: 'yelp', format: 'csv', labelValues: oneTo(5), filter: { maxSentences: 43, maxSentenceTokens: 200 } },
};

export function isPresetName(s: string): s is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(s);
}
