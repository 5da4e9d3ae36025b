// A finished erasure run's stored final-layer states as document contexts, for the benches that time the
// tests on real documents (adversarial-speed, jain-wallace-cost): states/head.json and every states/*.bin
// in run order, the first maxDocs documents.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildContext } from '../src/erasure/context.ts';
import { headFromJson, readStates } from '../src/erasure/states-io.ts';
import type { DocumentContext } from '../src/erasure/types.ts';

export function runContexts(folder: string, maxDocs: number): DocumentContext[] {
  const statesDir = join(folder, 'states');
  const head = headFromJson(JSON.parse(readFileSync(join(statesDir, 'head.json'), 'utf8')), join(statesDir, 'head.json'));
  return readdirSync(statesDir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .flatMap((f) => readStates(join(statesDir, f)).states)
    .slice(0, maxDocs)
    .map((s) => buildContext(s, head));
}
