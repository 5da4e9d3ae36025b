// The explorer's erasure, run in the browser: docs/method.md §4's fast path, the same as src/erasure/erase.ts.
// With z_i = W h_i, erasing a set S of items gives
//   logits' = (sum_{i not in S} alpha_i z_i) / (sum_{i not in S} alpha_i) + b,   and logits' = b when S is everything.
// A classic script (no modules, so explorer.html works from file://); test/report/explorer-math.test.ts
// loads this very file and checks it against erase.ts.
'use strict';

/** softmax, shifted by the maximum so large logits do not overflow. */
function explorerSoftmax(x) {
  let max = -Infinity;
  for (const v of x) if (v > max) max = v;
  const e = x.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Index of the largest value, ties to the lower index (the battery's rule). */
function explorerArgmax(x) {
  let best = 0;
  for (let k = 1; k < x.length; k++) if (x[k] > x[best]) best = k;
  return best;
}

/**
 * Output after erasing the items with erased[i] true. doc: { alpha (n), z (n × C row-major), b (C) }.
 * Returns { logits, p, decision, kept, massErased }.
 */
function explorerErase(doc, erased) {
  const n = doc.alpha.length;
  const C = doc.b.length;
  const num = new Float64Array(C);
  let mass = 0;
  let kept = 0;
  let massErased = 0;
  for (let i = 0; i < n; i++) {
    const a = doc.alpha[i];
    if (erased[i]) {
      massErased += a;
      continue;
    }
    kept++;
    mass += a;
    for (let k = 0; k < C; k++) num[k] += a * doc.z[i * C + k];
  }
  const logits = [];
  for (let k = 0; k < C; k++) logits.push(kept > 0 && mass > 0 ? num[k] / mass + doc.b[k] : doc.b[k]);
  return { logits, p: explorerSoftmax(logits), decision: explorerArgmax(logits), kept, massErased };
}

// Globals of the page (and of the test's context), as a classic script's functions are anyway.
Object.assign(globalThis, { explorerSoftmax, explorerArgmax, explorerErase });
