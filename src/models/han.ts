// HAN (Yang et al. 2016): a word encoder and word attention turn each sentence into a vector; a sentence
// encoder and sentence attention turn the sentence vectors into the document vector (SPEC §1).
//   tokens (B, S, T) -> real sentences only (R, T) -> embedding -> dropout -> zero padding -> word encoder
//   -> word attention (R, D) -> scattered back to (B, S, D) -> dropout -> zero padding -> sentence encoder
//   -> sentence attention (the FINAL layer) -> dropout -> linear
// Only real sentences pass the word level, so padding sentences cost nothing and never need a softmax over
// an empty row.
import * as torch from '../torch/index.ts';
import { Dropout, Embedding, Linear } from '../nn/index.ts';
import type { Batch } from './batch.ts';
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
    this.wordAttention = this.child('word_attention', new Attention(this.wordEncoder.outDim));
    this.dropoutSentence = this.child('dropout_sentence', new Dropout(config.dropout.sentence));
    this.sentenceEncoder = this.child('sentence_encoder', makeEncoder(encoder, this.wordEncoder.outDim, config.encoderSize));
    this.hiddenDim = this.sentenceEncoder.outDim;
    this.sentenceAttention = this.child('sentence_attention', new Attention(this.hiddenDim));
    this.dropoutClassifier = this.child('dropout_classifier', new Dropout(config.dropout.classifier));
    this.classifier = this.child('classifier', new Linear(this.hiddenDim, config.classes));
  }

  forward(batch: Batch): ForwardOutput {
    if (batch.family !== 'han') throw new Error(`${this.config.arch} needs a HAN batch, got a ${batch.family} batch`);
    const { tokens, sentLengths, sentCounts } = batch; // (B, S, T), (B, S), (B)
    const [B, S, T] = tokens.shape as [number, number, number];
    const flatLen = sentLengths.reshape([B * S]); // (B*S)
    const real = realRows(flatLen); // (R) int64
    const words = tokens.reshape([B * S, T]).indexSelect(0, real); // (R, T)
    const wmask = words.ne(0); // (R, T)
    const e = this.embedding.forward(words); // (R, T, E)
    const x = this.dropoutWord.forward(e).mul(wmask.unsqueeze(-1)); // (R, T, E), zero at padding
    const hw = this.wordEncoder.forward(x, flatLen.indexSelect(0, real)); // (R, T, Dw)
    const { s: sv } = this.wordAttention.forward(hw, wmask); // (R, Dw)
    const Dw = sv.size(1);
    const sents = torch.zeros([B * S, Dw]).indexCopy(0, real, sv).reshape([B, S, Dw]); // (B, S, Dw)
    const smask = sentLengths.gt(0); // (B, S)
    const xs = this.dropoutSentence.forward(sents).mul(smask.unsqueeze(-1)); // (B, S, Dw), zero at padding
    const h = this.sentenceEncoder.forward(xs, sentCounts); // (B, S, D)
    const { alpha, s } = this.sentenceAttention.forward(h, smask); // (B, S), (B, D)
    const logits = this.classifier.forward(this.dropoutClassifier.forward(s)); // (B, C)
    return { logits, alpha, h, mask: smask };
  }
}

/** Indices of the rows with a positive length: (flat_len > 0).nonzero(), read on the host. */
function realRows(flatLen: torch.Tensor): torch.Tensor {
  const len = flatLen.toInt32Array();
  const rows: number[] = [];
  for (let i = 0; i < len.length; i++) if (len[i]! > 0) rows.push(i);
  return torch.tensor(Int32Array.from(rows), [rows.length], { device: flatLen.device });
}
