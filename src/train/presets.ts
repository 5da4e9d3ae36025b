// Presets: paper Appendix A.1 for yahoo, imdb, amazon and yelp, exactly; defaults for any other data.
// Profiles:
//   paper  the appendix's training procedure: at most 60 epochs, patience 5 (10 for noenc), every
//          training document.
//   quick  for the built-in corpora on a laptop's CPU: at most 10 epochs, patience 3 (4 for noenc), at
//          most 3000 training documents (a seeded sample); learning rates and dropouts as the paper profile.
//   demo   what `npm start` runs (the whole grid on both built-in corpora in minutes on 2 cores): at most
//          4 epochs, patience 2, at most 2000 training documents. Models well above chance, not converged.
import { splitArch, type Arch } from '../models/index.ts';
import type { TrainConfig } from './config.ts';
import { presetFromName, type PresetName } from '../data/presets.ts';

export const PROFILES = ['paper', 'quick', 'demo'] as const;
export type Profile = (typeof PROFILES)[number];

interface Row {
  lr: number;
  /** HAN: [pre-sentence-encoder, pre-document-encoder, classifier]. */
  han: [number, number, number];
  /** FLAN: [pre-document-encoder, classifier]. */
  flan: [number, number];
}

/**
 * Appendix A.1, transcribed. The appendix lists each data set's rnn and conv models together and its
 * noenc models separately with the same numbers plus "Patience: 10", for every data set.
 */
export const PAPER: Record<PresetName, Row> = {
  yahoo: { lr: 0.0004, han: [0.4445, 0.2202, 0.3749], flan: [0.4445, 0.4457] },
  imdb: { lr: 0.0004, han: [0.4445, 0.2202, 0.2457], flan: [0.4445, 0.3457] },
  amazon: { lr: 0.0002, han: [0.6, 0.2, 0.4], flan: [0.6, 0.4] },
  yelp: { lr: 0.0001, han: [0.7, 0.1, 0.7], flan: [0.7, 0.7] },
};

/**
 * Other data (the built-in corpora included): small data sets with short training runs, so Adam's usual
 * rate and moderate dropout.
 */
export const DEFAULT_ROW: Row = { lr: 0.001, han: [0.3, 0.2, 0.3], flan: [0.3, 0.3] };

/** The appendix's data set a name refers to ('yahoo_answers_csv' -> yahoo), or null for other data. */
export function paperDataset(name: string): keyof typeof PAPER | null {
  // One lookup by name for data and training (src/data/presets.ts).
  return presetFromName(name) ?? null;
}

/** What each profile changes; maxTrainDocs 0 = every training document. */
const LIMITS: Record<Profile, { maxEpochs: number; patience: number; patienceNoenc: number; maxTrainDocs: number }> = {
  paper: { maxEpochs: 60, patience: 5, patienceNoenc: 10, maxTrainDocs: 0 },
  quick: { maxEpochs: 10, patience: 3, patienceNoenc: 4, maxTrainDocs: 3000 },
  demo: { maxEpochs: 4, patience: 2, patienceNoenc: 2, maxTrainDocs: 2000 },
};

export function preset(dataset: string, arch: Arch, profile: Profile = 'paper'): TrainConfig {
  const key = paperDataset(dataset);
  const row = key ? PAPER[key] : DEFAULT_ROW;
  const { family, encoder } = splitArch(arch);
  const noenc = encoder === 'noenc';
  const limits = LIMITS[profile];
  return {
    arch,
    lr: row.lr,
    dropoutWord: family === 'han' ? row.han[0] : 0,
    dropoutSentence: family === 'han' ? row.han[1] : 0,
    dropoutEncoder: family === 'flan' ? row.flan[0] : 0,
    dropoutClassifier: family === 'han' ? row.han[2] : row.flan[1],
    patience: noenc ? limits.patienceNoenc : limits.patience,
    maxEpochs: limits.maxEpochs,
    batchSize: 64,
    clip: 10,
    lrFactor: 0.5,
    seed: 1,
    emb: 200,
    encoderSize: 50,
    maxTrainDocs: limits.maxTrainDocs,
    logEvery: 20,
  };
}
