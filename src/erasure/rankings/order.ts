// The one ordering rule every ranking uses: score descending, ties to the lower index (docs/method.md §5).
// A stable merge sort of indices on a typed array: about 3x faster than Array.prototype.sort with a
// comparator, and the battery sorts several times per document.

const RUN = 8; // insertion-sorted runs before merging

export function orderByScoreDescending(scores: ArrayLike<number>): Int32Array {
  const n = scores.length;
  let a = new Int32Array(n);
  let b = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let start = 0; start < n; start += RUN) {
    const end = Math.min(n, start + RUN);
    for (let i = start + 1; i < end; i++) {
      const x = a[i]!;
      const key = scores[x]!;
      let j = i - 1;
      // Strictly smaller scores move right; equal scores keep their (index) order: stable.
      while (j >= start && scores[a[j]!]! < key) {
        a[j + 1] = a[j]!;
        j--;
      }
      a[j + 1] = x;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        // Take from the left run on ties: stable.
        if (scores[a[i]!]! >= scores[a[j]!]!) b[o++] = a[i++]!;
        else b[o++] = a[j++]!;
      }
      while (i < mid) b[o++] = a[i++]!;
      while (j < hi) b[o++] = a[j++]!;
    }
    const t = a;
    a = b;
    b = t;
  }
  return a;
}
