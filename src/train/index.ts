// Training (docs/method.md §1, paper Appendix A.1): presets, configuration, the trainer, checkpoints, evaluation.
export { CONFIG_KEYS, FIELDS, checkPartial, flagName, mergeConfig, modelConfigOf, parseFlagValue, type TrainConfig } from './config.ts';
export { PAPER, DEFAULT_ROW, PROFILES, paperDataset, preset, type Profile } from './presets.ts';
export { checkTrainingData, type LabeledDoc, type TrainingData } from './data.ts';
export { bucketBatches, sortedBatches } from './batching.ts';
export {
  CHECKPOINT,
  MODEL_JSON,
  MODEL_WEIGHTS,
  TRAIN_LOG,
  loadModel,
  readModelMeta,
  vocabHash,
  type EpochRecord,
  type ModelMeta,
  type TrainState,
} from './checkpoint.ts';
export { accuracy, predict, type Predictions } from './evaluate.ts';
export { makeProgress, formatStep, formatSeconds, type Progress, type StepInfo } from './progress.ts';
export { accuracyTable, findModelDirs, type AccuracyRow } from './table.ts';
export { epochSeed, hasCheckpoint, labelTensor, majorityShare, train, trainStep, trainingSample, type TrainOptions, type TrainResult } from './trainer.ts';
