import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyTable } from '../../src/train/index.ts';

test('Table 3 layout: paper column order, one decimal, "-" for a missing model, majority column', () => {
  const t = accuracyTable([
    { dataset: 'sotu-era5', arch: 'flan-rnn', accuracy: 0.61234, majority: 0.238, dir: 'a' },
    { dataset: 'brown-genre5', arch: 'han-rnn', accuracy: 0.7, majority: 0.338, dir: 'b' },
    { dataset: 'brown-genre5', arch: 'flan-rnn', accuracy: 0.655, majority: 0.338, dir: 'c' },
  ]);
  assert.equal(
    t,
    [
      '| Dataset      | HAN-rnn | FLAN-rnn | Majority class |',
      '|--------------|--------:|---------:|---------------:|',
      '| sotu-era5    |       - |     61.2 |           23.8 |',
      '| brown-genre5 |    70.0 |     65.5 |           33.8 |',
    ].join('\n'),
  );
});
