// The report's number format (src/report/numbers.ts): no "-0.000" anywhere, a tiny value keeps its size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixed } from '../../src/report/numbers.ts';

test('fixed: decimals as toFixed, but a non-zero value that rounds to zero shows its first significant digit', () => {
  assert.equal(fixed(0.1234, 3), '0.123');
  assert.equal(fixed(-0.1236, 3), '-0.124');
  assert.equal(fixed(0, 3), '0.000');
  assert.equal(fixed(-0, 3), '0.000');
  assert.equal(fixed(-0.0002, 3), '-0.0002');
  assert.equal(fixed(0.00049, 3), '0.0005');
  assert.equal(fixed(-0.0004999, 3), '-0.0005');
  assert.equal(fixed(3e-7, 3), '3e-7');
  assert.equal(fixed(0.0005, 3), '0.001', 'rounds away from zero: printed as toFixed does');
  assert.equal(fixed(-0.04, 1), '-0.04');
  for (const x of [-1e-9, -0.0001, -0.00049]) assert.doesNotMatch(fixed(x, 3), /^-0\.0+$/);
});
