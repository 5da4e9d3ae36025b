// One definition of the data options (issue 10 item 4, issue 11): every command that reads a data source
// accepts the same flags, checks them with the same messages, and hands the same PrepareOptions on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_OPTIONS, dataArgs, dataOptionsFrom } from '../../src/cli/data-options.ts';
import { integerOption } from '../../src/cli/args.ts';
import { parseCommandArgs } from '../../src/cli/args.ts';
import { command as trainCommand } from '../../src/cli/commands/train.ts';
import { command as evalCommand } from '../../src/cli/commands/eval.ts';
import { command as dataCommand } from '../../src/cli/commands/data.ts';
import { runTestCommand, type LoadTestSource } from '../../src/cli/commands/test.ts';
import { UserError } from '../../src/util/errors.ts';

const ALL = ['--format', 'csv', '--preset', 'none', '--test', 't.csv', '--dev', 'd.csv', '--label-field', 'l', '--text-field', 'a,b', '--split-field', 's', '--skip-bad', '--min-count', '3', '--max-sentences', '9', '--max-sentence-tokens', '99', '--dev-seed', '4', '--cache', 'c'];
const WANT = { format: 'csv', preset: 'none', test: 't.csv', dev: 'd.csv', labelField: 'l', textField: 'a,b', splitField: 's', skipBad: true, minCount: 3, seed: 4, cacheDir: 'c', filter: { maxSentences: 9, maxSentenceTokens: 99 } };

test('the data flags parse to PrepareOptions; only given options are set; dataArgs writes them out again', () => {
  const { values } = parseCommandArgs('x', ALL, DATA_OPTIONS);
  assert.deepEqual(dataOptionsFrom('x', values), WANT);
  assert.deepEqual(dataOptionsFrom('x', parseCommandArgs('x', [], DATA_OPTIONS).values), {});
  assert.deepEqual(dataOptionsFrom('x', parseCommandArgs('x', ['--no-filter'], DATA_OPTIONS).values), { filter: null });
  assert.deepEqual(dataOptionsFrom('x', parseCommandArgs('x', dataArgs(values), DATA_OPTIONS).values), WANT);
  assert.throws(() => dataOptionsFrom('train', { preset: 'nope' }), /^UserError: attnlab train: --preset expects yahoo\|imdb\|amazon\|yelp\|none, got "nope"$/);
  assert.throws(() => dataOptionsFrom('eval', { 'min-count': '0' }), /^UserError: attnlab eval: --min-count must be an integer >= 1, got '0'$/);
  assert.throws(() => dataOptionsFrom('test', { 'max-sentences': '5' }), /--max-sentences and --max-sentence-tokens go together/);
});

test('one integer parser: integers at or above the minimum, everything else refused with the flag and the value', () => {
  assert.equal(integerOption('c', '--n', undefined, 1), undefined);
  assert.equal(integerOption('c', '--n', '7', 1), 7);
  for (const bad of ['0', '1.5', 'x', '', ' ', 'Infinity', '1e400']) assert.throws(() => integerOption('c', '--n', bad, 1), new RegExp(`^UserError: attnlab c: --n must be an integer >= 1, got '${bad}'$`));
});

const refusesWith = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);

test('train, test, eval and data all accept the data options and check them the same way', async () => {
  // Each of these failed with "Unknown option '--skip-bad'" (or --format ...) except in `data`.
  await assert.rejects(trainCommand.run(['no-such-data', ...ALL, '--lr', 'fast']), refusesWith(/^--lr: must be a positive number/));
  await assert.rejects(trainCommand.run(['no-such-data', '--preset', 'nope']), refusesWith(/^attnlab train: --preset expects/));
  await assert.rejects(evalCommand.run(['/no/such/folder', ...ALL]), refusesWith(/^attnlab eval: \/no\/such\/folder does not exist$/));
  await assert.rejects(evalCommand.run(['/no/such/folder', '--min-count', '0']), refusesWith(/^attnlab eval: --min-count must be an integer >= 1/));
  await assert.rejects(dataCommand.run(['prepare', 'x', '--preset', 'nope']), refusesWith(/^attnlab data: --preset expects/));
  let seen: unknown;
  const load: LoadTestSource = (_c, _s, _d, options) => {
    seen = options;
    return Promise.reject(new UserError('stop here'));
  };
  await assert.rejects(runTestCommand(['ckpt', ...ALL], load), /stop here/);
  assert.deepEqual(seen, WANT);
});
