// libtorch failures must reach JS as Errors with libtorch's own message, never abort the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.ts';
import { native } from '../../src/torch/native.ts';

test('a shape mismatch becomes a JS Error carrying libtorch message', () => {
  torch.scope(() => {
    const a = torch.zeros([2, 3]);
    assert.throws(() => a.matmul(a), { message: 'mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)' });
    assert.throws(() => a.reshape([4, 2]), /shape '\[4, 2\]' is invalid for input of size 6/);
  });
});

test('errors in the GRU, cross-entropy and cat arrive as Errors too', () => {
  torch.scope(() => {
    const x = torch.zeros([2, 3, 4]);
    const w = [torch.zeros([6, 4]), torch.zeros([6, 2]), torch.zeros([6]), torch.zeros([6])];
    assert.throws(() => torch.gru(x, torch.tensor(new Int32Array([3, 0])), { weights: w, bidirectional: false }, false), /every length must be between 1 and 3/);
    assert.throws(() => torch.gru(x, torch.tensor(new Int32Array([3])), { weights: w, bidirectional: false }, false), /one entry per sequence/);
    assert.throws(() => torch.crossEntropy(torch.zeros([2, 3]), torch.tensor(new Int32Array([0, 5]))), /out of bounds|Target 5/);
    assert.throws(() => torch.cat([torch.zeros([2, 3]), torch.zeros([3, 2])], 0), /Sizes of tensors must match/);
  });
});

test('using a disposed tensor is an Error, and dispose is idempotent', () => {
  const t = torch.ones([2]);
  t.dispose();
  t.dispose();
  assert.equal(t.disposed, true);
  assert.throws(() => t.add(1), /already disposed/);
});

test('wrong argument types at the native boundary are TypeErrors, not crashes', () => {
  // The typed addon (src/torch/native-api.ts) refuses these at compile time; at run time the C++ side
  // still answers with a TypeError, not a crash.
  // @ts-expect-error a number is not a tensor handle
  assert.throws(() => native.tanh(42), TypeError);
  // @ts-expect-error a shape is number[]
  assert.throws(() => native.reshape(native.zeros([2], 'float32', 'cpu'), 'x'), TypeError);
  // @ts-expect-error not a DType
  assert.throws(() => native.zeros([2], 'complex128', 'cpu'), /unknown dtype 'complex128'/);
  assert.throws(() => torch.tensor(new Float32Array(3), [2, 2]), /shape holds 4 elements but the data has 3/);
});

test('an unavailable device is an Error (CUDA asked of a CPU-only build)', { skip: torch.cudaDeviceCount() > 0 }, () => {
  assert.throws(() => torch.zeros([2], { device: 'cuda' }), Error);
});
