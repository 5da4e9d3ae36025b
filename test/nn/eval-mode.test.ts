// inEvalMode: eval mode while fn runs, the train/eval flag put back afterwards, on a throw, when nested, and for async fn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Module, inEvalMode } from '../../src/nn/index.ts';

class Leaf extends Module {}
class Tree extends Module {
  a = this.child('a', new Leaf());
  b = this.child('b', new Leaf());
}

const flags = (m: Tree): boolean[] => [m.training, m.a.training, m.b.training];

test('eval mode (children too) while fn runs; the value comes back and the flag is restored', () => {
  const m = new Tree();
  const seen = inEvalMode(m, () => flags(m));
  assert.deepEqual(seen, [false, false, false]);
  assert.deepEqual(flags(m), [true, true, true]);
  m.eval();
  assert.equal(inEvalMode(m, () => 42), 42);
  assert.deepEqual(flags(m), [false, false, false], 'a module in eval mode stays in eval mode');
});

test('the flag is restored when fn throws, and the error passes through unchanged', () => {
  for (const start of [true, false]) {
    const m = new Tree().train(start);
    const err = new Error('boom');
    assert.throws(
      () =>
        inEvalMode(m, () => {
          assert.equal(m.training, false);
          throw err;
        }),
      (e) => e === err,
    );
    assert.deepEqual(flags(m), [start, start, start], `started in ${start ? 'train' : 'eval'} mode`);
  }
});

test('nested calls: the inner one puts back eval mode, the outer one the flag it found', () => {
  const m = new Tree();
  inEvalMode(m, () => {
    inEvalMode(m, () => assert.equal(m.training, false));
    assert.deepEqual(flags(m), [false, false, false], 'still eval after the inner call');
    assert.throws(() =>
      inEvalMode(m, () => {
        throw new Error('inner');
      }),
    );
    assert.deepEqual(flags(m), [false, false, false], 'still eval after the inner call threw');
    inEvalMode(m.a, () => assert.equal(m.a.training, false)); // a child on its own
    assert.equal(m.a.training, false);
  });
  assert.deepEqual(flags(m), [true, true, true]);
});

test('async fn: eval mode across its awaits, the flag restored once it settles (resolved or rejected)', async () => {
  const m = new Tree();
  const pending = inEvalMode(m, async () => {
    await new Promise((r) => setImmediate(r));
    return flags(m);
  });
  assert.equal(m.training, false, 'not restored before the promise settles');
  assert.deepEqual(await pending, [false, false, false]);
  assert.deepEqual(flags(m), [true, true, true]);

  const err = new Error('late');
  const failing = inEvalMode(m, async () => {
    await new Promise((r) => setImmediate(r));
    throw err;
  });
  assert.equal(m.training, false);
  await assert.rejects(failing, (e) => e === err);
  assert.deepEqual(flags(m), [true, true, true]);
});
