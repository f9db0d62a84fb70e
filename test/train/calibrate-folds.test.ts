import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPaths, saveFeatures } from '../../src/run/index.js';
import { binomialUpper, calibrateVerdict } from '../../src/train/index.js';
import { clusterFeatures } from '../noise/tiny-run.js';

const K = 3;
const cfg = { heads: ['linear'], seeds: 2, epochs: 5, patience: 0, lowData: [], threads: 1, folds: K };

/** A run with one-split features and K fold sub-runs' features (overlapping clusters: heads err). */
function foldRun(): string {
  const run = mkdtempSync(join(tmpdir(), 'qmri-calibrate-folds-'));
  const runs = [run, ...Array.from({ length: K }, (_, i) => runPaths(run).fold(i))];
  runs.forEach((r, i) => {
    const p = runPaths(r);
    saveFeatures(p.features('train'), clusterFeatures(40, 10 * i + 1, 2.2));
    saveFeatures(p.features('val'), clusterFeatures(16, 10 * i + 2, 2.2));
    saveFeatures(p.features('test'), clusterFeatures(30, 10 * i + 3, 2.2));
  });
  return run;
}

test('with compare.folds, --calibrate also runs the A/A through the fold-level verdict, at the nominal rate', async () => {
  const run = foldRun();
  try {
    const N = 40;
    const c = await calibrateVerdict(run, cfg, N);
    const f = c.folds!;
    assert.equal(f.k, K);
    // n_test / n_train of the folds' features, as the fold verdicts take it
    assert.ok(Math.abs(f.testTrainRatio - 30 / 40) < 1e-12);
    assert.equal(f.runs.length, N);
    for (const v of f.runs) {
      assert.ok(v.ci, 'a verdict over 3 folds has an interval');
      const [lo, hi] = v.ci;
      const want = lo > 0 ? 'better' : hi < 0 ? 'worse' : -1 < lo && hi < 1 ? 'equivalent' : 'inconclusive';
      assert.equal(v.label, want);
      assert.ok(v.p >= 0 && v.p <= 1);
    }
    assert.ok(
      f.runs.some((v) => v.diff !== 0),
      'independent seeds on the two sides',
    );
    const fp = f.counts.better + f.counts.worse;
    assert.equal(f.counts.equivalent + f.counts.inconclusive + fp, N);
    assert.equal(f.falsePositiveRate, fp / N);
    assert.equal(f.binomialLimit, binomialUpper(N));
    // the A/A false-positive count stays within what a 5% rate allows
    assert.ok(fp <= f.binomialLimit, JSON.stringify(f.counts));
    // without fold sub-runs: a clear error naming the missing fold
    rmSync(runPaths(run).fold(2), { recursive: true, force: true });
    await assert.rejects(calibrateVerdict(run, cfg, 1), /fold 3 has no features/);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});

test('without compare.folds the calibration has no fold level', async () => {
  const run = foldRun();
  try {
    const c = await calibrateVerdict(run, { ...cfg, folds: undefined }, 1);
    assert.equal(c.folds, undefined);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});
