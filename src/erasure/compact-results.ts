// Per-document results held compactly, so the summary (summary.ts), the examples (examples.ts) and the
// report can work over 100 k+ documents without holding their DocumentResult objects. A parsed
// DocumentResult costs ~2.7 KB of heap (an object per record, a boxed number per field); a compact one
// keeps its numbers in a shared Float64Array slab (~120 numbers, ~1 KB) and builds the record objects
// only when a reader asks for them (`single`, `multi`, `minimal` are getters; `multi` builds one ranking
// at a time). It reads back exactly what was stored: every number is kept as the double it was.
//
// Only the fields this file knows are packed. A document with anything else (a field another test added
// to a record, a record of an unexpected shape) is kept as it came; unknown top-level fields
// (igCompletenessError, kendallTau, later tests' own) ride along as they are. So a new field never
// goes missing here, it only costs its own memory (test/erasure/compact-results.test.ts checks that).
import type { DocumentResult, FlipStatus, MinimalFlipRecord, MultiWeightRecord, SingleWeightRecord } from './types.ts';

const STATUSES: readonly FlipStatus[] = ['flipped', 'zero_vector', 'never_flips', 'single_item'];
const SINGLE_KEYS = ['top', 'other', 'alphaTop', 'alphaOther', 'jsTop', 'jsOther', 'deltaAlpha', 'deltaJs', 'flipTop', 'flipOther'] as const;
const SINGLE_BOOLEAN = new Set<string>(['flipTop', 'flipOther']);
const MULTI_KEYS = ['status', 'erased', 'fraction', 'massErased', 'flipsTo', 'extraOverMinimal'] as const;
const MINIMAL_KEYS = ['status', 'size', 'fraction', 'massErased', 'flipsTo'] as const;
const TOP_KEYS = new Set(['docId', 'index', 'label', 'predicted', 'n', 'confidence', 'single', 'multi', 'minimal']);
// null is stored as NaN: JSON has no NaN, so a stored NaN can only mean null.
const NULL = NaN;

/** Which records a document has, in which order: shared by every document of the same shape. */
interface Shape {
  singles: { name: string; present: boolean }[];
  multi: { name: string; orders: number; at: number }[];
  minimalMethod: MinimalFlipRecord['method'];
  minimalAt: number;
  width: number;
}

const shapes = new Map<string, Shape>();

function shapeOf(d: DocumentResult): Shape {
  const singles = Object.entries(d.single).map(([name, r]) => ({ name, present: r !== null }));
  const multiEntries = Object.entries<MultiWeightRecord[]>(d.multi);
  const key = `${singles.map((s) => `${s.name}${s.present ? '' : '!'}`).join(',')}|${multiEntries.map(([n, rs]) => `${n}:${rs.length}`).join(',')}|${d.minimal.method ?? ''}`;
  let shape = shapes.get(key);
  if (!shape) {
    let at = singles.filter((s) => s.present).length * SINGLE_KEYS.length;
    const multi = multiEntries.map(([name, rs]) => {
      const m = { name, orders: rs.length, at };
      at += rs.length * MULTI_KEYS.length;
      return m;
    });
    shape = { singles, multi, minimalMethod: d.minimal.method, minimalAt: at, width: at + MINIMAL_KEYS.length };
    shapes.set(key, shape);
  }
  return shape;
}

const isNum = (v: unknown): v is number => typeof v === 'number';
const numOrNull = (v: unknown): boolean => v === null || isNum(v);

function sameKeys(o: object, keys: readonly string[], extra: readonly string[]): boolean {
  const own = Object.keys(o);
  if (own.length !== keys.length + extra.length) return false;
  return own.every((k) => keys.includes(k) || extra.includes(k));
}

/** Can this document be packed without losing anything? */
function packable(d: DocumentResult): boolean {
  if (typeof d !== 'object' || d === null) return false;
  if (!isNum(d.index) || !isNum(d.label) || !isNum(d.predicted) || !isNum(d.n) || !isNum(d.confidence)) return false;
  if (!(typeof d.docId === 'number' || typeof d.docId === 'string')) return false;
  if (typeof d.single !== 'object' || d.single === null || typeof d.multi !== 'object' || d.multi === null) return false;
  for (const [name, r] of Object.entries<SingleWeightRecord | null>(d.single)) {
    if (r === null) continue;
    if (typeof r !== 'object' || r.ranking !== name || !sameKeys(r, SINGLE_KEYS, ['ranking'])) return false;
    for (const k of SINGLE_KEYS) if (SINGLE_BOOLEAN.has(k) ? typeof r[k] !== 'boolean' : !isNum(r[k])) return false;
  }
  for (const [name, rs] of Object.entries(d.multi) as [string, unknown][]) {
    if (!Array.isArray(rs)) return false;
    for (let j = 0; j < rs.length; j++) {
      const r = rs[j] as MultiWeightRecord;
      if (typeof r !== 'object' || r === null || r.ranking !== name || r.permutation !== j || !sameKeys(r, MULTI_KEYS, ['ranking', 'permutation'])) return false;
      if (!STATUSES.includes(r.status)) return false;
      for (const k of MULTI_KEYS) if (k !== 'status' && !numOrNull(r[k])) return false;
    }
  }
  const m = d.minimal as MinimalFlipRecord | null;
  if (typeof m !== 'object' || m === null || !STATUSES.includes(m.status)) return false;
  if (!sameKeys(m, MINIMAL_KEYS, m.method === undefined ? [] : ['method'])) return false;
  if (m.method !== undefined && m.method !== 'greedy_upper_bound') return false;
  for (const k of MINIMAL_KEYS) if (k !== 'status' && !numOrNull(m[k])) return false;
  return true;
}

const SLAB = 1 << 20; // doubles per slab: 8 MiB

/** Where compact documents keep their numbers: append-only Float64Array slabs. */
export class CompactStore {
  private slab = new Float64Array(SLAB);
  private used = 0;

  /** Room for `n` numbers: the slab and the offset to write them at. */
  reserve(n: number): [Float64Array, number] {
    if (this.used + n > this.slab.length) {
      this.slab = new Float64Array(Math.max(SLAB, n));
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    return [this.slab, at];
  }
}

class CompactResult {
  declare docId: string | number;
  declare index: number;
  declare label: number;
  declare predicted: number;
  declare n: number;
  declare confidence: number;

  // Private (#): a spread or JSON.stringify of the document must not see the slab.
  readonly #shape: Shape;
  readonly #values: Float64Array;
  readonly #at: number;

  constructor(d: DocumentResult, shape: Shape, values: Float64Array, at: number) {
    this.#shape = shape;
    this.#values = values;
    this.#at = at;
    this.docId = d.docId;
    this.index = d.index;
    this.label = d.label;
    this.predicted = d.predicted;
    this.n = d.n;
    this.confidence = d.confidence;
    for (const k of Object.keys(d)) if (!TOP_KEYS.has(k)) (this as unknown as Record<string, unknown>)[k] = (d as unknown as Record<string, unknown>)[k];
  }

  get single(): DocumentResult['single'] {
    const out: Record<string, SingleWeightRecord | null> = {};
    let at = this.#at;
    for (const s of this.#shape.singles) {
      if (!s.present) {
        out[s.name] = null;
        continue;
      }
      const r: Record<string, unknown> = { ranking: s.name };
      for (const k of SINGLE_KEYS) r[k] = SINGLE_BOOLEAN.has(k) ? this.#values[at++] === 1 : this.#values[at++];
      out[s.name] = r as unknown as SingleWeightRecord;
    }
    return out;
  }

  get multi(): DocumentResult['multi'] {
    // A view that builds one ranking's records when that ranking is read: the summary reads one per pass.
    return new Proxy(this, MULTI_VIEW) as unknown as DocumentResult['multi'];
  }

  /** The records of one ranking, or undefined when the document has none (the multi view's getter). */
  recordsOf(ranking: string): MultiWeightRecord[] | undefined {
    const m = this.#shape.multi.find((x) => x.name === ranking);
    return m ? this.records(m.name, m.orders, m.at) : undefined;
  }

  rankings(): string[] {
    return this.#shape.multi.map((m) => m.name);
  }

  private records(ranking: string, orders: number, from: number): MultiWeightRecord[] {
    const v = this.#values;
    const out: MultiWeightRecord[] = [];
    let at = this.#at + from;
    for (let j = 0; j < orders; j++, at += MULTI_KEYS.length) {
      out.push({
        ranking: ranking as MultiWeightRecord['ranking'],
        permutation: j,
        status: STATUSES[v[at]!]!,
        erased: orNull(v[at + 1]!),
        fraction: orNull(v[at + 2]!),
        massErased: orNull(v[at + 3]!),
        flipsTo: orNull(v[at + 4]!),
        extraOverMinimal: orNull(v[at + 5]!),
      });
    }
    return out;
  }

  get minimal(): MinimalFlipRecord {
    const v = this.#values;
    const at = this.#at + this.#shape.minimalAt;
    const r: MinimalFlipRecord = { status: STATUSES[v[at]!]!, size: orNull(v[at + 1]!), fraction: orNull(v[at + 2]!), massErased: orNull(v[at + 3]!), flipsTo: orNull(v[at + 4]!) };
    if (this.#shape.minimalMethod !== undefined) r.method = this.#shape.minimalMethod;
    return r;
  }
}

const MULTI_VIEW: ProxyHandler<CompactResult> = {
  get: (doc, name) => (typeof name === 'string' ? doc.recordsOf(name) : undefined),
  has: (doc, name) => typeof name === 'string' && doc.rankings().includes(name),
  ownKeys: (doc) => doc.rankings(),
  getOwnPropertyDescriptor: (doc, name) => {
    const value = typeof name === 'string' ? doc.recordsOf(name) : undefined;
    return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
  },
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
};

function orNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

const put = (v: number | null): number => (v === null ? NULL : v);

/**
 * The document in compact form (reads back the same values through the same fields), or the document
 * itself when it has fields this file does not know how to pack.
 */
export function compactResult(d: DocumentResult, store: CompactStore): DocumentResult {
  if (!packable(d)) return d;
  const shape = shapeOf(d);
  const [values, at] = store.reserve(shape.width);
  let w = at;
  for (const s of shape.singles) {
    if (!s.present) continue;
    const r = d.single[s.name as keyof DocumentResult['single']]!;
    for (const k of SINGLE_KEYS) values[w++] = SINGLE_BOOLEAN.has(k) ? (r[k] ? 1 : 0) : (r[k] as number);
  }
  for (const m of shape.multi) {
    for (const r of d.multi[m.name as keyof DocumentResult['multi']]!) {
      values[w++] = STATUSES.indexOf(r.status);
      values[w++] = put(r.erased);
      values[w++] = put(r.fraction);
      values[w++] = put(r.massErased);
      values[w++] = put(r.flipsTo);
      values[w++] = put(r.extraOverMinimal);
    }
  }
  const mn = d.minimal;
  values[w++] = STATUSES.indexOf(mn.status);
  values[w++] = put(mn.size);
  values[w++] = put(mn.fraction);
  values[w++] = put(mn.massErased);
  values[w] = put(mn.flipsTo);
  return new CompactResult(d, shape, values, at);
}
