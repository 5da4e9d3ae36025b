// reproduce --seeds 2 --attention-kinds softmax,uniform on a tiny grid, end to end: the seeds are different
// models trained on the same documents, both are tested, the uniform model is trained only; the report keeps
// one row per model and its seeds section gives each seed's own numbers (each equal to a report of that
// seed's run alone), their min-max and s.d., and the attention JS between seeds recomputed here by brute
// force from the states files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as reproduce } from '../../../src/cli/commands/reproduce.ts';
import { readStates } from '../../../src/erasure/states-io.ts';
import type { ReportModel } from '../../../src/report/report-model.ts';
import { readRuns, reportModelOf } from '../../../src/report/write-report.ts';
import { writeTinyData } from './tiny-data.ts';

const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function alphas(run: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const f of readdirSync(join(run, 'states')).filter((x) => x.endsWith('.bin'))) for (const s of readStates(join(run, 'states', f)).states) out.set(String(s.docId), [...s.alpha]);
  return out;
}

// Written out again here (not src/erasure/math.ts): JS in nats with 0 log 0 = 0.
function js(p: number[], q: number[]): number {
  const kl = (a: number[], m: number[]): number => a.reduce((s, x, i) => (x > 0 ? s + x * Math.log(x / m[i]!) : s), 0);
  const m = p.map((x, i) => (x + q[i]!) / 2);
  return Math.max(0, (kl(p, m) + kl(q, m)) / 2);
}

test('reproduce --seeds 2 --attention-kinds softmax,uniform: per-seed models and runs, a uniform baseline, the spread in the report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attnlab-seeds-'));
  const prev = process.env.ATTNLAB_CACHE;
  process.env.ATTNLAB_CACHE = join(dir, 'cache');
  try {
    writeTinyData(join(dir, 'tiny.jsonl'), { train: 200, test: 30 });
    const out = join(dir, 'out');
    const args = ['--data', join(dir, 'tiny.jsonl'), '--models', 'flan-noenc', '--vectors', 'none', '--max-docs', '30', '--seeds', '2', '--attention-kinds', 'softmax,uniform', '--out', out];
    assert.equal(await reproduce.run(args), 0);
    const m1 = join(out, 'tiny', 'flan-noenc');
    const m2 = join(m1, 'seed-2');
    const u1 = join(out, 'tiny', 'flan-noenc-uniform');
    for (const f of [join(m1, 'erasure', 'documents.jsonl'), join(m2, 'erasure', 'documents.jsonl'), join(u1, 'model.json'), join(u1, 'seed-2', 'model.json')]) assert.ok(existsSync(f), f);
    assert.ok(!existsSync(join(u1, 'erasure')), 'the uniform-attention model is not erasure-tested');
    type Meta = { config: { seed: number; sampleSeed?: number; attentionKind?: string }; trainDocuments: number; testAccuracy: number };
    const [a, b, u] = [json<Meta>(join(m1, 'model.json')), json<Meta>(join(m2, 'model.json')), json<Meta>(join(u1, 'model.json'))];
    assert.equal(a.config.seed, 1);
    assert.equal(b.config.seed, 2);
    assert.equal(b.config.sampleSeed, 1, 'seed 2 trains on seed 1 documents');
    assert.equal(b.trainDocuments, a.trainDocuments);
    assert.equal(u.config.attentionKind, 'uniform');
    assert.ok(!readFileSync(join(m1, 'model.safetensors')).equals(readFileSync(join(m2, 'model.safetensors'))), 'two seeds give two different models');

    const report = json<ReportModel>(join(out, 'report', 'report-model.json'));
    assert.deepEqual(report.models, ['FLAN-noenc'], 'one row per model: the first seed');
    assert.equal(report.runs[0]!.folder, join(m1, 'erasure'));
    const seeds = report.seeds!;
    assert.ok(seeds, 'the report has the seeds section');
    const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
    assert.match(html, /id="seeds"/);
    for (const f of ['seed-accuracy.csv', 'seed-findings.csv', 'seed-attention-js.csv']) assert.ok(existsSync(join(out, 'report', f)), f);

    // Accuracy: each seed's own Table 3 number; the uniform model's beside it.
    const learned = seeds.accuracy.find((r) => r.model === 'FLAN-noenc')!;
    assert.deepEqual(learned.seeds, [1, 2]);
    assert.deepEqual(learned.accuracies, [a.testAccuracy, b.testAccuracy]);
    assert.equal(learned.min, Math.min(a.testAccuracy, b.testAccuracy));
    assert.equal(learned.max, Math.max(a.testAccuracy, b.testAccuracy));
    assert.ok(Math.abs(learned.sd! - Math.abs(a.testAccuracy - b.testAccuracy) / Math.SQRT2) < 1e-12);
    const uniform = seeds.accuracy.find((r) => r.model === 'FLAN-noenc uniform')!;
    assert.equal(uniform.tested, false);
    assert.deepEqual(uniform.seeds, [1, 2]);
    assert.equal(uniform.accuracies[0], u.testAccuracy);

    // Findings: each seed's estimate is what a report of that seed's run alone says.
    const alone = [m1, m2].map((m) => reportModelOf(readRuns([join(m, 'erasure')]), { resamples: 1000, seed: 1 }).findings);
    const f1 = seeds.findings.find((r) => r.id === 'F1')!;
    assert.deepEqual(f1.seeds, [1, 2]);
    const want = alone.map((fs) => fs.find((f) => f.id === 'F1')!);
    assert.deepEqual(f1.estimates, want.map((f) => f.estimate));
    assert.deepEqual(f1.verdicts, want.map((f) => f.verdict));
    const e = want.map((f) => f.estimate as number);
    assert.equal(f1.min, Math.min(...e));
    assert.equal(f1.max, Math.max(...e));
    assert.ok(Math.abs(f1.sd! - Math.abs(e[0]! - e[1]!) / Math.SQRT2) < 1e-12);

    // Attention JS between the seeds, by brute force from the states files.
    const [p, q] = [alphas(join(m1, 'erasure')), alphas(join(m2, 'erasure'))];
    const values = [...p].filter(([id, x]) => x.length >= 2 && q.get(id)?.length === x.length).map(([id, x]) => js(x, q.get(id)!)).sort((x, y) => x - y);
    const row = seeds.attentionJs[0]!;
    assert.equal(row.documents, values.length);
    assert.ok(values.length >= 10);
    const mid = values.length % 2 ? values[(values.length - 1) / 2]! : (values[values.length / 2 - 1]! + values[values.length / 2]!) / 2;
    assert.ok(Math.abs(row.median! - mid) < 1e-12, `median ${row.median} vs ${mid}`);
    assert.ok(mid > 0, 'two seeds attend differently');
    assert.ok(row.lo! <= row.median! && row.median! <= row.hi!);
  } finally {
    if (prev === undefined) delete process.env.ATTNLAB_CACHE;
    else process.env.ATTNLAB_CACHE = prev;
    rmSync(dir, { recursive: true, force: true });
  }
});
