// attnlab status <out> [--json]: each stage of an attnlab reproduce folder (local or Slurm) and its state.
import type { Command } from '../command.ts';
import { UserError } from '../command.ts';
import { parseCommandArgs } from '../args.ts';
import { readPlan } from '../grid/plan.ts';
import { formatStatus, gridStatus } from '../grid/status.ts';

const HELP = `usage: attnlab status <out> [--json]

Where each stage of an attnlab reproduce folder stands: done (the run folder holds its results),
running, pending or failed (from its Slurm job, read with scontrol, when it was submitted with
--executor slurm). Test stages count their erasure chunks.`;

export const command: Command = {
  name: 'status',
  summary: 'the state of every stage of an attnlab reproduce folder (local or Slurm)',
  // A promise whose rejection carries any error (the work itself is synchronous).
  run: (args) => new Promise<number>((resolve) => resolve(runStatus(args))),
};

function runStatus(args: string[]): number {
  const { values, positionals } = parseCommandArgs('status', args, {
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`attnlab status: expected one reproduce folder, got ${positionals.length ? positionals.join(' ') : 'none'} (attnlab status --help)`);
  const rows = gridStatus(readPlan(positionals[0]!));
  console.log(values.json ? JSON.stringify(rows, null, 2) : formatStatus(rows));
  return 0;
}
