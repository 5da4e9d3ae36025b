// attnlab report <run-folder...> [--out DIR] [--resamples N] [--seed N] [--no-png]
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { msg } from '../../report/messages.ts';
import { writeReport } from '../../report/write-report.ts';

const HELP = `usage: attnlab report <run-folder...> [--out DIR] [--resamples N] [--seed N] [--no-png]

Reads each run folder (tested-model.json, documents.jsonl, optional examples.jsonl) and writes into --out
(default: report/): report.html, findings/medians/outcomes/paper-statistics CSVs, report-model.json,
specs/*.vl.json, figures/*.svg|png. What each part means: docs/report.md.`;

export const command: Command = {
  name: 'report',
  summary: 'figures, tables, checked findings and an HTML page from run folders',
  async run(args) {
    const { values, positionals } = parseCommandArgs('report', args, {
      out: { type: 'string', default: 'report' },
      resamples: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      'no-png': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const files = await writeReport(positionals, values.out, {
      resamples: intOption('--resamples', values.resamples, 1),
      seed: intOption('--seed', values.seed, 0),
      png: !values['no-png'],
    });
    console.error(msg.wrote(files.html));
    return 0;
  },
};

function intOption(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UserError(msg.badField('report', name, `an integer ≥ ${min}`));
  return n;
}
