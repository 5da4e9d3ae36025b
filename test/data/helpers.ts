// Shared by the data tests: fixture paths and throwaway folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
export const fixture = (name: string): string => join(FIXTURES, name);

/** A fresh temporary folder, removed when the test file finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-data-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
