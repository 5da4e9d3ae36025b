import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { msg } from '../../../src/report/messages.ts';
import { fixtureFolders } from '../../report/golden.ts';

const BIN = new URL('../../../bin/attnlab.js', import.meta.url).pathname;

function attnlab(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

test('attnlab report writes the page, the model, the specs and the figures', () => {
  const out = mkdtempSync(join(tmpdir(), 'attnlab-report-cli-'));
  const r = attnlab('report', ...fixtureFolders().slice(0, 2), '--out', out, '--resamples', '50', '--no-png');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.trim(), msg.wrote(join(out, 'report.html')));
  assert.ok(existsSync(join(out, 'report.html')) && existsSync(join(out, 'report-model.json')));
  assert.equal(readdirSync(join(out, 'specs')).length, readdirSync(join(out, 'figures')).length);
  assert.ok(readdirSync(join(out, 'figures')).every((f) => f.endsWith('.svg')), '--no-png writes no PNG');
});

test('attnlab report without run folders says what it needs', () => {
  const r = attnlab('report');
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), `attnlab: ${msg.noRunFolders()}`);
});

test('attnlab report refuses a bad --resamples', () => {
  const r = attnlab('report', fixtureFolders()[0]!, '--resamples', 'many');
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), `attnlab: ${msg.badField('report', '--resamples', 'an integer ≥ 1')}`);
});

test('attnlab report names an unknown option', () => {
  const r = attnlab('report', '--colour', 'red');
  assert.equal(r.status, 1);
  assert.match(r.stderr.trim(), /^attnlab report: Unknown option '--colour'/);
});
