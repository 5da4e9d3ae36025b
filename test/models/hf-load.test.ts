// Loading a Hugging Face folder: every way it can be wrong is one clear line naming the file and the tensor
// or field, and nothing leaks when loading fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { loadSafetensors, saveSafetensors } from '../../src/nn/index.ts';
import { isHfFolder, loadTransformer } from '../../src/models/index.ts';
import { UserError } from '../../src/util/errors.ts';
import { fixtureDir } from './hf-fixtures.ts';

/** A scratch copy of a fixture folder, changed by `edit`. */
function folder(family: 'bert' | 'distilbert' | 'roberta', edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), `attnlab-hf-${family}-`));
  cpSync(fixtureDir(family), dir, { recursive: true });
  edit(dir);
  return dir;
}

function editWeights(dir: string, edit: (tensors: Map<string, torch.Tensor>) => void): void {
  torch.scope(() => {
    const { tensors, metadata } = loadSafetensors(join(dir, 'model.safetensors'));
    edit(tensors);
    saveSafetensors(join(dir, 'model.safetensors'), tensors, metadata);
  });
}

function editConfig(dir: string, edit: (c: Record<string, unknown>) => void): void {
  const path = join(dir, 'config.json');
  const c = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(c);
  writeFileSync(path, JSON.stringify(c));
}

function refuses(dir: string, message: string | RegExp): void {
  const before = torch.liveTensors();
  try {
    assert.throws(() => loadTransformer(dir), (err: unknown) => {
      assert.ok(err instanceof UserError, `a UserError, got ${String(err)}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    });
    assert.equal(torch.liveTensors(), before, 'a failed load frees what it built');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a missing tensor is named', () => {
  const dir = folder('bert', (d) => editWeights(d, (t) => t.delete('bert.encoder.layer.1.attention.self.query.weight')));
  refuses(
    dir,
    `${join(dir, 'model.safetensors')}: the weights do not match a BertForSequenceClassification built from config.json: ` +
      'missing bert.encoder.layer.1.attention.self.query.weight',
  );
});

test('an unexpected tensor is named', () => {
  const dir = folder('roberta', (d) => editWeights(d, (t) => t.set('roberta.pooler.dense.bias', torch.zeros([16]))));
  refuses(dir, /: the weights do not match a RobertaForSequenceClassification built from config\.json: unexpected roberta\.pooler\.dense\.bias$/);
});

test('a tensor of the wrong shape is named with both shapes', () => {
  const dir = folder('distilbert', (d) =>
    editWeights(d, (t) => t.set('distilbert.transformer.layer.0.attention.q_lin.weight', torch.zeros([24, 23]))),
  );
  refuses(dir, /wrong shape: distilbert\.transformer\.layer\.0\.attention\.q_lin\.weight is \[24, 23\], expected \[24, 24\]$/);
});

test('an unknown architecture or model type is refused by name', () => {
  const masked = folder('bert', (d) => editConfig(d, (c) => (c.architectures = ['BertForMaskedLM'])));
  refuses(
    masked,
    `${join(masked, 'config.json')}: architectures ["BertForMaskedLM"] is not supported; a bert folder must hold a ` +
      'BertForSequenceClassification (the erasure tests need a sequence classifier)',
  );
  const gpt = folder('bert', (d) => editConfig(d, (c) => (c.model_type = 'gpt2')));
  refuses(gpt, /config\.json: model_type "gpt2" is not supported; attnlab runs bert, distilbert, roberta sequence classifiers/);
  const approx = folder('bert', (d) => editConfig(d, (c) => (c.hidden_act = 'gelu_new')));
  refuses(approx, /config\.json: hidden_act "gelu_new" is not supported/);
  const field = folder('bert', (d) => editConfig(d, (c) => (c.num_attention_heads = 'four')));
  refuses(field, /config\.json: field num_attention_heads: /);
});

test('a folder without a tokenizer is refused', () => {
  const dir = folder('bert', (d) => rmSync(join(d, 'tokenizer.json')));
  refuses(dir, `${dir}: no tokenizer (expected tokenizer.json or vocab.txt); save it beside the model with tokenizer.save_pretrained(folder)`);
});

test('a folder without weights is not a Hugging Face folder, and says so when loaded', () => {
  const dir = folder('bert', (d) => rmSync(join(d, 'model.safetensors')));
  assert.equal(isHfFolder(dir), false);
  refuses(dir, `${dir}: no model.safetensors`);
});

test('loading leaves no tensor behind once the model is disposed', () => {
  const before = torch.liveTensors();
  loadTransformer(fixtureDir('bert')).dispose();
  assert.equal(torch.liveTensors(), before);
});
