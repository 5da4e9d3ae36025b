// HAN (Yang et al. 2016): a word encoder and word attention turn each sentence into a vector; a sentence
// encoder and sentence attention turn the sentence vectors into the document vector (docs/method.md §1).
//   tokens (B, S, T) -> real sentences only (R, T) -> embedding -> dropout -> zero padding -> word encoder
//   -> word attention (R, D) -> scattered back to (B, S, D) -> dropout -> zero padding -> sentence encoder
//   -> sentence attention (the FINAL layer) -> dropout -> linear
// Only real sentences pass the word level, so padding sentences cost nothing and never need a softmax over
// an empty row; and they pass it in groups of similar length (see sentenceGroups).
import * as torch from '../torch/index.ts';
import { Dropout, Embedding, Linear } from '../nn/index.ts';
import type { Batch } from './batch.ts';
import type { Tensor } from '../torch/index.ts';
import { Attention } from './attention.ts';
import { makeEncoder, type Encoder } from './encoders.ts';
import { AttentionClassifier, splitArch, type ForwardOutput, type ModelConfig } from './model.ts';

export class Han extends AttentionClassifier {
  readonly family = 'han' as const;
  readonly embedding: Embedding;
  readonly dropoutWord: Dropout;
  readonly wordEncoder: Encoder;
  readonly wordAttention: Attention;
  readonly dropoutSentence: Dropout;
  readonly sentenceEncoder: Encoder;
  readonly sentenceAttention: Attention;
  readonly dropoutClassifier: Dropout;
  readonly classifier: Linear;
  readonly hiddenDim: number;

  constructor(readonly config: ModelConfig) {
    super();
    const { family, encoder } = splitArch(config.arch);
    if (family !== 'han') throw new Error(`Han cannot build '${config.arch}'`);
    this.embedding = this.child('embedding', new Embedding(config.vocab, config.emb, 0));
    this.dropoutWord = this.child('dropout_word', new Dropout(config.dropout.word));
    this.wordEncoder = this.child('word_encoder', makeEncoder(encoder, config.emb, config.encoderSize));
    this.wordAttention = this.child('word_attention', new Attention(this.wordEncoder.outDim, config.attentionKind));
    this.dropoutSentence = this.child('dropout_sentence', new Dropout(config.dropout.sentence));
    this.sentenceEncoder = this.child('sentence_encoder', makeEncoder(encoder, this.wordEncoder.outDim, config.encoderSize));
    this.hiddenDim = this.sentenceEncoder.outDim;
    this.sentenceAttention = this.child('sentence_attention', new Attention(this.hiddenDim, config.attentionKind));
    this.dropoutClassifier = this.child('dropout_classifier', new Dropout(config.dropout.classifier));
    this.classifier = this.child('classifier', new Linear(this.hiddenDim, config.classes));
  }

  forward(batch: Batch): ForwardOutput {
    if (batch.family !== 'han') throw new Error(`${this.config.arch} needs a HAN batch, got a ${batch.family} batch`);
    const { tokens, sentLengths, sentCounts } = batch; // (B, S, T), (B, S), (B)
    const [B, S] = tokens.shape as [number, number, number];
    const Dw = this.wordAttention.dim;
    const { sents } = this.wordLevel(tokens, sentLengths, false); // (B*S, Dw)
    const sentVecs = sents.reshape([B, S, Dw]); // (B, S, Dw)
    const smask = sentLengths.gt(0); // (B, S)
    const xs = this.dropoutSentence.forward(sentVecs).mul(smask.unsqueeze(-1)); // (B, S, Dw), zero at padding
    const h = this.sentenceEncoder.forward(xs, sentCounts); // (B, S, D)
    const { alpha, s } = this.sentenceAttention.forward(h, smask); // (B, S), (B, D)
    const logits = this.classifier.forward(this.dropoutClassifier.forward(s)); // (B, C)
    return { logits, alpha, h, mask: smask };
  }

  /**
   * The word attention weights within each sentence, (B, S, T): a real sentence's row sums to 1, padding
   * words and padding sentences are 0. (The frozen-attention diagnostic's HAN word weights,
   * src/train/attention-diagnostic.ts; the forward pass does not keep them.)
   */
  wordWeights(batch: Batch): Tensor {
    if (batch.family !== 'han') throw new Error(`${this.config.arch} needs a HAN batch, got a ${batch.family} batch`);
    const [B, S, T] = batch.tokens.shape as [number, number, number];
    return this.wordLevel(batch.tokens, batch.sentLengths, true).alpha!.reshape([B, S, T]); // (B, S, T)
  }

  /** Sentence vectors (B*S, Dw), zero for padding sentences; with keepAlpha also the word weights (B*S, T). */
  private wordLevel(tokens: Tensor, sentLengths: Tensor, keepAlpha: boolean): { sents: Tensor; alpha: Tensor | null } {
    const [B, S, T] = tokens.shape as [number, number, number];
    const flatTokens = tokens.reshape([B * S, T]); // (B*S, T)
    // The word level reads each real sentence on its own, so the real sentences can be cut into groups of
    // similar length, each padded only to its own longest sentence (results are the same; the padded
    // work shrinks). Groups: sentences sorted by length, cut into WORD_GROUPS runs of equal size.
    const groups = sentenceGroups(sentLengths.reshape([B * S]).toInt32Array(), T);
    const Dw = this.wordAttention.dim;
    let sents = torch.zeros([B * S, Dw], { device: tokens.device }); // (B*S, Dw), zero for padding sentences
    let alpha = keepAlpha ? torch.zeros([B * S, T], { device: tokens.device }) : null; // (B*S, T)
    for (const g of groups) {
      const rows = torch.tensor(g.rows, [g.rows.length], { device: tokens.device }); // (R)
      const words = flatTokens.indexSelect(0, rows).narrow(1, 0, g.width); // (R, Tg)
      const wmask = words.ne(0); // (R, Tg)
      const e = this.embedding.forward(words); // (R, Tg, E)
      const x = this.dropoutWord.forward(e).mul(wmask.unsqueeze(-1)); // (R, Tg, E), zero at padding
      const lengths = torch.tensor(g.lengths, [g.lengths.length], { device: tokens.device }); // (R)
      const hw = this.wordEncoder.forward(x, lengths); // (R, Tg, Dw)
      const { alpha: aw, s: sv } = this.wordAttention.forward(hw, wmask); // (R, Tg), (R, Dw)
      sents = sents.indexCopy(0, rows, sv);
      if (alpha !== null) {
        const wide = g.width < T ? torch.cat([aw, torch.zeros([g.rows.length, T - g.width], { device: tokens.device })], 1) : aw; // (R, T)
        alpha = alpha.indexCopy(0, rows, wide);
      }
    }
    return { sents, alpha };
  }
}

/** Word-level groups per batch (1 = one padded block of all real sentences, as the reference). */
export const WORD_GROUPS = 3;

/**
 * The real sentences (positive length) of a flattened (B*S) length list, sorted by length and cut into at
 * most WORD_GROUPS groups: row indices, their lengths, and the group's width (its longest sentence).
 */
function sentenceGroups(len: Int32Array, T: number): { rows: Int32Array; lengths: Int32Array; width: number }[] {
  const real: number[] = [];
  for (let i = 0; i < len.length; i++) if (len[i]! > 0) real.push(i);
  if (real.length === 0) throw new Error('HAN: a batch without a single non-empty sentence');
  real.sort((a, b) => len[a]! - len[b]! || a - b);
  const n = Math.min(WORD_GROUPS, real.length);
  const out = [];
  for (let g = 0; g < n; g++) {
    const part = real.slice(Math.floor((g * real.length) / n), Math.floor(((g + 1) * real.length) / n));
    const lengths = Int32Array.from(part, (i) => len[i]!);
    out.push({ rows: Int32Array.from(part), lengths, width: Math.min(T, lengths[lengths.length - 1]!) });
  }
  return out;
}
