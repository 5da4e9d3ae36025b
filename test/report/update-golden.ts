// Regenerates the report's fixed results set and its golden outputs: `npm run golden:report`.
// Review the diff of test/report/golden/ before committing it: it is what the golden test holds the code to.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildFigures } from '../../src/report/figures.ts';
import { readRuns, reportModelOf } from '../../src/report/write-report.ts';
import { writeJsonAtomic } from '../../src/util/atomic.ts';
import { makeFixtures } from './fixtures/make-fixtures.ts';
import { GOLDEN_DIR, GOLDEN_OPTIONS, relativeFolders } from './golden.ts';

const folders = makeFixtures();
const model = relativeFolders(reportModelOf(readRuns(folders), GOLDEN_OPTIONS));
rmSync(GOLDEN_DIR, { recursive: true, force: true });
writeJsonAtomic(join(GOLDEN_DIR, 'report-model.json'), model);
for (const fig of buildFigures(model)) writeJsonAtomic(join(GOLDEN_DIR, 'specs', `${fig.id}.vl.json`), fig.spec);
console.error(`wrote ${folders.length} fixture runs and golden files under ${GOLDEN_DIR}`);
