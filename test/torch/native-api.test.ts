// The addon's TypeScript declaration (src/torch/native-api.ts) is generated from the function tables in
// native/*.cc: it must be up to date, match what the built addon exports, and the addon must load only
// on first use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateNativeApi, nativeEntries, NATIVE_API_PATH } from '../../scripts/gen-native-api.ts';
import { NATIVE_FUNCTIONS } from '../../src/torch/native-api.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADDON = join(ROOT, 'native/build/attnlab.node');

test('src/torch/native-api.ts is what scripts/gen-native-api.ts makes of native/*.cc (else: npm run gen:native)', () => {
  assert.equal(readFileSync(NATIVE_API_PATH, 'utf8'), generateNativeApi());
});

test('the built addon exports exactly the functions of the tables', () => {
  const addon = createRequire(import.meta.url)(ADDON) as Record<string, unknown>;
  const exported = Object.keys(addon).filter((k) => typeof addon[k] === 'function').sort();
  assert.deepEqual(exported, [...NATIVE_FUNCTIONS].sort());
});

test('op parameter types come from the argument readers; a gap or a clash is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-native-api-'));
  const table = (rows: string): void =>
    writeFileSync(join(dir, 'ops.cc'), `#define TENSOR_OPS(X) \\\n${rows.split('\n').join(' \\\n')}\n\nint x;\n`);
  try {
    table('  /* a comment */\n  X(lin, at::linear(T(0), T(1), OT(2)))\n  X(s, at::sum(T(0), OptDims(OptInts(info, 1)), B(2)))');
    assert.deepEqual(
      nativeEntries(dir).map((e) => `${e.name}${e.signature}`),
      ['lin(arg0: Handle, arg1: Handle, arg2: Handle | null): Handle', 's(arg0: Handle, arg1: number[] | null, arg2: boolean): Handle'],
    );
    table('  X(gap, at::add(T(0), T(2)))');
    assert.throws(() => nativeEntries(dir), /argument 1 is never read/);
    table('  X(clash, at::add(T(0), N(0)))');
    assert.throws(() => nativeEntries(dir), /argument 0 read as both Handle and number/);
    writeFileSync(join(dir, 'ops.cc'), '#define CORE_FUNCTIONS(X) \\\n  X(f, F)\n');
    assert.throws(() => nativeEntries(dir), /expected X\(jsName, CppFunction, "\(params\): result"\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importing src/models and src/report does not load the addon; the first tensor op does', () => {
  const reports = readdirSync(join(ROOT, 'src/report')).filter((f) => f.endsWith('.ts'));
  const script = `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.endsWith('attnlab.node'));
    const { nativeLoaded } = await import('./src/torch/native.ts');
    await import('./src/models/index.ts');
    ${reports.map((f) => `await import('./src/report/${f}');`).join('\n')}
    console.log(JSON.stringify({ afterImports: [nativeLoaded(), loaded()] }));
    const torch = await import('./src/torch/index.ts');
    torch.zeros([1]).dispose();
    console.log(JSON.stringify({ afterFirstOp: [nativeLoaded(), loaded()] }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, [boolean, boolean]>);
  assert.deepEqual(lines, [{ afterImports: [false, false] }, { afterFirstOp: [true, true] }]);
});
