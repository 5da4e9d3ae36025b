// The flags attnlab diagnose and attnlab adversary share (src/cli/model-folders.ts): each bad value is
// refused by both commands with the same single line naming the command and the flag, before any model
// or data is read; and the folder checks attnlab eval shares with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as diagnose } from '../../src/cli/commands/diagnose.ts';
import { command as adversary } from '../../src/cli/commands/adversary.ts';
import { command as evalCommand } from '../../src/cli/commands/eval.ts';
import { modelDirsOf, modelPassOptions } from '../../src/cli/model-folders.ts';
import { UserError } from '../../src/util/errors.ts';

async function refusal(run: () => Promise<number>): Promise<string> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof UserError, `a UserError, not ${String(err)}`);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    return err.message;
  }
  assert.fail('not refused');
}

test('diagnose and adversary refuse each bad shared option with the same one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-model-folders-'));
  try {
    const bad: [string[], RegExp][] = [
      [['--epochs', '0'], /: --epochs must be an integer >= 1, got '0'$/],
      [['--seed=-1'], /: --seed must be an integer >= 0, got '-1'$/],
      [['--seed', '-1'], /: Option '--seed' argument is ambiguous\. Did you forget .* use '--seed=-XYZ'\.$/], // node's 3 lines, as one
      [['--threads', 'two'], /: --threads must be an integer >= 1, got 'two'$/],
      [['--format', 'xls'], /: --format expects .*, got "xls"$/],
      [['--max-sentences', '3'], /: --max-sentences and --max-sentence-tokens go together$/],
      [['--bogus'], /: Unknown option '--bogus'/],
    ];
    for (const [name, command] of [['diagnose', diagnose], ['adversary', adversary]] as const) {
      for (const [flags, expected] of bad) {
        const msg = await refusal(() => command.run([dir, ...flags]));
        assert.match(msg, new RegExp(`^attnlab ${name}`), msg);
        assert.match(msg, expected, `${name} ${flags.join(' ')}`);
      }
      assert.equal(await refusal(() => command.run([])), `attnlab ${name}: name at least one folder of trained models (attnlab ${name} --help)`);
      assert.equal(await refusal(() => command.run([join(dir, 'nowhere')])), `attnlab ${name}: ${join(dir, 'nowhere')} does not exist`);
      assert.match(await refusal(() => command.run([dir])), new RegExp(`^attnlab ${name}: no model.json at or below `));
    }
    // The command's own options keep their own checks.
    assert.match(await refusal(() => diagnose.run([dir, '--hidden', '0'])), /^attnlab diagnose: --hidden must be an integer >= 1, got '0'$/);
    assert.match(await refusal(() => adversary.run([dir, '--lambda', 'x'])), /^attnlab adversary: --lambda: 'x' is not a number >= 0/);
    assert.match(await refusal(() => evalCommand.run([dir])), /^attnlab eval: no model.json at or below /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('modelPassOptions sets only the settings given; modelDirsOf finds model.json folders', () => {
  assert.deepEqual(modelPassOptions('x', {}).settings, {});
  const p = modelPassOptions('x', { epochs: '3', seed: '0', threads: '2', fresh: true, data: 'toy' });
  assert.deepEqual(p.settings, { epochs: 3, seed: 0 });
  assert.equal(p.threads, 2);
  assert.equal(p.fresh, true);
  assert.equal(p.data, 'toy');
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-model-folders-'));
  try {
    for (const m of ['a', 'b/c']) {
      mkdirSync(join(dir, m), { recursive: true });
      writeFileSync(join(dir, m, 'model.json'), '{}');
    }
    assert.deepEqual(modelDirsOf('x', [dir]), [join(dir, 'a'), join(dir, 'b/c')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
