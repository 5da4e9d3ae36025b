// attnlab import: a PyTorch state dict made by reference/export_state_dict.py (committed fixtures) becomes an
// attnlab model folder whose model gives PyTorch's logits; missing, unexpected and mis-shaped tensors and bad
// sizes are refused with errors that name them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../../src/torch/index.ts';
import { loadSafetensors, saveSafetensors } from '../../../src/nn/index.ts';
import { makeBatch, splitArch, type TokenDoc } from '../../../src/models/index.ts';
import { loadModel } from '../../../src/train/checkpoint.ts';
import { expectedTensors, importStateDict, parseImportSizes, readImportSizes, type ImportSizes } from '../../../src/train/import.ts';
import type { LabeledDoc, TrainingData } from '../../../src/train/index.ts';
import { command } from '../../../src/cli/commands/import.ts';
import { UserError } from '../../../src/util/errors.ts';

const FIX = join(import.meta.dirname, 'fixtures', 'import');

interface Expected {
  docs: number[][][];
  logits: number[][];
}

function fixture(arch: string): { dir: string; sizes: ImportSizes; expected: Expected; docs: TokenDoc[] } {
  const dir = join(FIX, arch);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const docs = expected.docs.map((d) => ({ sentences: d.map((s) => Int32Array.from(s)) }));
  return { dir, sizes: readImportSizes(join(dir, 'sizes.json')), expected, docs };
}

// The data set the fixture model "belongs to": 30 words, 3 labels; dev and test are the fixture documents.
function data(docs: TokenDoc[], labels: number[]): TrainingData {
  const labelled: LabeledDoc[] = docs.map((d, i) => ({ ...d, label: labels[i]! }));
  return {
    name: 'fixture',
    hash: 'fixture-hash',
    vocab: ['<pad>', '<unk>', ...Array.from({ length: 28 }, (_, i) => `w${i}`)],
    classes: ['a', 'b', 'c'],
    vectors: null,
    vectorDim: 8,
    train: labelled,
    dev: labelled,
    test: labelled,
  };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'attnlab-import-'));
}

function argmax(row: number[]): number {
  return row.indexOf(Math.max(...row));
}

for (const arch of ['flan-rnn', 'han-conv']) {
  test(`${arch}: the imported model gives the PyTorch logits and is a model folder attnlab reads`, () => {
    const f = fixture(arch);
    const out = tmp();
    try {
      const labels = [0, 1, 2, 0];
      const { meta } = importStateDict({ weights: join(f.dir, 'state_dict.safetensors'), sizes: f.sizes, sizesSource: 'sizes.json', data: data(f.docs, labels), outDir: out });
      const want = f.expected.logits.map(argmax).filter((c, i) => c === labels[i]).length / labels.length;
      assert.equal(meta.devAccuracy, want);
      assert.equal(meta.testAccuracy, want);
      assert.equal(meta.profile, 'imported');
      const { model } = loadModel(out);
      try {
        torch.scope(() => {
          const logits = torch.noGrad(() => model.forward(makeBatch(splitArch(model.config.arch).family, f.docs)).logits);
          assert.deepEqual(logits.shape, [f.docs.length, 3]);
          const got = Array.from(logits.toFloat32Array());
          f.expected.logits.flat().forEach((x, i) => assert.ok(Math.abs(got[i]! - x) < 1e-5, `logit ${i}: ${got[i]} vs PyTorch ${x}`));
        });
      } finally {
        model.dispose();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test('expectedTensors lists the PyTorch names and shapes', () => {
  const names = expectedTensors({ arch: 'flan-rnn', vocab: 30, classes: 3, emb: 8, encoderSize: 6 });
  assert.deepEqual(names.get('embedding.weight'), [30, 8]);
  assert.deepEqual(names.get('encoder.gru.weight_ih_l0_reverse'), [18, 8]);
  assert.deepEqual(names.get('attention.context'), [12]);
  assert.deepEqual(names.get('classifier.weight'), [3, 12]);
  assert.equal(names.size, 14);
  const han = expectedTensors({ arch: 'han-conv', vocab: 30, classes: 3, emb: 8, encoderSize: 6 });
  assert.deepEqual(han.get('sentence_encoder.conv5.weight'), [6, 12, 5]);
});

// Rewrites the fixture's state dict through `edit` and returns the import error.
function importError(edit: (t: Map<string, torch.Tensor>) => void): string {
  const f = fixture('flan-rnn');
  const dir = tmp();
  try {
    const { tensors } = loadSafetensors(join(f.dir, 'state_dict.safetensors'));
    edit(tensors);
    const path = join(dir, 'bad.safetensors');
    saveSafetensors(path, tensors);
    for (const t of tensors.values()) t.dispose();
    let message = '';
    assert.throws(
      () => importStateDict({ weights: path, sizes: f.sizes, sizesSource: 'sizes.json', data: data(f.docs, [0, 0, 0, 0]), outDir: join(dir, 'out') }),
      (e: Error) => {
        assert.ok(e instanceof UserError, String(e));
        message = e.message;
        return true;
      },
    );
    return message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a missing tensor is named', () => {
  const m = importError((t) => {
    t.get('attention.context')!.dispose();
    t.delete('attention.context');
  });
  assert.match(m, /bad\.safetensors does not fit a 14-tensor model of these sizes: missing 'attention\.context' \(the expected names are those of reference\/torch_models\.py/);
});

test('an unexpected tensor is named; a DataParallel prefix gets its own hint', () => {
  assert.match(importError((t) => t.set('decoder.weight', torch.zeros([2, 2]))), /: unexpected 'decoder\.weight' \(/);
  const m = importError((t) => {
    for (const [k, v] of [...t]) {
      t.delete(k);
      t.set(`module.${k}`, v);
    }
  });
  assert.match(m, /missing 'embedding\.weight', .*unexpected 'module\.embedding\.weight'.*every name starts with 'module\.': save model\.module\.state_dict\(\) instead/);
});

test('mis-shaped and non-float tensors are named with both shapes', () => {
  const m = importError((t) => {
    t.get('classifier.weight')!.dispose();
    t.set('classifier.weight', torch.zeros([4, 12]));
    t.get('classifier.bias')!.dispose();
    t.set('classifier.bias', torch.zeros([3], { dtype: 'int64' }));
  });
  assert.match(m, /wrong shape: 'classifier\.weight' is \[4, 12\], expected \[3, 12\]; not floating point: 'classifier\.bias' is int64/);
});

test('sizes.json: bad fields are one line naming the field; sizes must match the data', () => {
  const good = { arch: 'flan-rnn', vocab: 30, classes: 3, emb: 8, encoderSize: 6 };
  assert.throws(() => parseImportSizes({ ...good, arch: 'flan-lstm' }, 's.json'), /^UserError: s\.json: 'arch' must be one of han-rnn, han-conv/);
  assert.throws(() => parseImportSizes({ ...good, emb: -8 }, 's.json'), { message: "s.json: 'emb' must be a positive integer" });
  assert.throws(() => parseImportSizes({ ...good, hidden: 5 }, 's.json'), { message: "s.json: key 'hidden' is not a size (expected exactly arch, vocab, classes, emb, encoderSize)" });
  assert.throws(() => parseImportSizes([1], 's.json'), { message: 's.json: the file must be a JSON object {arch, vocab, classes, emb, encoderSize}' });
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'sizes.json'), '{"arch": ');
    assert.throws(() => readImportSizes(join(dir, 'sizes.json')), /sizes\.json: not valid JSON/);
    assert.throws(() => readImportSizes(join(dir, 'none.json')), /none\.json: not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const f = fixture('flan-rnn');
  assert.throws(
    () => importStateDict({ weights: join(f.dir, 'state_dict.safetensors'), sizes: { ...f.sizes, vocab: 31 }, sizesSource: 'sizes.json', data: data(f.docs, [0, 0, 0, 0]), outDir: tmp() }),
    { message: "sizes.json: vocab is 31, but data 'fixture' has 30 words; the model's word ids must be the data set's" },
  );
});

test('attnlab import: argument errors before anything is read', async () => {
  await assert.rejects(command.run([]), { message: 'attnlab import: expected <state_dict.safetensors> <sizes.json>, got nothing (attnlab import --help)' });
  await assert.rejects(command.run(['a.safetensors', 'sizes.json']), /--data is required/);
  await assert.rejects(command.run(['no-such.safetensors', 'sizes.json', '--data', 'x']), { message: 'attnlab import: no-such.safetensors: not found' });
  await assert.rejects(command.run(['a', 'b', '--bogus']), /^UserError: attnlab import: Unknown option '--bogus'/);
});
