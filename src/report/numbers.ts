// Numbers as the report's tables print them. A median of −0.0002 printed to three decimals read "-0.000": a
// sign with no size, which looks like a negative zero or a rounding bug. fixed() keeps the decimals and
// shows such a value's first significant digit instead; an exact zero (and −0) prints as 0.
/** x to `digits` decimals; a non-zero x that rounds to zero there shows one significant digit (−0.0002, 3e-7). */
export function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  if (Number(s) !== 0) return s;
  return x === 0 ? (0).toFixed(digits) : x.toPrecision(1);
}
