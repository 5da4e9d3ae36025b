// attnlab train <data> [--arch A[,B..]|all] [--profile paper|quick|demo] [--config FILE] [--out DIR] [--<setting> V ..]
// Trains one model per architecture into <out>/<arch>/; run again to resume.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { integerOption, parseCommandArgs } from '../args.ts';
import { DATA_OPTIONS, DATA_OPTIONS_HELP, dataOptionsFrom } from '../data-options.ts';
import { DEVICE_HELP, resolveDevice } from '../../train/device.ts';
import { ARCHS, isArch, type Arch } from '../../models/index.ts';
import {
  CONFIG_KEYS,
  FIELDS,
  PROFILES,
  checkPartial,
  flagName,
  mergeConfig,
  parseFlagValue,
  preset,
  train,
  type Profile,
  type TrainConfig,
} from '../../train/index.ts';

const SETTING_FLAGS = CONFIG_KEYS.filter((k) => k !== 'arch');

const HELP = `usage: attnlab train <data> [options]

<data> is a built-in corpus (brown-genre5, sotu-era5) or a data path (see attnlab data --help); model.json
records where it came from (absolute path and sha256), so attnlab test and eval find it again.
Trains each architecture into <out>/<arch>/: model.safetensors + model.json (best dev accuracy),
checkpoint.safetensors (every epoch), train.jsonl (log). Run the same command again to resume a run
that was stopped; a finished run is not repeated.

options:
  --arch LIST        comma-separated architectures, or 'all' (default: all): ${ARCHS.join(', ')}
  --profile NAME     ${PROFILES.join(' | ')} (default: paper). paper: paper Appendix A.1 (60 epochs at most,
                     patience 5, 10 for noenc); quick: at most 10 epochs, patience 3 (4 for noenc) and at
                     most 3000 training documents, for CPU runs on the built-in corpora; demo: at most
                     4 epochs, patience 2, 2000 training documents (what npm start runs)
  --config FILE      JSON object of settings (the names below in camelCase); flags override it
  --out DIR          output folder (default: runs/<data>)
  --vectors KIND     word2vec (default, docs/method.md §1) | glove | none (random embeddings)
  --fresh            discard existing checkpoints and start over
  --threads N        torch threads (default: all cores)
  --device D         ${DEVICE_HELP}

${DATA_OPTIONS_HELP}

settings (override the preset for the data set and architecture):
${SETTING_FLAGS.map((k) => `  --${flagName(k).padEnd(20)} ${FIELDS[k].help}`).join('\n')}`;

export const command: Command = {
  name: 'train',
  summary: 'train HAN/FLAN models (paper Appendix A.1 presets), resumable',
  async run(args) {
    const settingOptions = Object.fromEntries(SETTING_FLAGS.map((k) => [flagName(k), { type: 'string' as const }]));
    const { values, positionals } = parseCommandArgs('train', args, {
      arch: { type: 'string' },
      profile: { type: 'string', default: 'paper' },
      config: { type: 'string' },
      out: { type: 'string' },
      vectors: { type: 'string', default: 'word2vec' },
      fresh: { type: 'boolean', default: false },
      threads: { type: 'string' },
      device: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h', default: false },
      ...DATA_OPTIONS,
      ...settingOptions,
    });
    const v = values as Record<string, string | boolean | undefined>;
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UserError(`attnlab train: expected one data set, got ${positionals.length ? positionals.join(' ') : 'none'} (attnlab train --help)`);
    const source = positionals[0]!;
    const profile = values.profile as Profile;
    if (!(PROFILES as readonly string[]).includes(profile)) throw new UserError(`attnlab train: --profile must be one of ${PROFILES.join(', ')}, got '${profile}'`);
    const vectors = values.vectors as 'word2vec' | 'glove' | 'none';
    if (!['word2vec', 'glove', 'none'].includes(vectors)) throw new UserError(`attnlab train: --vectors must be word2vec, glove or none, got '${vectors}'`);

    let fromFile: Partial<TrainConfig> = {};
    if (values.config) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(values.config, 'utf8'));
      } catch (err) {
        throw new UserError(`config file ${values.config}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : `not valid JSON (${(err as Error).message})`}`);
      }
      fromFile = checkPartial(raw, `config file ${values.config}`);
    }
    const flags: Record<string, unknown> = {};
    for (const k of SETTING_FLAGS) {
      const raw = v[flagName(k)];
      if (typeof raw === 'string') flags[k] = parseFlagValue(k, raw);
    }
    const fromFlags = checkPartial(flags, 'flags');
    const archs = parseArchs(typeof values.arch === 'string' ? values.arch : fromFile.arch ?? 'all');
    const threads = integerOption('train', '--threads', values.threads, 1);
    const dataOptions = dataOptionsFrom('train', values);
    if (threads !== undefined) {
      const torch = await import('../../torch/index.ts');
      torch.setNumThreads(threads);
    }

    const device = await resolveDevice(values.device, 'attnlab train');
    const { loadTrainingData } = await import('../../train/dataset.ts');
    const data = await loadTrainingData(source, { ...dataOptions, vectors, log: (line) => console.error(line) });
    const out = values.out ?? join('runs', data.name);
    // Check every architecture's configuration before the first epoch of the first one.
    const configs = archs.map((arch) => {
      // The embedding width follows the word vectors (GloVe is 100-d) unless a setting names it.
      const base = { ...preset(data.name, arch, profile), ...(data.vectors ? { emb: data.vectorDim } : {}) };
      return mergeConfig(base, { source: `config file ${values.config}`, values: { ...fromFile, arch } }, { source: 'flags', values: fromFlags });
    });
    const results = [];
    for (const config of configs) {
      const r = train({ data, config, outDir: join(out, config.arch), profile, fresh: values.fresh, device });
      results.push(`${config.arch}\tbest dev ${pct(r.devAccuracy)} (epoch ${r.bestEpoch})\ttest ${r.testAccuracy === null ? '-' : pct(r.testAccuracy)}\t${r.outDir}`);
    }
    console.log(results.join('\n'));
    return 0;
  },
};

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function parseArchs(s: string): Arch[] {
  if (s === 'all') return [...ARCHS];
  const list = s.split(',').map((a) => a.trim()).filter(Boolean);
  const bad = list.filter((a) => !isArch(a));
  if (bad.length || list.length === 0) throw new UserError(`attnlab train: --arch: unknown architecture '${bad[0] ?? s}' (expected ${ARCHS.join(', ')} or all)`);
  return list as Arch[];
}
