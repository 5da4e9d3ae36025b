// Writes src/torch/native-api.ts, the addon's TypeScript declaration, from the function tables in
// native/*.cc, so that the C++ registration and the TypeScript types come from one place:
//   - `#define NAME_OPS(X)` rows `X(name, expr)` (ops.cc): each parameter's type comes from the argument
//     reader the expression uses at that position (T(i) tensor, N(i) number, ...); the table's name gives
//     the return type (TENSOR_OPS a handle, PAIR_OPS two, LIST_OPS a list).
//   - `#define NAME_FUNCTIONS(X)` rows `X(name, CppFunction, "(params): result")` (addon.cc, rnn.cc,
//     optim.cc, word2vec.cc): the signature as written beside the function's registration.
// Usage: node --import tsx scripts/gen-native-api.ts [--check]   (--check: exit 1 if the file is stale)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../src/util/atomic.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const NATIVE_DIR = join(ROOT, 'native');
export const NATIVE_API_PATH = join(ROOT, 'src/torch/native-api.ts');

/** The argument readers of ops.cc and the TypeScript type of what each accepts. */
const READERS: Record<string, string> = {
  T: 'Handle',
  OT: 'Handle | null',
  TS: 'Handle[]',
  N: 'number',
  I: 'number',
  IS: 'number[]',
  OptInts: 'number[] | null', // OptInts(info, i)
  B: 'boolean',
  S: 'string',
};
const OP_RESULTS: Record<string, string> = { TENSOR_OPS: 'Handle', PAIR_OPS: '[Handle, Handle]', LIST_OPS: 'Handle[]' };
/** Types a signature may name, and the module each comes from. */
const IMPORTS: Record<string, string> = {
  DType: './tensor.ts',
  TypedData: './tensor.ts',
  Handle: './native-types.ts',
  NativeBuildInfo: './native-types.ts',
  Word2VecNativeOptions: './native-types.ts',
  Word2VecNativeStats: './native-types.ts',
};

interface Entry {
  name: string;
  signature: string;
  /** Where it is defined, for the comment: "ops.cc TENSOR_OPS: at::add(T(0), T(1))". */
  origin: string;
}

/** The macro tables of one source file: name -> its rows, each row's text inside X(...). */
function tables(source: string, file: string): { table: string; rows: string[] }[] {
  const out: { table: string; rows: string[] }[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^#define (\w+_(?:OPS|FUNCTIONS))\(X\)/.exec(lines[i]!);
    if (!m) continue;
    let body = '';
    let line = lines[i]!;
    while (line.trimEnd().endsWith('\\')) {
      line = lines[++i] ?? '';
      body += line.trimEnd().replace(/\\$/, '') + '\n';
    }
    body = body.replace(/\/\*[\s\S]*?\*\//g, '');
    out.push({ table: m[1]!, rows: splitRows(body, `${file} ${m[1]!}`) });
  }
  return out;
}

/** The X(...) calls of a table body, by balanced parentheses. */
function splitRows(body: string, where: string): string[] {
  const rows: string[] = [];
  let i = 0;
  while (i < body.length) {
    if (/\s/.test(body[i]!)) {
      i++;
      continue;
    }
    if (!body.startsWith('X(', i)) throw new Error(`${where}: expected X(...) at "${body.slice(i, i + 40)}"`);
    let depth = 0;
    let inString = false;
    let j = i + 1;
    for (; j < body.length; j++) {
      const c = body[j]!;
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    if (depth !== 0) throw new Error(`${where}: unbalanced parentheses in "${body.slice(i, i + 60)}"`);
    rows.push(body.slice(i + 2, j).trim());
    i = j + 1;
  }
  return rows;
}

function opEntry(row: string, table: string, file: string): Entry {
  const comma = row.indexOf(',');
  const name = row.slice(0, comma).trim();
  const expr = row.slice(comma + 1).trim();
  const where = `${file} ${table} ${name}`;
  const params: string[] = [];
  for (const m of expr.matchAll(/\b(?:(OT|TS|IS|T|N|I|B|S)\((\d+)\)|(OptInts)\(info, (\d+)\))/g)) {
    const type = READERS[m[1] ?? m[3]!]!;
    const k = Number(m[2] ?? m[4]);
    if (params[k] !== undefined && params[k] !== type) throw new Error(`${where}: argument ${k} read as both ${params[k]} and ${type}`);
    params[k] = type;
  }
  for (let k = 0; k < params.length; k++) if (params[k] === undefined) throw new Error(`${where}: argument ${k} is never read`);
  const result = OP_RESULTS[table];
  if (result === undefined) throw new Error(`${where}: unknown op table ${table} (expected ${Object.keys(OP_RESULTS).join(', ')})`);
  return { name, signature: `(${params.map((t, k) => `arg${k}: ${t}`).join(', ')}): ${result}`, origin: `${file} ${table}: ${expr.replace(/\s+/g, ' ')}` };
}

function functionEntry(row: string, table: string, file: string): Entry {
  const m = /^(\w+),\s*(\w+),\s*"([^"]*)"$/.exec(row);
  if (!m) throw new Error(`${file} ${table}: expected X(jsName, CppFunction, "(params): result"), found X(${row})`);
  return { name: m[1]!, signature: m[3]!, origin: `${file} ${table}: ${m[2]!}` };
}

/** Every addon function, in the order of the tables in native/*.cc (files sorted by name). */
export function nativeEntries(dir = NATIVE_DIR): Entry[] {
  const entries: Entry[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cc')).sort()) {
    for (const { table, rows } of tables(readFileSync(join(dir, file), 'utf8'), file)) {
      for (const row of rows) entries.push(table.endsWith('_OPS') ? opEntry(row, table, file) : functionEntry(row, table, file));
    }
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new Error(`native function ${e.name} is in the tables twice`);
    seen.add(e.name);
  }
  return entries;
}

/** The text of src/torch/native-api.ts. */
export function generateNativeApi(dir = NATIVE_DIR): string {
  const entries = nativeEntries(dir);
  const used = Object.keys(IMPORTS).filter((t) => entries.some((e) => new RegExp(`\\b${t}\\b`).test(e.signature)));
  const byModule = new Map<string, string[]>();
  for (const t of used) byModule.set(IMPORTS[t]!, [...(byModule.get(IMPORTS[t]!) ?? []), t]);
  const lines = [
    '// GENERATED by scripts/gen-native-api.ts from the function tables in native/*.cc: do not edit.',
    '// After changing a table run `npm run gen:native`; test/torch/native-api.test.ts fails while this is stale.',
    ...[...byModule].map(([mod, types]) => `import type { ${types.join(', ')} } from '${mod}';`),
    '',
    '/** The functions of native/build/attnlab.node. */',
    'export interface NativeAddon {',
    ...entries.map((e) => `  /** ${e.origin.replace(/\*\//g, '* /')} */\n  ${e.name}${e.signature};`),
    '}',
    '',
    '/** Every function name above, in table order: what src/torch/native.ts installs (and a test checks the addon exports). */',
    'export const NATIVE_FUNCTIONS = [',
    ...entries.map((e) => `  '${e.name}',`),
    '] as const satisfies readonly (keyof NativeAddon)[];',
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = generateNativeApi();
  const current = (() => {
    try {
      return readFileSync(NATIVE_API_PATH, 'utf8');
    } catch {
      return '';
    }
  })();
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(`${NATIVE_API_PATH} is stale: run npm run gen:native`);
      process.exit(1);
    }
  } else if (current !== text) {
    writeFileAtomic(NATIVE_API_PATH, text);
    console.error(`wrote ${NATIVE_API_PATH}`);
  }
}
