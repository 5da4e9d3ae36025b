import { basename, resolve } from 'node:path';

// The paper's four data sets (docs/method.md §2): their fields and classes, and the training-set outlier filter of
// the reference (drop documents with more sentences, or a longer sentence, than this).

export interface OutlierFilter {
  maxSentences: number;
  maxSentenceTokens: number;
}

export interface Preset {
  name: PresetName;
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
    labelValues: oneTo(10),
    // Zhang et al.'s classes.txt for yahoo_answers_csv.
    classNames: [
      'Society & Culture', 'Science & Mathematics', 'Health', 'Education & Reference', 'Computers & Internet',
      'Sports', 'Business & Finance', 'Entertainment & Music', 'Family & Relationships', 'Politics & Government',
    ],
    filter: { maxSentences: 25, maxSentenceTokens: 175 },
  },
  imdb: { name: 'imdb', labelField: 'rating', textField: 'review', labelValues: oneTo(10) },
  amazon: { name: 'amazon', labelValues: oneTo(5), filter: { maxSentences: 15, maxSentenceTokens: 130 } },
  yelp: { name: 'yelp', labelValues: oneTo(5), filter: { maxSentences: 43, maxSentenceTokens: 200 } },
};

export function isPresetName(s: string): s is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(s);
}

/** The preset a source's name points at: yahoo_answers_csv -> yahoo (letters only, lowercased, prefix). */
export function presetFromName(source: string): PresetName | undefined {
  const name = basename(resolve(source)).toLowerCase().replace(/[^a-z]/g, '');
  return PRESET_NAMES.find((p) => name.startsWith(p));
}
