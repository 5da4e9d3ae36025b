// The six architectures of docs/method.md §1 ({HAN, FLAN} x {rnn, conv, noenc}) on attnlab's engine.
// reference/torch_models.py is the contract: same parameter names, forward semantics and init.
import { Flan } from './flan.ts';
import { Han } from './han.ts';
import { splitArch, type AttentionClassifier, type ModelConfig } from './model.ts';

export { Attention } from './attention.ts';
export { ATTENTION_KINDS, isAttentionKind, maskedEntmax15, maskedSparsemax, maskedUniform, type AttentionKind } from './sparse-attention.ts';
export { ENCODERS, makeEncoder, type Encoder, type EncoderKind } from './encoders.ts';
export { Flan } from './flan.ts';
export { Han } from './han.ts';
export {
  ARCHS,
  FAMILIES,
  AttentionClassifier,
  isArch,
  splitArch,
  type Arch,
  type Dropouts,
  type ForwardOutput,
  type ModelConfig,
} from './model.ts';
export {
  docLength,
  flanBatch,
  hanBatch,
  itemCount,
  makeBatch,
  realSentences,
  type Batch,
  type Family,
  type FlanBatch,
  type HanBatch,
  type TokenDoc,
} from './batch.ts';

/**
 * A freshly initialised model: Xavier-uniform linear/conv weights, orthogonal GRU recurrent blocks, zero
 * biases, context vectors uniform(+-1/sqrt(D)), embeddings N(0, 1) with a zero padding row (replace them
 * with word vectors through model.embedding.setWeights). The random stream is libtorch's (torch.manualSeed).
 */
export function buildModel(config: ModelConfig): AttentionClassifier {
  return splitArch(config.arch).family === 'han' ? new Han(config) : new Flan(config);
}

// Transformer sequence classifiers loaded from Hugging Face folders (docs/transformers.md).
export {
  CLASSIFIER_ARCHITECTURES,
  parseTransformerConfig,
  readTransformerConfig,
  TRANSFORMER_FAMILIES,
  type TransformerConfig,
  type TransformerFamily,
} from './transformer-config.ts';
export {
  TransformerClassifier,
  transformerBatch,
  type LastLayerInput,
  type RowInputs,
  type TransformerBatch,
  type TransformerForward,
  type TransformerInput,
} from './transformer-model.ts';
export { BertForSequenceClassification } from './bert.ts';
export { DistilBertForSequenceClassification } from './distilbert.ts';
export { RobertaForSequenceClassification } from './roberta.ts';
export { buildTransformer, hfFolderFiles, isHfFolder, loadTransformer, loadWeights, TOKENIZER_FILES, type HfFolder } from './transformer-load.ts';
