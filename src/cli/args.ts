// The argument parsing every command shares: node's parseArgs (strict), with its errors turned into a
// UserError that names the command, so each command file keeps only its own options and checks.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../util/errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<const O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`attnlab ${command}: ${(err as Error).message}`);
  }
}
