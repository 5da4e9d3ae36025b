// The one ordering rule every ranking uses: score descending, ties to the lower index (SPEC §4).

export function orderByScoreDescending(scores: Float64Array): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((i, j) => scores[j]! - scores[i]! || i - j);
}
