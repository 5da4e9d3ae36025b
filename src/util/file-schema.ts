// Files read back are checked, not cast: parse with a zod schema and, when it does not fit, one line that
// names the file, the field and what was expected.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UserError } from './errors.ts';

/** `value` checked against `schema`; else a UserError "<where>: field <path>: <what> (<wayOut>)". */
export function checkedAs<S extends z.ZodType>(schema: S, value: unknown, where: string, wayOut = ''): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? `field '${issue.path.map(String).join('.')}'` : 'content';
  throw new UserError(`${where}: ${field}: ${issue.message.replace(/^Invalid input: /, '')}${wayOut ? `; ${wayOut}` : ''}`);
}

/** JSON.parse with the file named in the error. */
export function parseJson(text: string, where: string, wayOut = ''): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${where}: not valid JSON (${(err as Error).message})${wayOut ? `; ${wayOut}` : ''}`);
  }
}

/**
 * A JSON file read and parsed; every failure is one UserError naming the file: "<path>: not found",
 * "a folder, not a JSON file", "cannot read (<code>)" or "not valid JSON (<why>)", then "; <wayOut>".
 */
export function readJsonFile(path: string, wayOut = ''): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'a folder, not a JSON file' : `cannot read (${code ?? (err as Error).message})`;
    throw new UserError(`${path}: ${why}${wayOut ? `; ${wayOut}` : ''}`);
  }
  return parseJson(text, path, wayOut);
}
