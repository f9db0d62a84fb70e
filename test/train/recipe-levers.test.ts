/**
 * Issue #19's levers through the backbone stage: bf16 + channels-last training, histogram
 * standardisation whose train-split landmarks are saved with the backbone's preprocessing, and the
 * cross-source proxy set evaluated beside the test split (skipped when it is stale).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  prepareData,
  proxyManifestPath,
  readManifest,
  writeManifest,
  writePhantomDataset,
  writeProxySet,
} from '../../src/data/index.js';
import { runPaths } from '../../src/run/index.js';
import { trainBackbone } from '../../src/train/index.js';
import { TINY_DENSENET } from './helpers/tiny-backbone.js';
import { scratchDirs } from './helpers/scratch.js';

const tmp = scratchDirs();
const pre = { size: 32, brainCrop: false, normalize: 'zscore' as const, intensity: 'histogram' as const };
const split = { train: 0.5, val: 0.25, test: 0.25, seed: 0, blockSize: 1 };
const backbone = {
  epochs: 1,
  batchSize: 8,
  lr: 3e-3,
  threads: 1,
  seed: 5,
  densenet: TINY_DENSENET,
  precision: 'bf16' as const,
  channelsLast: true,
};

test('bf16 + channels-last + histogram standardisation train; the proxy is reported beside the test split', async () => {
  const dir = tmp('qmri-levers-data-');
  await writePhantomDataset(dir, { n: 48, size: 32, seed: 1 });
  const run = tmp('qmri-levers-run-');
  await prepareData(run, { dir, split, preprocess: { size: 32, brainCrop: false, normalize: 'zscore' } });
  process.env.QMRI_CACHE_DIR = tmp('qmri-levers-cache-');
  const m = readManifest(runPaths(run).manifest);
  await writeProxySet(run, m);
  const lines: string[] = [];
  const r = await trainBackbone(run, backbone, { preprocess: pre, log: (l) => lines.push(l) });
  assert.ok(r.proxy, 'proxy metrics');
  assert.ok(r.proxy.accuracy >= 0 && r.proxy.accuracy <= 1);
  assert.ok(lines.some((l) => /cross-source proxy accuracy/.test(l)));
  const p = runPaths(run);
  const metrics = JSON.parse(readFileSync(p.backboneMetrics, 'utf8')) as {
    proxy: { accuracy: number };
    images: { proxy: number; test: number };
    config: { precision: string; channelsLast: boolean };
  };
  assert.equal(metrics.proxy.accuracy, r.proxy.accuracy);
  assert.equal(metrics.images.proxy, metrics.images.test);
  assert.deepEqual([metrics.config.precision, metrics.config.channelsLast], ['bf16', true]);
  const arch = JSON.parse(readFileSync(p.arch, 'utf8')) as { preprocess: { landmarks?: number[] } };
  assert.equal(arch.preprocess.landmarks?.length, 11, 'landmarks saved for inference');

  // a proxy made from another test split is not evaluated
  const proxy = readManifest(proxyManifestPath(run));
  writeManifest(proxyManifestPath(run), {
    ...proxy,
    entries: proxy.entries.map((e, i) => (i === 0 ? { ...e, group: 'elsewhere' } : e)),
  });
  const lines2: string[] = [];
  // the same (finished) run again: nothing to train, the stale proxy is skipped
  const r2 = await trainBackbone(run, backbone, { preprocess: pre, log: (l) => lines2.push(l) });
  assert.equal(r2.proxy, undefined);
  assert.ok(lines2.some((l) => /made from another test split/.test(l)));
});
