import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/report/index.js';
import { runPaths } from '../../src/run/index.js';
import { writeJsonAtomic } from '../../src/util/atomic.js';
import { writeFixtureRun } from './fixture-run.js';

test("the report's training section shows the cross-source proxy beside the test split, or says it was off", async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-report-proxy-'));
  await writeFixtureRun(run);
  const p = runPaths(run);
  const section = (html: string) =>
    html.slice(html.indexOf('backbone classifier'), html.indexOf('confusion_backbone'));
  const off = readFileSync(await writeReport(run), 'utf8');
  assert.match(section(off), /Cross-source proxy: not run/);

  const m = JSON.parse(readFileSync(p.backboneMetrics, 'utf8'));
  const proxy = { ...m.test, accuracy: m.test.accuracy - 0.125, balancedAccuracy: 0.5, macroF1: 0.25 };
  writeJsonAtomic(p.backboneMetrics, { ...m, proxy });
  const html = section(readFileSync(await writeReport(run), 'utf8'));
  assert.ok(
    html.includes(
      `<td>cross-source proxy</td><td>${m.test.n}</td><td>${(100 * proxy.accuracy).toFixed(1)}%</td><td>50.0%</td>`,
    ),
    'a proxy row with its own figures',
  );
  assert.match(html, /against [\d.]+% on the test split as stored: −12\.5 points/);
});
