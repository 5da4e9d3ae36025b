// Presets carry Appendix A.1 exactly; every config source is checked with a message naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCHS } from '../../src/models/index.ts';
import { UserError } from '../../src/util/errors.ts';
import { checkPartial, mergeConfig, parseFlagValue, paperDataset, preset } from '../../src/train/index.ts';

// Appendix A.1 as printed, one line per (data set, architecture): [lr, dropouts..., patience].
// HAN dropouts: pre-sentence-encoder, pre-document-encoder, classification layer; FLAN: pre-document-encoder, classification layer.
const APPENDIX: Record<string, [number, number[], number]> = {
  'yahoo han-rnn': [0.0004, [0.4445, 0.2202, 0.3749], 5],
  'yahoo han-conv': [0.0004, [0.4445, 0.2202, 0.3749], 5],
  'yahoo han-noenc': [0.0004, [0.4445, 0.2202, 0.3749], 10],
  'imdb han-rnn': [0.0004, [0.4445, 0.2202, 0.2457], 5],
  'imdb han-conv': [0.0004, [0.4445, 0.2202, 0.2457], 5],
  'imdb han-noenc': [0.0004, [0.4445, 0.2202, 0.2457], 10],
  'amazon han-rnn': [0.0002, [0.6, 0.2, 0.4], 5],
  'amazon han-conv': [0.0002, [0.6, 0.2, 0.4], 5],
  'amazon han-noenc': [0.0002, [0.6, 0.2, 0.4], 10],
  'yelp han-rnn': [0.0001, [0.7, 0.1, 0.7], 5],
  'yelp han-conv': [0.0001, [0.7, 0.1, 0.7], 5],
  'yelp han-noenc': [0.0001, [0.7, 0.1, 0.7], 10],
  'yahoo flan-rnn': [0.0004, [0.4445, 0.4457], 5],
  'yahoo flan-conv': [0.0004, [0.4445, 0.4457], 5],
  'yahoo flan-noenc': [0.0004, [0.4445, 0.4457], 10],
  'imdb flan-rnn': [0.0004, [0.4445, 0.3457], 5],
  'imdb flan-conv': [0.0004, [0.4445, 0.3457], 5],
  'imdb flan-noenc': [0.0004, [0.4445, 0.3457], 10],
  'amazon flan-rnn': [0.0002, [0.6, 0.4], 5],
  'amazon flan-conv': [0.0002, [0.6, 0.4], 5],
  'amazon flan-noenc': [0.0002, [0.6, 0.4], 10],
  'yelp flan-rnn': [0.0001, [0.7, 0.7], 5],
  'yelp flan-conv': [0.0001, [0.7, 0.7], 5],
  'yelp flan-noenc': [0.0001, [0.7, 0.7], 10],
};

test('paper presets carry exactly the Appendix A.1 numbers for all 24 models', () => {
  for (const [key, [lr, drop, patience]] of Object.entries(APPENDIX)) {
    const [data, arch] = key.split(' ') as [string, (typeof ARCHS)[number]];
    const p = preset(data, arch, 'paper');
    const got = arch.startsWith('han') ? [p.dropoutWord, p.dropoutSentence, p.dropoutClassifier] : [p.dropoutEncoder, p.dropoutClassifier];
    assert.deepEqual([p.lr, got, p.patience], [lr, drop, patience], key);
    assert.deepEqual([p.batchSize, p.clip, p.maxEpochs, p.lrFactor, p.emb, p.encoderSize], [64, 10, 60, 0.5, 200, 50], key);
  }
});

test('data set names map to the appendix rows; other data gets defaults', () => {
  assert.equal(paperDataset('yahoo_answers_csv'), 'yahoo');
  assert.equal(paperDataset('Yelp-review-full'), 'yelp');
  assert.equal(paperDataset('amazon_review_full_csv'), 'amazon');
  assert.equal(paperDataset('IMDB'), 'imdb');
  assert.equal(paperDataset('brown-genre5'), null);
  const d = preset('brown-genre5', 'flan-noenc', 'paper');
  assert.equal(d.patience, 10);
  assert.ok(d.lr > 0 && d.dropoutEncoder >= 0 && d.dropoutWord === 0);
  // The quick profile changes the schedule only.
  const q = preset('yelp', 'han-rnn', 'quick');
  const p = preset('yelp', 'han-rnn', 'paper');
  assert.deepEqual([q.lr, q.dropoutWord, q.dropoutSentence, q.dropoutClassifier], [p.lr, p.dropoutWord, p.dropoutSentence, p.dropoutClassifier]);
  assert.ok(q.maxEpochs < p.maxEpochs && q.patience < p.patience);
  // The demo profile (npm start) is shorter still, with the same learning rates and dropouts.
  const demo = preset('yelp', 'han-rnn', 'demo');
  assert.deepEqual([demo.lr, demo.dropoutWord, demo.dropoutSentence, demo.dropoutClassifier], [p.lr, p.dropoutWord, p.dropoutSentence, p.dropoutClassifier]);
  assert.deepEqual([demo.maxEpochs, demo.patience, demo.maxTrainDocs], [4, 2, 2000]);
});

function userError(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

test('unknown keys and wrong types are rejected with the source named', () => {
  userError(() => checkPartial({ lrr: 0.1 }, 'config file c.json'), /^config file c\.json: unknown setting 'lrr'; known settings: arch, lr, /);
  userError(() => checkPartial({ max_epochs: 3 }, 'config file c.json'), /unknown setting 'max_epochs' \(did you mean 'maxEpochs'\?\)/);
  userError(() => checkPartial({ lr: '0.1' }, 'config file c.json'), `config file c.json: 'lr' must be a positive number, got "0.1"`);
  userError(() => checkPartial({ patience: 2.5 }, 'flags'), `flags: 'patience' must be a positive integer, got 2.5`);
  userError(() => checkPartial({ dropoutClassifier: 1 }, 'flags'), `flags: 'dropoutClassifier' must be a number in [0, 1), got 1`);
  userError(() => checkPartial({ arch: 'han-lstm' }, 'flags'), /'arch' must be one of han-rnn, han-conv, han-noenc, flan-rnn, flan-conv, flan-noenc, got "han-lstm"/);
  userError(() => checkPartial([1], 'config file c.json'), 'config file c.json: expected a JSON object of settings, got an array');
  userError(() => parseFlagValue('lr', 'fast'), `--lr: must be a positive number, got 'fast'`);
  assert.equal(parseFlagValue('lr', '0.5'), 0.5);
});

test('overrides apply in order and a setting for the other model family is refused', () => {
  const base = preset('imdb', 'flan-rnn', 'paper');
  const cfg = mergeConfig(base, { source: 'config file c.json', values: { lr: 0.01, seed: 3 } }, { source: 'flags', values: { lr: 0.02 } });
  assert.equal(cfg.lr, 0.02);
  assert.equal(cfg.seed, 3);
  assert.equal(cfg.dropoutClassifier, 0.3457);
  userError(
    () => mergeConfig(base, { source: 'flags', values: { dropoutSentence: 0.1 } }),
    `flags: 'dropoutSentence' applies to HAN models only, and flan-rnn is a FLAN model`,
  );
});
