import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPaths, saveFeatures } from '../../src/run/index.js';
import { binomialUpper } from '../../src/train/index.js';
import { clusterFeatures } from '../noise/tiny-run.js';

const qmri = fileURLToPath(new URL('../../bin/qmri', import.meta.url));
const cli = (...args: string[]) =>
  spawnSync(qmri, ['compare', ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });

test('binomial limit of the A/A count: the smallest k with P(X > k) ≤ 5% at a 5% rate', () => {
  // Binomial(40, 0.05): P(X ≤ 3) = 0.862, P(X ≤ 4) = 0.952; Binomial(100, 0.05): P(X ≤ 8) = 0.937, P(X ≤ 9) = 0.972
  assert.equal(binomialUpper(40), 4);
  assert.equal(binomialUpper(100), 9);
  assert.equal(binomialUpper(1), 0);
});

test('qmri compare --calibrate N: N A/A verdicts of the reference head against itself, counted', () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-calibrate-'));
  try {
    const p = runPaths(run);
    saveFeatures(p.features('train'), clusterFeatures(64, 1, 1.6));
    saveFeatures(p.features('val'), clusterFeatures(24, 2, 1.6));
    saveFeatures(p.features('test'), clusterFeatures(40, 3, 1.6));
    const r = cli('--run', run, '--calibrate', '3', '--seeds', '2', '--threads', '1', '--json');
    assert.equal(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.reference, 'linear');
    assert.equal(c.metric, 'balancedAccuracy');
    assert.equal(c.repetitions, 3);
    assert.equal(c.seedsPerSide, 2);
    assert.equal(c.runs.length, 3);
    const { better, worse, equivalent, inconclusive } = c.counts;
    assert.equal(better + worse + equivalent + inconclusive, 3);
    assert.equal(c.falsePositiveRate, (better + worse) / 3);
    for (const v of c.runs) {
      const [lo, hi] = v.ci;
      const want = lo > 0 ? 'better' : hi < 0 ? 'worse' : -1 < lo && hi < 1 ? 'equivalent' : 'inconclusive';
      assert.equal(v.label, want);
    }
    // independent seeds on the two sides: the sides differ (an A/A of one model against itself would be 0)
    assert.ok(
      c.runs.some((v: { diff: number }) => v.diff !== 0),
      JSON.stringify(c.runs),
    );
    assert.deepEqual(JSON.parse(readFileSync(p.calibration, 'utf8')).counts, c.counts);
    assert.ok(!existsSync(p.compare), 'calibration does not write the comparison');
    const bad = cli('--run', run, '--calibrate', '0');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--calibrate: expected a whole number from 1 to 10000, got '0'/);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});
