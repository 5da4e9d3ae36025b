// BERT (Devlin et al. 2019) sequence classifier, post-LayerNorm, as Hugging Face's modeling_bert.py names
// its pieces, so each parameter's name is its path in model.safetensors (bert.encoder.layer.0.attention.self.query.weight).
//
//   embeddings  e = LayerNorm(word[ids] + position[t] + token_type[types])
//   layer       a = LayerNorm(x + W_O concat_h(softmax(q_h k_h^T / sqrt(dh)) v_h) + b_O)     (self-attention)
//               y = LayerNorm(a + W_2 GELU(W_1 a + b_1) + b_2)                                 (feed-forward)
//   pooler      tanh(W_p y_0 + b_p) over position 0 ([CLS]);  classifier: W_c pooled + b_c
//
// RoBERTa reuses BertEncoder and BertLayer unchanged (Hugging Face's RobertaLayer is a copy of BertLayer).
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { Dropout, Embedding, Linear, Module } from '../nn/index.ts';
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

export class BertEmbeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding;
  readonly token_type_embeddings: Embedding;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;
  constructor(readonly config: TransformerConfig) {
    super();
    const d = config.hidden;
    this.word_embeddings = this.child('word_embeddings', new Embedding(config.vocabSize, d, config.padTokenId));
    this.position_embeddings = this.child('position_embeddings', new Embedding(config.maxPositions, d, -1));
    this.token_type_embeddings = this.child('token_type_embeddings', new Embedding(Math.max(1, config.typeVocabSize), d, -1));
    this.LayerNorm = this.child('LayerNorm', new LayerNorm(d, config.layerNormEps));
    this.dropout = this.child('dropout', new Dropout(config.dropout.hidden));
  }
  /** ids, positions (B, T) int64, types (B, T) int64 or null (= 0) -> (B, T, d) */
  forward(ids: Tensor, positions: Tensor, types: Tensor | null): Tensor {
    const typeIds = types ?? torch.zeros(ids.shape, { dtype: 'int64', device: ids.device }); // (B, T)
    const e = this.word_embeddings
      .forward(ids)
      .add(this.position_embeddings.forward(positions))
      .add(this.token_type_embeddings.forward(typeIds)); // (B, T, d)
    return this.dropout.forward(this.LayerNorm.forward(e)); // (B, T, d)
  }
}

export class BertSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly dropout: Dropout;
  constructor(readonly config: TransformerConfig) {
    super();
    const d = config.hidden;
    if (d % config.heads !== 0) throw new RangeError(`hidden size ${d} is not a multiple of ${config.heads} heads`);
    this.query = this.child('query', new Linear(d, d));
    this.key = this.child('key', new Linear(d, d));
    this.value = this.child('value', new Linear(d, d));
    this.dropout = this.child('dropout', new Dropout(config.dropout.attention));
  }
  private get projections(): Projections {
    return { query: this.query, key: this.key, value: this.value, dropout: this.dropout, heads: this.config.heads };
  }
  /** x (B, T, d), mask (B, T) -> context (B, T, d) and the attention weights (B, H, T, T) */
  forward(x: Tensor, mask: Tensor): { context: Tensor; probs: Tensor } {
    return selfAttention(this.projections, x, mask);
  }
  /** Only query position 0's row: x (B, T, d) -> probs (B, H, T), values (B, H, T, dh) */
  row(x: Tensor, mask: Tensor): { probs: Tensor; values: Tensor } {
    return queryRow(this.projections, x, mask);
  }
  /** The row's context from (possibly modified) weights: probs (K, H, T), values (K|1, H, T, dh) -> (K, d) */
  rowContext(probs: Tensor, values: Tensor): Tensor {
    return rowContext(probs, values, this.dropout);
  }
}

export class BertSelfOutput extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;
  constructor(config: TransformerConfig) {
    super();
    this.dense = this.child('dense', new Linear(config.hidden, config.hidden));
    this.LayerNorm = this.child('LayerNorm', new LayerNorm(config.hidden, config.layerNormEps));
    this.dropout = this.child('dropout', new Dropout(config.dropout.hidden));
  }
  /** context, input (..., d) -> LayerNorm(input + W_O context + b_O) (..., d) */
  forward(context: Tensor, input: Tensor): Tensor {
    return this.LayerNorm.forward(this.dropout.forward(this.dense.forward(context)).add(input));
  }
}

export class BertAttention extends Module {
  readonly self: BertSelfAttention;
  readonly output: BertSelfOutput;
  constructor(config: TransformerConfig) {
    super();
    this.self = this.child('self', new BertSelfAttention(config));
    this.output = this.child('output', new BertSelfOutput(config));
  }
}

export class BertIntermediate extends Module {
  readonly dense: Linear;
  constructor(readonly config: TransformerConfig) {
    super();
    this.dense = this.child('dense', new Linear(config.hidden, config.intermediate));
  }
  /** (..., d) -> (..., intermediate) */
  forward(x: Tensor): Tensor {
    return activation(this.config.activation, this.dense.forward(x));
  }
}

export class BertOutput extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;
  constructor(config: TransformerConfig) {
    super();
    this.dense = this.child('dense', new Linear(config.intermediate, config.hidden));
    this.LayerNorm = this.child('LayerNorm', new LayerNorm(config.hidden, config.layerNormEps));
    this.dropout = this.child('dropout', new Dropout(config.dropout.hidden));
  }
  /** intermediate (..., I), input (..., d) -> LayerNorm(input + W_2 intermediate + b_2) (..., d) */
  forward(intermediate: Tensor, input: Tensor): Tensor {
    return this.LayerNorm.forward(this.dropout.forward(this.dense.forward(intermediate)).add(input));
  }
}

export class BertLayer extends Module {
  readonly attention: BertAttention;
  readonly intermediate: BertIntermediate;
  readonly output: BertOutput;
  constructor(config: TransformerConfig) {
    super();
    this.attention = this.child('attention', new BertAttention(config));
    this.intermediate = this.child('intermediate', new BertIntermediate(config));
    this.output = this.child('output', new BertOutput(config));
  }
  /** x (B, T, d), mask (B, T) -> y (B, T, d), attention weights (B, H, T, T) */
  forward(x: Tensor, mask: Tensor): { y: Tensor; probs: Tensor } {
    const { context, probs } = this.attention.self.forward(x, mask); // (B, T, d), (B, H, T, T)
    const a = this.attention.output.forward(context, x); // (B, T, d)
    return { y: this.output.forward(this.intermediate.forward(a), a), probs }; // (B, T, d)
  }
  /** Position 0 only, from its attention row: probs (K, H, T), values (K|1, H, T, dh), residual (K|1, d) -> (K, d) */
  rowOutput(probs: Tensor, values: Tensor, residual: Tensor): Tensor {
    const a = this.attention.output.forward(this.attention.self.rowContext(probs, values), residual); // (K, d)
    return this.output.forward(this.intermediate.forward(a), a); // (K, d)
  }
}

export class BertEncoder extends Module {
  readonly layer: ModuleList<BertLayer>;
  constructor(config: TransformerConfig) {
    super();
    this.layer = this.child('layer', new ModuleList(Array.from({ length: config.layers }, () => new BertLayer(config))));
  }
  get last(): BertLayer {
    return this.layer.items[this.layer.items.length - 1]!;
  }
  /** Every layer but the last: x (B, T, d) -> (B, T, d), and their attention weights when asked. */
  toLastLayer(x: Tensor, mask: Tensor, attentions: boolean): LastLayerInput {
    const kept: Tensor[] = [];
    let h = x; // (B, T, d)
    for (const layer of this.layer.items.slice(0, -1)) {
      const { y, probs } = layer.forward(h, mask); // (B, T, d), (B, H, T, T)
      if (attentions) kept.push(probs);
      h = y;
    }
    return { hidden: h, mask, attentions: kept };
  }
  /** The last layer's row of position 0: hidden (B, T, d) -> probs (B, H, T), values (B, H, T, dh), residual (B, d) */
  lastLayerRowInputs(hidden: Tensor, mask: Tensor): RowInputs {
    const { probs, values } = this.last.attention.self.row(hidden, mask);
    return { probs, values, residual: hidden.select(1, 0) }; // residual (B, d)
  }
}

export class BertPooler extends Module {
  readonly dense: Linear;
  constructor(config: TransformerConfig) {
    super();
    this.dense = this.child('dense', new Linear(config.hidden, config.hidden));
  }
  /** y0 (K, d), position 0's last hidden state -> tanh(W_p y0 + b_p) (K, d) */
  forward(y0: Tensor): Tensor {
    return this.dense.forward(y0).tanh();
  }
}

export class BertModel extends Module {
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: BertPooler;
  constructor(config: TransformerConfig) {
    super();
    this.embeddings = this.child('embeddings', new BertEmbeddings(config));
    this.encoder = this.child('encoder', new BertEncoder(config));
    this.pooler = this.child('pooler', new BertPooler(config));
  }
}

/** Position ids 0, 1, …, T-1 for every row: (B, T) int64. */
export function absolutePositions(ids: Tensor): Tensor {
  const [B, T] = ids.shape as [number, number];
  return torch.arange(0, T, 1, { device: ids.device }).unsqueeze(0).expand([B, T]); // (B, T)
}

export class BertForSequenceClassification extends TransformerClassifier {
  readonly prefix = 'bert';
  readonly bert: BertModel;
  readonly dropout: Dropout;
  readonly classifier: Linear;
  constructor(readonly config: TransformerConfig) {
    super();
    this.bert = this.child('bert', new BertModel(config));
    this.dropout = this.child('dropout', new Dropout(config.dropout.classifier));
    this.classifier = this.child('classifier', new Linear(config.hidden, config.labels.length));
  }
  encodeToLastLayer(batch: TransformerBatch, opts: { attentions?: boolean } = {}): LastLayerInput {
    const { inputIds, attentionMask, tokenTypeIds } = batch; // (B, T), (B, T), (B, T) | null
    const x = this.bert.embeddings.forward(inputIds, absolutePositions(inputIds), tokenTypeIds); // (B, T, d)
    return this.bert.encoder.toLastLayer(x, attentionMask, opts.attentions ?? false);
  }
  lastLayerRowInputs(hidden: Tensor, mask: Tensor): RowInputs {
    return this.bert.encoder.lastLayerRowInputs(hidden, mask);
  }
  rowToLogits(probs: Tensor, values: Tensor, residual: Tensor): Tensor {
    const y0 = this.bert.encoder.last.rowOutput(probs, values, residual); // (K, d)
    return this.classifier.forward(this.dropout.forward(this.bert.pooler.forward(y0))); // (K, C)
  }
  lastLayerOutputWeight(): Tensor {
    return this.bert.encoder.last.attention.output.dense.weight; // (d, d)
  }
}
