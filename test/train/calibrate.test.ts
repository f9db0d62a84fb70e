import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPaths, saveFeatures } from '../../src/run/index.js';
import { calibrateVerdict, compareHeads } from '../../src/train/index.js';
import { clusterFeatures } from '../noise/tiny-run.js';

const tune = { trials: 3, lr: [1e-3, 1e-1], epochs: [1, 4], weightDecay: [1e-6, 1e-2] };

test("with compare.tune on, the A/A calibration's reference head trains with its tuned hyperparameters", async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-calibrate-tune-'));
  try {
    const p = runPaths(run);
    saveFeatures(p.features('train'), clusterFeatures(48, 1, 1.6));
    saveFeatures(p.features('val'), clusterFeatures(24, 2, 1.6));
    saveFeatures(p.features('test'), clusterFeatures(30, 3, 1.6));
    const base = { heads: ['linear'], seeds: 2, lowData: [], threads: 1, tune };
    // the comparison's own search picks the linear head's settings
    const cmp = await compareHeads(run, base);
    const chosen = cmp.tuning!.heads[0].chosen;
    const cal = await calibrateVerdict(run, base, 2);
    const { lr, epochs, weightDecay } = chosen;
    assert.deepEqual(cal.settings, { lr, epochs, weightDecay, tuned: true });
    // the A/A heads were trained with them: the same as a calibration told those settings outright
    const fixed = await calibrateVerdict(run, { ...base, tune: undefined, lr, epochs, weightDecay }, 2);
    assert.equal(fixed.settings.tuned, false);
    assert.deepEqual(cal.runs, fixed.runs);
    // and not with the untuned defaults (30 epochs lies outside the searched 1–4)
    const untuned = await calibrateVerdict(run, { ...base, tune: undefined }, 2);
    assert.equal(untuned.settings.epochs, 30);
    assert.notDeepEqual(untuned.runs, cal.runs);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});
