import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../../src/engine/index.js';
import { runPaths } from '../../src/run/index.js';
import { resolveBackboneConfig, trainBackboneOnData } from '../../src/train/index.js';
import { TINY_DENSENET, tinyConfig, tinyData } from './helpers/tiny-backbone.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qmri-backbone-bad-'));

test('backbone settings are checked by field before any work', () => {
  assert.throws(() => resolveBackboneConfig({ epochs: 0 }), /'epochs' must be ≥ 1, got 0/);
  assert.throws(() => resolveBackboneConfig({ lr: -1 }), /'lr' must be > 0/);
  assert.throws(() => resolveBackboneConfig({ labelSmoothing: 1 }), /'labelSmoothing' must be < 1/);
  assert.throws(() => resolveBackboneConfig({ batchSize: 1.5 }), /'batchSize' must be an integer/);
  assert.throws(() => resolveBackboneConfig({ epoch: 3 } as never), /'epoch' is not a backbone setting/);
  assert.throws(
    () => resolveBackboneConfig({ densenet: { growth: 8 } as never }),
    /'densenet\.growth' is not a DenseNet setting/,
  );
  assert.throws(
    () => resolveBackboneConfig({ densenet: { blockConfig: [] } }),
    /'densenet\.blockConfig' must be a list/,
  );
  assert.throws(
    () => resolveBackboneConfig({ weights: '/no/such/weights.safetensors' }),
    /'weights' file not found/,
  );
  assert.throws(
    () => resolveBackboneConfig({ epochs: 4, progressive: { size: 16, epochs: 5 } }),
    /'progressive\.epochs' must be ≤ 4, got 5/,
  );
  assert.throws(
    () => resolveBackboneConfig({ progressive: { size: 8, epochs: 1 } }),
    /'progressive\.size' must be ≥ 16, got 8/,
  );
  assert.throws(
    () => resolveBackboneConfig({ progressive: { size: 64, epochs: 1, px: 2 } as never }),
    /'progressive\.px' is not a progressive-resizing setting/,
  );
  assert.throws(() => resolveBackboneConfig({ progressive: 96 as never }), /'progressive' must be an object/);
  assert.throws(() => resolveBackboneConfig({ densenet: [] as never }), /'densenet' must be an object/);
  assert.throws(
    () =>
      trainBackboneOnData(tmp(), tinyData(32), { ...tinyConfig(2), progressive: { size: 32, epochs: 1 } }),
    /'progressive\.size' \(32 px\) must be below the image size \(32 px\)/,
  );
  assert.equal(resolveBackboneConfig({}).epochs, 10);
});

test('progressive resizing trains the first epochs on downscaled images, then full size, and logs the size', () => {
  const run = tmp();
  const r = trainBackboneOnData(run, tinyData(48), {
    ...tinyConfig(3),
    progressive: { size: 32, epochs: 2 },
  });
  assert.deepEqual(
    r.logs.map((l) => l.inputSize ?? 48),
    [32, 32, 48],
  );
  assert.ok(r.logs.every((l) => Number.isFinite(l.loss) && l.loss > 0));
  // the checkpoint records the setting: resuming it with another schedule is refused
  assert.throws(
    () => trainBackboneOnData(run, tinyData(48), { ...tinyConfig(3), progressive: { size: 32, epochs: 1 } }),
    /progressive/,
  );
});

test('a dataset with one class, or a split that leaves a class empty, is refused before training', () => {
  const d = tinyData();
  const run = tmp();
  const one = { ...d, classes: ['glioma'], train: { ...d.train, y: d.train.y.map(() => 0) } };
  assert.throws(
    () => trainBackboneOnData(run, one, tinyConfig(1)),
    /1 class\(es\) \(glioma\); at least 2 are needed/,
  );
  const noPituitaryInVal = { ...d, val: { ...d.val, y: d.val.y.map((v) => (v === 3 ? 0 : v)) } };
  assert.throws(
    () => trainBackboneOnData(run, noPituitaryInVal, tinyConfig(1)),
    /val split has no image of class 'pituitary'/,
  );
  assert.ok(!existsSync(runPaths(run).checkpoint), 'nothing was trained');
});

test('a checkpoint from another architecture or other settings is refused with a clear error', () => {
  const run = tmp();
  trainBackboneOnData(run, tinyData(), tinyConfig(1));
  assert.ok(existsSync(runPaths(run).checkpoint));
  assert.throws(
    () =>
      trainBackboneOnData(run, tinyData(), {
        ...tinyConfig(1),
        densenet: { ...TINY_DENSENET, growthRate: 12 },
      }),
    /checkpoint\.safetensors: checkpoint from another architecture .*"growthRate":8.*"growthRate":12/,
  );
  assert.throws(
    () => trainBackboneOnData(run, tinyData(), { ...tinyConfig(1), lr: 0.1 }),
    /checkpoint was trained with lr = 0\.003, this run asks for 0\.1/,
  );
  // a finished run with the same settings is not trained again
  const again = trainBackboneOnData(run, tinyData(), tinyConfig(1));
  assert.equal(again.resumedFrom, 1);
  assert.equal(again.epochsDone, 1);
});

test('training starts from imported torchvision weights (classifier ignored); weights of another architecture are refused', () => {
  const fixture = fileURLToPath(new URL('../fixtures/densenet/weights.safetensors', import.meta.url));
  const tv = readSafetensors(fixture).tensors;
  const arch = { growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, bnSize: 2 };
  const run = tmp();
  // a learning rate of 1e-9 leaves the imported convolutions where they were (AdamW moves each by ≈ lr)
  trainBackboneOnData(run, tinyData(), {
    ...tinyConfig(1),
    lr: 1e-9,
    weightDecay: 0,
    densenet: arch,
    weights: fixture,
  });
  const trained = readSafetensors(runPaths(run).model).tensors;
  for (const k of ['features.conv0.weight', 'features.denseblock2.denselayer2.conv2.weight']) {
    const a = tv.get(k)!.data as Float32Array;
    const b = trained.get(k)!.data as Float32Array;
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    assert.ok(max < 1e-6, `${k} moved by ${max}`);
  }
  // the fixture has 3 classes, the data 4: the classifier is trained from scratch
  assert.deepEqual(trained.get('classifier.weight')!.shape, [4, 32]);
  assert.throws(
    () =>
      trainBackboneOnData(tmp(), tinyData(), { ...tinyConfig(1), densenet: TINY_DENSENET, weights: fixture }),
    /weights\.safetensors: shape mismatch for 'features\.denseblock1\.denselayer1\.conv1\.weight'/,
  );
});
