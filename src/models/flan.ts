// FLAN: one encoder and one attention layer over all the words of a document (docs/method.md §1).
//   tokens (B, L) -> embedding -> dropout -> zero padding -> encoder -> attention -> dropout -> linear
import { Dropout, Embedding, Linear } from '../nn/index.ts';
import type { Batch } from './batch.ts';
import { Attention } from './attention.ts';
import { makeEncoder, type Encoder } from './encoders.ts';
import { AttentionClassifier, splitArch, type ForwardOutput, type ModelConfig } from './model.ts';

export class Flan extends AttentionClassifier {
  readonly family = 'flan' as const;
  readonly embedding: Embedding;
  readonly dropoutEncoder: Dropout;
  readonly encoder: Encoder;
  readonly attention: Attention;
  readonly dropoutClassifier: Dropout;
  readonly classifier: Linear;
  readonly hiddenDim: number;

  constructor(readonly config: ModelConfig) {
    super();
    const { family, encoder } = splitArch(config.arch);
    if (family !== 'flan') throw new Error(`Flan cannot build '${config.arch}'`);
    this.embedding = this.child('embedding', new Embedding(config.vocab, config.emb, 0));
    this.dropoutEncoder = this.child('dropout_encoder', new Dropout(config.dropout.encoder));
    this.encoder = this.child('encoder', makeEncoder(encoder, config.emb, config.encoderSize));
    this.hiddenDim = this.encoder.outDim;
    this.attention = this.child('attention', new Attention(this.hiddenDim, config.attentionKind));
    this.dropoutClassifier = this.child('dropout_classifier', new Dropout(config.dropout.classifier));
    this.classifier = this.child('classifier', new Linear(this.hiddenDim, config.classes));
  }

  forward(batch: Batch): ForwardOutput {
    if (batch.family !== 'flan') throw new Error(`${this.config.arch} needs a FLAN batch, got a ${batch.family} batch`);
    const { tokens, lengths } = batch; // (B, L), (B)
    const mask = tokens.ne(0); // (B, L)
    const e = this.embedding.forward(tokens); // (B, L, E)
    const x = this.dropoutEncoder.forward(e).mul(mask.unsqueeze(-1)); // (B, L, E), zero at padding
    const h = this.encoder.forward(x, lengths); // (B, L, D)
    const { alpha, s } = this.attention.forward(h, mask); // (B, L), (B, D)
    const logits = this.classifier.forward(this.dropoutClassifier.forward(s)); // (B, C)
    return { logits, alpha, h, mask };
  }
}
