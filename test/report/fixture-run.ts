/**
 * A small but real run folder for report tests: manifest, training log and metrics, test features,
 * and the real comparison stage (compareHeads) on them. Nothing here is a hand-written result.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed, setNumThreads } from '../../src/engine/index.js';
import { argmaxRows, classificationMetrics } from '../../src/eval/index.js';
import { LinearHead } from '../../src/nn/index.js';
import { runPaths, saveFeatures } from '../../src/run/index.js';
import { compareHeads, fit, predict } from '../../src/train/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../../src/util/atomic.js';
import { Rng } from '../../src/util/rng.js';

export const CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'];

/** Class-dependent Gaussian features: learnable, not trivially separable. */
function features(n: number, dim: number, rng: Rng) {
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % CLASSES.length;
    for (let d = 0; d < dim; d++) x[i * dim + d] = (d % CLASSES.length === y[i] ? 1.2 : 0) + rng.normal();
  }
  return { x, y };
}

export async function writeFixtureRun(
  run: string,
  o: { dim?: number; seeds?: number; lowData?: number[]; tune?: { trials: number } } = {},
): Promise<void> {
  setNumThreads(1);
  const dim = o.dim ?? 16;
  const seeds = o.seeds ?? 2;
  const p = runPaths(run);
  mkdirSync(run, { recursive: true });
  const rng = new Rng(5);
  writeJsonAtomic(p.config, { seed: 5, data: { synthetic: { n: 64, size: 32, seed: 5 } } });
  writeJsonAtomic(p.manifest, {
    version: 1,
    root: join(run, 'data', 'phantoms'),
    classes: CLASSES,
    entries: Array.from({ length: 40 }, (_, i) => ({
      file: `${CLASSES[i % 4]}/img${i}.png`,
      label: i % 4,
      className: CLASSES[i % 4],
      group: `g${Math.floor(i / 2)}`,
      split: i < 28 ? 'train' : i < 34 ? 'val' : 'test',
      sha256: '0'.repeat(64),
      box: i % 4 === 2 ? null : [0.2, 0.2, 0.5, 0.5],
    })),
    split: { train: 0.7, val: 0.15, test: 0.15, seed: 5, blockSize: 20, layout: 'folders', grouping: 'file' },
  });
  writeJsonAtomic(p.audit, { images: 40, duplicates: 0, unreadable: 0 });
  const log = [0, 1, 2].map((e) => ({
    epoch: e,
    loss: 1.4 - 0.3 * e,
    valAccuracy: 0.3 + 0.2 * e,
    valMacroF1: 0.25 + 0.2 * e,
    lr: 1e-3,
    seconds: 1,
    imagesPerSecond: 10,
  }));
  writeFileAtomic(p.trainLog, log.map((l) => JSON.stringify(l) + '\n').join(''));
  const train = features(96, dim, rng);
  const val = features(32, dim, rng);
  const test = features(48, dim, rng);
  const ids = (n: number, t: string) => Array.from({ length: n }, (_, i) => `${t}${i}`);
  saveFeatures(p.features('train'), { ...train, dim, files: ids(96, 't') });
  saveFeatures(p.features('val'), { ...val, dim, files: ids(32, 'v') });
  saveFeatures(p.features('test'), { ...test, dim, files: ids(48, 's') });
  writeJsonAtomic(p.arch, {
    densenet: { growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, bnSize: 4, numClasses: 4 },
    classes: CLASSES,
    preprocess: { size: 32, brainCrop: false, normalize: 'zscore' },
  });
  const C = CLASSES.length;
  const testSet = { x: test.x, y: test.y, shape: [dim] };
  manualSeed(3);
  const backboneHead = new LinearHead(dim, C);
  fit(backboneHead, { x: train.x, y: train.y, shape: [dim] }, testSet, {
    classes: C,
    epochs: 2,
    batchSize: 32,
    lr: 0.05,
    seed: 3,
  });
  const m = classificationMetrics(test.y, argmaxRows(predict(backboneHead, testSet, C), C), C);
  backboneHead.dispose();
  writeJsonAtomic(p.backboneMetrics, {
    epochsDone: 3,
    bestEpoch: 2,
    stopped: 'epochs',
    elapsedSeconds: 3,
    test: m,
    val: m,
    classes: CLASSES,
  });
  await compareHeads(run, {
    heads: ['linear', 'bottleneck', 'quantum'],
    seeds,
    qubits: 2,
    layers: 1,
    epochs: 3,
    batchSize: 32,
    lr: 0.05,
    lowData: o.lowData ?? [],
    threads: 1,
    ...(o.tune ? { tune: { lr: [0.01, 0.1], epochs: [2, 4], weightDecay: [1e-5, 1e-3], ...o.tune } } : {}),
  });
}
