// readJsonFile: a JSON file read and parsed, each failure one line naming the file (and the way out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonFile } from '../../src/util/file-schema.ts';
import { UserError } from '../../src/util/errors.ts';

test('readJsonFile: the value, or one line per failure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-json-'));
  try {
    const good = join(dir, 'good.json');
    writeFileSync(good, '{"a": [1, 2]}');
    assert.deepEqual(readJsonFile(good), { a: [1, 2] });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"a": ');
    mkdirSync(join(dir, 'folder.json'));
    const cases: [string, string, RegExp][] = [
      [join(dir, 'none.json'), '', /^\S+none\.json: not found$/],
      [join(dir, 'none.json'), 'train again', /^\S+none\.json: not found; train again$/],
      [join(dir, 'folder.json'), '', /^\S+folder\.json: a folder, not a JSON file$/],
      [bad, 'delete it', /^\S+bad\.json: not valid JSON \(.+\); delete it$/],
    ];
    for (const [path, way, expected] of cases) {
      assert.throws(
        () => readJsonFile(path, way),
        (e) => e instanceof UserError && !e.message.includes('\n') && expected.test(e.message),
        `${path} ${way}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
