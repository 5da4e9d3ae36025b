// attnlab reproduce [--data A,B] [--models LIST|all] [--profile quick|paper] [--out DIR] [--max-docs N]
// The whole experiment: data -> train -> test -> report for every (data set, architecture), into one
// folder. Each stage is the same code as its own command and resumes the same way: a finished training
// run is not repeated (attnlab train), finished erasure chunks are not redone (attnlab test), so running
// the command again after a stop continues where it stopped. The report is rebuilt at the end (seconds).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { ARCHS, isArch } from '../../models/index.ts';
import { PROFILES } from '../../train/index.ts';

const BUILTIN = ['brown-genre5', 'sotu-era5'];
const DEMO_TEST_DOCS = 300;

const HELP = `usage: attnlab reproduce [options]

Trains every architecture on every data set, runs the erasure tests on each model, and writes the
report: <out>/<data>/<arch>/ (model, checkpoints, train.jsonl), <out>/<data>/<arch>/erasure/ (run folder),
<out>/report/report.html. Run it again to resume; finished stages are not redone.

options:
  --data LIST       comma-separated data sets: built-in names or paths (default: ${BUILTIN.join(',')})
  --models LIST     comma-separated architectures or 'all' (default: all): ${ARCHS.join(', ')}
  --profile NAME    demo | quick | paper (default: demo). demo: 4 epochs, 2000 training documents, 300
                    test documents, minutes on 2 cores; quick: 10 epochs, 3000 documents; paper:
                    Appendix A.1's procedure (60 epochs at most, patience 5, 10 for noenc)
  --out DIR         output folder (default: runs/reproduce)
  --max-docs N      erasure tests on a seeded random sample of N test documents (default: all; demo 300)
  --vectors KIND    word2vec | glove | none (default: word2vec)
  --seed N          seed of the erasure tests and the report (default: 1)`;

export const command: Command = {
  name: 'reproduce',
  summary: 'the whole experiment (data, train, test, report) on built-in or given data, resumable',
  async run(args) {
    const { values, positionals } = parseCommandArgs('reproduce', args, {
      data: { type: 'string', default: BUILTIN.join(',') },
      models: { type: 'string', default: 'all' },
      profile: { type: 'string', default: 'demo' },
      out: { type: 'string', default: join('runs', 'reproduce') },
      'max-docs': { type: 'string' },
      vectors: { type: 'string', default: 'word2vec' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    });
    if (positionals.length) throw new UserError(`attnlab reproduce: unexpected argument '${positionals[0]}' (data sets go in --data; attnlab reproduce --help)`);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const datasets = list(values.data);
    const models = values.models === 'all' ? [...ARCHS] : list(values.models);
    const bad = models.filter((m) => !isArch(m));
    if (bad.length) throw new UserError(`attnlab reproduce: --models: unknown architecture '${bad[0]}' (expected ${ARCHS.join(', ')} or all)`);
    if (!(PROFILES as readonly string[]).includes(values.profile)) throw new UserError(`attnlab reproduce: --profile must be one of ${PROFILES.join(', ')}, got '${values.profile}'`);
    // The demo profile tests a sample so that `npm start` stays within minutes; others test everything.
    const maxDocs = values['max-docs'] ?? (values.profile === 'demo' ? String(DEMO_TEST_DOCS) : undefined);
    const out = values.out;

    // The stages' modules load once the arguments are checked; libtorch itself loads on the first tensor op
    // (src/torch/native.ts), whatever is imported.
    const train = (await import('./train.ts')).command;
    const { runTestCommand } = await import('./test.ts');
    const report = (await import('./report.ts')).command;

    const started = Date.now();
    const runs: string[] = [];
    const stages = datasets.length * (models.length + 1) + 1;
    let stage = 0;
    const say = (what: string): void => console.error(`\nattnlab reproduce [${++stage}/${stages}, ${minutes(started)}] ${what}`);
    for (const data of datasets) {
      const name = data.replace(/\/+$/, '').split('/').pop()!.replace(/\.[^.]*$/, '');
      const dataOut = join(out, name);
      say(`train ${models.join(', ')} on ${data}`);
      const trainArgs = [data, '--arch', models.join(','), '--profile', values.profile, '--out', dataOut, '--vectors', values.vectors];
      if ((await train.run(trainArgs)) !== 0) return 1;
      for (const arch of models) {
        const modelDir = join(dataOut, arch);
        const runDir = join(modelDir, 'erasure');
        say(`erasure tests: ${name} ${arch}`);
        const testArgs = [modelDir, '--data', data, '--out', runDir, '--seed', values.seed];
        if (maxDocs !== undefined) testArgs.push('--max-docs', maxDocs);
        if ((await runTestCommand(testArgs)) !== 0) return 1;
        runs.push(runDir);
      }
    }
    say(`report on ${runs.length} models`);
    const reportDir = join(out, 'report');
    if ((await report.run([...runs, '--out', reportDir, '--seed', values.seed])) !== 0) return 1;
    const html = join(reportDir, 'report.html');
    if (!existsSync(html)) throw new UserError(`attnlab reproduce: the report stage finished without writing ${html}`);
    console.error(`\nattnlab reproduce: done in ${minutes(started)}; open ${html}`);
    console.log(html);
    return 0;
  },
};

function list(s: string): string[] {
  const items = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (!items.length) throw new UserError(`attnlab reproduce: empty list '${s}'`);
  return items;
}

function minutes(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
