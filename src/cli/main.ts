// attnlab command line: parse, call the library, write. Results go to stdout/files, logs to stderr.
// Each command lives in src/cli/commands/<name>.ts and exports `command: Command`.
import type { Command } from './command.ts';

// name -> lazy loader, so `attnlab data ...` does not load the tensor engine.
const commands: Record<string, () => Promise<{ command: Command }>> = {
  adversary: () => import('./commands/adversary.ts'),
  data: () => import('./commands/data.ts'),
  diagnose: () => import('./commands/diagnose.ts'),
  eval: () => import('./commands/eval.ts'),
  import: () => import('./commands/import.ts'),
  reproduce: () => import('./commands/reproduce.ts'),
  report: () => import('./commands/report.ts'),
  status: () => import('./commands/status.ts'),
  test: () => import('./commands/test.ts'),
  train: () => import('./commands/train.ts'),
};

function usage(): string {
  const lines = Object.keys(commands)
    .sort()
    .map((name) => `  attnlab ${name}`);
  return ['usage: attnlab <command> [options]', '', 'commands:', ...lines, '', 'attnlab <command> --help for more.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    console.error(`attnlab: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const { command } = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Expected failures (bad input, missing files) carry a message for the user, not a stack trace.
    // Most messages already name the command ("attnlab eval: ..."): those are printed as they are.
    if (err instanceof Error && (err as { userFacing?: boolean }).userFacing) console.error(err.message.startsWith('attnlab') ? err.message : `attnlab: ${err.message}`);
    else console.error(err);
    process.exitCode = 1;
  },
);
