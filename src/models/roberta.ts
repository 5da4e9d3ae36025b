// RoBERTa (Liu et al. 2019) sequence classifier, as Hugging Face's modeling_roberta.py names its pieces.
// The encoder is BERT's (BertEncoder / BertLayer, unchanged); what differs:
//   positions   counted from padding_idx + 1 over the real tokens (padding keeps position padding_idx),
//               so <s> at t = 0 has position pad + 1 — the "offset" of RoBERTa's position table (514 rows)
//   head        no pooler: classifier.out_proj(tanh(classifier.dense(y_0))) over position 0 (<s>)
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/index.ts';
import { Dropout, Linear, Module } from '../nn/index.ts';
import { BertEmbeddings, BertEncoder } from './bert.ts';
import type { TransformerConfig } from './transformer-config.ts';
import { TransformerClassifier, type LastLayerInput, type RowInputs, type TransformerBatch } from './transformer-model.ts';

/** The same tables as BERT's (word, position, token type, LayerNorm); only the position ids differ. */
export class RobertaEmbeddings extends BertEmbeddings {}

/**
 * Hugging Face's create_position_ids_from_input_ids: position = padding_idx + (number of real tokens up to
 * and including t) at real tokens, padding_idx at padding. ids (B, T) -> (B, T) int64
 */
export function robertaPositions(ids: Tensor, padTokenId: number): Tensor {
  const [B, T] = ids.shape as [number, number];
  const v = ids.toInt32Array();
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let seen = 0;
    for (let t = 0; t < T; t++) {
      const real = v[b * T + t] !== padTokenId;
      if (real) seen++;
      out[b * T + t] = real ? padTokenId + seen : padTokenId;
    }
  }
  return torch.tensor(out, [B, T], { device: ids.device }); // (B, T)
}

export class RobertaModel extends Module {
  readonly embeddings: RobertaEmbeddings;
  readonly encoder: BertEncoder;
  constructor(config: TransformerConfig) {
    super();
    this.embeddings = this.child('embeddings', new RobertaEmbeddings(config));
    this.encoder = this.child('encoder', new BertEncoder(config));
  }
}

export class RobertaClassificationHead extends Module {
  readonly dense: Linear;
  readonly dropout: Dropout;
  readonly out_proj: Linear;
  constructor(config: TransformerConfig) {
    super();
    this.dense = this.child('dense', new Linear(config.hidden, config.hidden));
    this.dropout = this.child('dropout', new Dropout(config.dropout.classifier));
    this.out_proj = this.child('out_proj', new Linear(config.hidden, config.labels.length));
  }
  /** y0 (K, d) -> logits (K, C) */
  forward(y0: Tensor): Tensor {
    const x = this.dense.forward(this.dropout.forward(y0)).tanh(); // (K, d)
    return this.out_proj.forward(this.dropout.forward(x)); // (K, C)
  }
}

export class RobertaForSequenceClassification extends TransformerClassifier {
  readonly prefix = 'roberta';
  readonly roberta: RobertaModel;
  readonly classifier: RobertaClassificationHead;
  constructor(readonly config: TransformerConfig) {
    super();
    this.roberta = this.child('roberta', new RobertaModel(config));
    this.classifier = this.child('classifier', new RobertaClassificationHead(config));
  }
  encodeToLastLayer(batch: TransformerBatch, opts: { attentions?: boolean } = {}): LastLayerInput {
    const { inputIds, attentionMask, tokenTypeIds } = batch; // (B, T), (B, T), (B, T) | null
    const positions = robertaPositions(inputIds, this.config.padTokenId); // (B, T)
    const x = this.roberta.embeddings.forward(inputIds, positions, tokenTypeIds); // (B, T, d)
    return this.roberta.encoder.toLastLayer(x, attentionMask, opts.attentions ?? false);
  }
  lastLayerRowInputs(hidden: Tensor, mask: Tensor): RowInputs {
    return this.roberta.encoder.lastLayerRowInputs(hidden, mask);
  }
  rowToLogits(probs: Tensor, values: Tensor, residual: Tensor): Tensor {
    return this.classifier.forward(this.roberta.encoder.last.rowOutput(probs, values, residual)); // (K, C)
  }
  lastLayerOutputWeight(): Tensor {
    return this.roberta.encoder.last.attention.output.dense.weight; // (d, d)
  }
}
