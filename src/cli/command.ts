// The shape every CLI command has. A command parses its own arguments and returns an exit code.
export interface Command {
  name: string;
  summary: string;
  run(args: string[]): Promise<number>;
}

export { UserError } from '../util/errors.ts';
