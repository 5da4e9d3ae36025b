// The argument parsing every command shares: node's parseArgs (strict), with its errors turned into a
// UserError that names the command, so each command file keeps only its own options and checks; and the
// one integer-option parser.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../util/errors.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<const O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    // node's message can run over several lines ("... is ambiguous.\nDid you forget ..."): one line here.
    throw new UserError(`attnlab ${command}: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')}`);
  }
}

/**
 * An integer option's value, at least `min`: undefined when the option was not given. `name` is the flag
 * as written (--max-docs); `command` prefixes the message as the other argument errors do.
 */
export function integerOption(command: string, name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new UserError(`attnlab ${command}: ${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

/** integerOption for an option with a default (always given). */
export function requiredInteger(command: string, name: string, value: string, min: number): number {
  return integerOption(command, name, value, min)!;
}
