/**
 * The report's training section: the test-time augmentation views the backbone's scores average
 * over (backbone.tta), and the k-fold backbone ensemble's accuracy beside each fold's with its
 * leakage warning (RUN/ensemble/metrics.json); neither line when they are absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/report/index.js';
import { runPaths } from '../../src/run/index.js';
import { writeJsonAtomic } from '../../src/util/atomic.js';
import { writeFixtureRun } from './fixture-run.js';

test("the report's training section names the TTA views and shows the fold ensemble beside each fold", async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-report-ens-'));
  try {
    await writeFixtureRun(run);
    const p = runPaths(run);
    const section = (html: string) =>
      html.slice(html.indexOf('backbone classifier'), html.indexOf('confusion_backbone'));
    const off = section(readFileSync(await writeReport(run), 'utf8'));
    assert.doesNotMatch(off, /Test-time augmentation|backbone ensemble/);

    const m = JSON.parse(readFileSync(p.backboneMetrics, 'utf8'));
    writeJsonAtomic(p.backboneMetrics, { ...m, config: { ...m.config, tta: ['identity', 'hflip'] } });
    const metrics = (accuracy: number) => ({ ...m.test, accuracy, macroF1: 0.5 });
    writeJsonAtomic(p.ensembleMetrics, {
      folds: [1, 2],
      split: 'test',
      images: 20,
      metrics: metrics(0.75),
      perFold: [
        { fold: 1, metrics: metrics(0.6) },
        { fold: 2, metrics: metrics(0.65) },
      ],
      seen: { images: 12, byFold: [6, 6] },
    });
    const html = section(readFileSync(await writeReport(run), 'utf8'));
    assert.match(html, /Test-time augmentation: .* over the views identity, hflip/);
    assert.match(
      html,
      /folds 1, 2 on the test split \(20 images\): accuracy 75\.0%.*fold 1 60\.0%, fold 2 65\.0%/,
    );
    assert.match(html, /12 of these images were in the training or validation data of some fold/);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});

test("the report's backbone recipe names the EMA of the weights when the checkpoint was trained with it", async () => {
  const run = mkdtempSync(join(tmpdir(), 'qmri-report-ema-'));
  try {
    await writeFixtureRun(run);
    const p = runPaths(run);
    const settings = { epochs: 3, lr: 0.001, weightDecay: 0.0001, batchSize: 8, seed: 5, augment: true };
    writeJsonAtomic(p.checkpointState, { settings });
    const recipe = (html: string) => html.slice(html.indexOf('What the backbone was trained with'));
    assert.doesNotMatch(recipe(readFileSync(await writeReport(run), 'utf8')), /moving average/);
    writeJsonAtomic(p.checkpointState, { settings: { ...settings, ema: 0.999, emaWarmup: true } });
    assert.match(
      recipe(readFileSync(await writeReport(run), 'utf8')),
      /an exponential moving average of the weights \(decay 0\.999, warmed up\) validated and saved/,
    );
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});
