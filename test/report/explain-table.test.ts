import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/report/index.js';

const row = (method: string, rho: number, passed: boolean) => ({
  model: 'hybrid',
  method,
  label: method,
  cases: 4,
  withBox: 3,
  scored: 3,
  empty: 0,
  emptyFraction: 0,
  pointingGame: 0.5,
  pointingGameTol: 1,
  energyInBox: 0.25,
  cap: { pointingGame: 1, pointingGameTol: 1, energyInBox: 0.5 },
  msPerImage: 3,
  deletionAuc: 0.123,
  insertionAuc: 0.789,
  sanity: { rankCorrelation: rho, passed, threshold: 0.5, stages: { head: 0.1, cascade: rho } },
});

test("the report's localisation table shows deletion / insertion AUC and the randomisation verdict", async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-report-explain-'));
  try {
    mkdirSync(join(run, 'explain'), { recursive: true });
    writeFileSync(
      join(run, 'explain', 'audit.json'),
      JSON.stringify({ cases: [], localization: [row('gradcam', 0.61, false), row('shapcam', 0.2, true)] }),
    );
    const html = readFileSync(await writeReport(run), 'utf8');
    assert.match(html, /deletion AUC/);
    assert.match(html, /<td>0\.123<\/td><td>0\.789<\/td><td>0\.61 <b>FAILED<\/b><\/td>/);
    assert.match(html, /<td>0\.20 passed<\/td>/);
    // the pointing game's denominator: images with a box and a non-empty map
    assert.match(html, /<th>images scored<\/th>/);
    assert.match(html, /<td>gradcam<\/td><td>3<\/td><td>50%/);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});
