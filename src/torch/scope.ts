// Deterministic memory: tensors made inside scope(fn) are disposed when fn returns, except the tensors in
// its result (which move to the enclosing scope) and tensors marked with keep(). Scopes nest. Outside any
// scope a tensor lives until dispose() or, as a safety net only, until the GC finalizes its handle.

export interface Owned {
  dispose(): void;
  /** true for tensors that no scope may dispose (parameters, optimizer state, caches). */
  kept: boolean;
}

const stack: Set<Owned>[] = [];

/** Called by every new tensor. */
export function track(t: Owned): void {
  const top = stack[stack.length - 1];
  if (top !== undefined) top.add(t);
}

/** Exempt t from every scope; the caller disposes it. Returns t. */
export function keep<T extends Owned>(t: T): T {
  t.kept = true;
  for (const s of stack) s.delete(t);
  return t;
}

/**
 * Run fn; dispose every tensor it made that is neither returned nor kept. Synchronous functions only
 * (an async fn would return before its tensors exist). Tensors are found in the result if it is a
 * tensor, or an array / plain object holding tensors (searched recursively).
 */
export function scope<R>(fn: () => R): R {
  const mine = new Set<Owned>();
  stack.push(mine);
  let result: R;
  try {
    result = fn();
  } catch (err) {
    stack.pop();
    for (const t of mine) t.dispose();
    throw err;
  }
  stack.pop();
  const escaping = new Set<Owned>();
  collect(result, escaping, 0);
  const parent = stack[stack.length - 1];
  for (const t of mine) {
    if (escaping.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Number of scopes currently open (for tests and assertions). */
export function scopeDepth(): number {
  return stack.length;
}

function collect(v: unknown, out: Set<Owned>, depth: number): void {
  if (v === null || typeof v !== 'object' || depth > 8) return;
  if (isOwned(v)) {
    out.add(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out, depth + 1);
    return;
  }
  if (v instanceof Map) {
    for (const x of v.values()) collect(x, out, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === Object.prototype || proto === null) for (const x of Object.values(v)) collect(x, out, depth + 1);
}

function isOwned(v: object): v is Owned {
  return typeof (v as Owned).dispose === 'function' && typeof (v as Owned).kept === 'boolean';
}
