/**
 * The k-fold backbone ensemble (src/train/ensemble.ts, `qmri ensemble`): two fold sub-runs with tiny
 * backbones trained on the grouped folds of a phantom manifest; the ensemble of one fold on its own
 * test split is that fold's own test metrics; the ensemble of both on the run's test split is the
 * mean of their probabilities, it counts the images the folds trained on, and it is written to
 * RUN/ensemble/metrics.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import {
  DEFAULT_PREPROCESS,
  foldManifest,
  loadSplit,
  prepareData,
  readManifest,
  writeManifest,
  writePhantomDataset,
  type PreprocessConfig,
} from '../../src/data/index.js';
import { argmaxRows, classificationMetrics, type Metrics } from '../../src/eval/index.js';
import { loadBackbone, runPaths } from '../../src/run/index.js';
import { predict, scoreFoldEnsemble, trainBackbone } from '../../src/train/index.js';
import { TINY_DENSENET } from './helpers/tiny-backbone.js';
import { scratchDirs } from './helpers/scratch.js';

const tmp = scratchDirs();
const pre = { size: 32, brainCrop: false, normalize: 'zscore' as const };
const backbone = { epochs: 1, batchSize: 8, lr: 3e-3, threads: 1, seed: 5, densenet: TINY_DENSENET };
let run = '';

before(async () => {
  process.env.QMRI_CACHE_DIR = tmp('qmri-ens-cache-');
  const dir = tmp('qmri-ens-data-');
  await writePhantomDataset(dir, { n: 48, size: 32, seed: 1 });
  run = tmp('qmri-ens-run-');
  await prepareData(run, {
    dir,
    split: { train: 0.5, val: 0.25, test: 0.25, seed: 0, blockSize: 1 },
    preprocess: pre,
  });
  const m = readManifest(runPaths(run).manifest);
  for (const i of [0, 1]) {
    const sub = runPaths(run).fold(i);
    writeManifest(runPaths(sub).manifest, foldManifest(m, 2, i));
    await trainBackbone(sub, { ...backbone, seed: 5 + i }, { preprocess: pre });
  }
});

const foldTest = (i: number) =>
  (JSON.parse(readFileSync(runPaths(runPaths(run).fold(i)).backboneMetrics, 'utf8')) as { test: Metrics })
    .test;

test('the ensemble of one fold on its own test split is that fold’s own test metrics', async () => {
  for (const i of [0, 1]) {
    const r = await scoreFoldEnsemble(run, {
      folds: [i],
      manifest: runPaths(runPaths(run).fold(i)).manifest,
    });
    assert.deepEqual(r.folds, [i + 1]);
    assert.deepEqual(r.metrics, foldTest(i));
    assert.deepEqual(r.perFold[0].metrics, foldTest(i));
    assert.equal(r.seen.images, 0, 'a fold never trained on its own test fold');
  }
});

test('the ensemble of two folds is the mean of their probabilities; the images the folds saw are counted', async () => {
  const r = await scoreFoldEnsemble(run, { threads: 1 });
  assert.deepEqual(r.folds, [1, 2]);
  const m = readManifest(runPaths(run).manifest);
  const set = await loadSplit(m, 'test', { ...DEFAULT_PREPROCESS, ...pre } as PreprocessConfig);
  const each = [0, 1].map((i) => {
    const { net } = loadBackbone(runPaths(run).fold(i));
    try {
      return predict(net, { x: set.x, y: set.y, shape: [3, 32, 32] }, 4, 32);
    } finally {
      net.dispose();
    }
  });
  assert.equal(r.images, set.y.length);
  r.probs.forEach((row, n) =>
    row.forEach((p, c) => {
      const want = (each[0][n * 4 + c] + each[1][n * 4 + c]) / 2;
      assert.ok(Math.abs(p - want) < 1e-6, `image ${n} class ${c}: ${p} vs ${want}`);
    }),
  );
  const mean = Float32Array.from(r.probs.flat());
  assert.deepEqual(r.metrics, classificationMetrics(set.y, argmaxRows(mean, 4), 4));
  r.perFold.forEach((f, k) =>
    assert.deepEqual(f.metrics, classificationMetrics(set.y, argmaxRows(each[k], 4), 4)),
  );
  // the folds partition every image: each of the run's test images was trained or validated on by the other fold
  assert.equal(r.seen.images, r.images);
  assert.equal(r.seen.byFold[0] + r.seen.byFold[1], r.images);
  const written = JSON.parse(readFileSync(runPaths(run).ensembleMetrics, 'utf8')) as typeof r;
  assert.deepEqual(written.metrics, r.metrics);
  await assert.rejects(scoreFoldEnsemble(run, { folds: [4] }), /fold 5 has no trained backbone/);
});
