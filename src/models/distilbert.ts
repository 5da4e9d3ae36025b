// DistilBERT (Sanh et al. 2019) sequence classifier, as Hugging Face's modeling_distilbert.py names its
// pieces (distilbert.transformer.layer.0.attention.q_lin.weight). A BERT without token types or pooler:
//   embeddings  e = LayerNorm(word[ids] + position[t])
//   block       a = sa_layer_norm(x + out_lin concat_h(softmax(q_h k_h^T / sqrt(dh)) v_h))
//               y = output_layer_norm(a + lin2 GELU(lin1 a))
//   head        classifier(ReLU(pre_classifier(y_0))) over position 0 ([CLS])
import type { Tensor } from '../torch/index.ts';
import { Dropout, Embedding, Linear, Module } from '../nn/index.ts';
import { absolutePositions } from './bert.ts';
import type { TransformerConfig } from './transformer-config.ts';
import { queryRow, rowContext, selfAttention, type Projections } from './self-attention.ts';
import {
  activation,
  LayerNorm,
  ModuleList,
  TransformerClassifier,
  type LastLayerInput,
  type RowInputs,
  type TransformerBatch,
} from './transformer-model.ts';

export class DistilBertEmbeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;
  constructor(config: TransformerConfig) {
    super();
    this.word_embeddings = this.child('word_embeddings', new Embedding(config.vocabSize, config.hidden, config.padTokenId));
    this.position_embeddings = this.child('position_embeddings', new Embedding(config.maxPositions, config.hidden, -1));
    this.LayerNorm = this.child('LayerNorm', new LayerNorm(config.hidden, config.layerNormEps));
    this.dropout = this.child('dropout', new Dropout(config.dropout.hidden));
  }
  /** ids (B, T) int64 -> (B, T, d) */
  forward(ids: Tensor): Tensor {
    const e = this.word_embeddings.forward(ids).add(this.position_embeddings.forward(absolutePositions(ids))); // (B, T, d)
    return this.dropout.forward(this.LayerNorm.forward(e)); // (B, T, d)
  }
}

export class MultiHeadSelfAttention extends Module {
  readonly q_lin: Linear;
  readonly k_lin: Linear;
  readonly v_lin: Linear;
  readonly out_lin: Linear;
  readonly dropout: Dropout;
  constructor(readonly config: TransformerConfig) {
    super();
    const d = config.hidden;
    if (d % config.heads !== 0) throw new RangeError(`dim ${d} is not a multiple of ${config.heads} heads`);
    this.q_lin = this.child('q_lin', new Linear(d, d));
    this.k_lin = this.child('k_lin', new Linear(d, d));
    this.v_lin = this.child('v_lin', new Linear(d, d));
    this.out_lin = this.child('out_lin', new Linear(d, d));
    this.dropout = this.child('dropout', new Dropout(config.dropout.attention));
  }
  private get projections(): Projections {
    return { query: this.q_lin, key: this.k_lin, value: this.v_lin, dropout: this.dropout, heads: this.config.heads };
  }
  /** x (B, T, d), mask (B, T) -> out_lin(context) (B, T, d), attention weights (B, H, T, T) */
  forward(x: Tensor, mask: Tensor): { out: Tensor; probs: Tensor } {
    const { context, probs } = selfAttention(this.projections, x, mask); // (B, T, d), (B, H, T, T)
    return { out: this.out_lin.forward(context), probs }; // (B, T, d)
  }
  /** Query position 0's row only: probs (B, H, T), values (B, H, T, dh) */
  row(x: Tensor, mask: Tensor): { probs: Tensor; values: Tensor } {
    return queryRow(this.projections, x, mask);
  }
  /** probs (K, H, T), values (K|1, H, T, dh) -> out_lin(context) (K, d) */
  rowOut(probs: Tensor, values: Tensor): Tensor {
    return this.out_lin.forward(rowContext(probs, values, this.dropout)); // (K, d)
  }
}

export class FFN extends Module {
  readonly lin1: Linear;
  readonly lin2: Linear;
  readonly dropout: Dropout;
  constructor(readonly config: TransformerConfig) {
    super();
    this.lin1 = this.child('lin1', new Linear(config.hidden, config.intermediate));
    this.lin2 = this.child('lin2', new Linear(config.intermediate, config.hidden));
    this.dropout = this.child('dropout', new Dropout(config.dropout.hidden));
  }
  /** (..., d) -> (..., d) */
  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.lin2.forward(activation(this.config.activation, this.lin1.forward(x))));
  }
}

export class TransformerBlock extends Module {
  readonly attention: MultiHeadSelfAttention;
  readonly sa_layer_norm: LayerNorm;
  readonly ffn: FFN;
  readonly output_layer_norm: LayerNorm;
  constructor(config: TransformerConfig) {
    super();
    this.attention = this.child('attention', new MultiHeadSelfAttention(config));
    this.sa_layer_norm = this.child('sa_layer_norm', new LayerNorm(config.hidden, config.layerNormEps));
    this.ffn = this.child('ffn', new FFN(config));
    this.output_layer_norm = this.child('output_layer_norm', new LayerNorm(config.hidden, config.layerNormEps));
  }
  /** x (B, T, d) -> y (B, T, d), attention weights (B, H, T, T) */
  forward(x: Tensor, mask: Tensor): { y: Tensor; probs: Tensor } {
    const { out, probs } = this.attention.forward(x, mask); // (B, T, d), (B, H, T, T)
    const a = this.sa_layer_norm.forward(out.add(x)); // (B, T, d)
    return { y: this.output_layer_norm.forward(this.ffn.forward(a).add(a)), probs }; // (B, T, d)
  }
  /** Position 0 from its attention row: probs (K, H, T), values (K|1, H, T, dh), residual (K|1, d) -> (K, d) */
  rowOutput(probs: Tensor, values: Tensor, residual: Tensor): Tensor {
    const a = this.sa_layer_norm.forward(this.attention.rowOut(probs, values).add(residual)); // (K, d)
    return this.output_layer_norm.forward(this.ffn.forward(a).add(a)); // (K, d)
  }
}

export class Transformer extends Module {
  readonly layer: ModuleList<TransformerBlock>;
  constructor(config: TransformerConfig) {
    super();
    this.layer = this.child('layer', new ModuleList(Array.from({ length: config.layers }, () => new TransformerBlock(config))));
  }
  get last(): TransformerBlock {
    return this.layer.items[this.layer.items.length - 1]!;
  }
}

export class DistilBertModel extends Module {
  readonly embeddings: DistilBertEmbeddings;
  readonly transformer: Transformer;
  constructor(config: TransformerConfig) {
    super();
    this.embeddings = this.child('embeddings', new DistilBertEmbeddings(config));
    this.transformer = this.child('transformer', new Transformer(config));
  }
}

export class DistilBertForSequenceClassification extends TransformerClassifier {
  readonly prefix = 'distilbert';
  readonly distilbert: DistilBertModel;
  readonly pre_classifier: Linear;
  readonly classifier: Linear;
  readonly dropout: Dropout;
  constructor(readonly config: TransformerConfig) {
    super();
    this.distilbert = this.child('distilbert', new DistilBertModel(config));
    this.pre_classifier = this.child('pre_classifier', new Linear(config.hidden, config.hidden));
    this.classifier = this.child('classifier', new Linear(config.hidden, config.labels.length));
    this.dropout = this.child('dropout', new Dropout(config.dropout.classifier));
  }
  encodeToLastLayer(batch: TransformerBatch, opts: { attentions?: boolean } = {}): LastLayerInput {
    const { inputIds, attentionMask } = batch; // (B, T), (B, T)
    let h = this.distilbert.embeddings.forward(inputIds); // (B, T, d)
    const attentions: Tensor[] = [];
    for (const block of this.distilbert.transformer.layer.items.slice(0, -1)) {
      const { y, probs } = block.forward(h, attentionMask); // (B, T, d), (B, H, T, T)
      if (opts.attentions) attentions.push(probs);
      h = y;
    }
    return { hidden: h, mask: attentionMask, attentions };
  }
  lastLayerRowInputs(hidden: Tensor, mask: Tensor): RowInputs {
    const { probs, values } = this.distilbert.transformer.last.attention.row(hidden, mask);
    return { probs, values, residual: hidden.select(1, 0) }; // (B, H, T), (B, H, T, dh), (B, d)
  }
  rowToLogits(probs: Tensor, values: Tensor, residual: Tensor): Tensor {
    const y0 = this.distilbert.transformer.last.rowOutput(probs, values, residual); // (K, d)
    return this.classifier.forward(this.dropout.forward(this.pre_classifier.forward(y0).relu())); // (K, C)
  }
  lastLayerOutputWeight(): Tensor {
    return this.distilbert.transformer.last.attention.out_lin.weight; // (d, d)
  }
}
