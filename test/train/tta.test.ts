/**
 * backbone.tta (src/data/tta views, src/train/tta.ts): the hflip view mirrors every row; on a tiny
 * DenseNet, the averaged softmax probabilities (predict) and pooled features (embedImages) equal the
 * plain ones on a left–right symmetric input and the mean of the two forwards on any other; the
 * backbone's final metrics are scored with the views; unknown views are config errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TTA_VIEWS, viewsOf } from '../../src/data/index.js';
import { manualSeed } from '../../src/engine/index.js';
import { argmaxRows, classificationMetrics } from '../../src/eval/index.js';
import { DenseNet } from '../../src/nn/index.js';
import { loadBackbone, runPaths } from '../../src/run/index.js';
import {
  embedImages,
  predict,
  resolveBackboneConfig,
  trainBackboneOnData,
  type ArraySet,
} from '../../src/train/index.js';
import { Rng } from '../../src/util/rng.js';
import { MICRO_DENSENET, tinyConfig, tinyData } from './helpers/tiny-backbone.js';
import { scratchDirs } from './helpers/scratch.js';

const tmp = scratchDirs();

const S = 32;
const SHAPE = [3, S, S];

/** n random images; `symmetric`: each row a palindrome (the image equals its mirror) */
function images(n: number, symmetric: boolean): ArraySet {
  const rng = new Rng(3);
  const x = new Float32Array(n * 3 * S * S);
  for (let r = 0; r < n * 3 * S; r++)
    for (let c = 0; c < S; c++)
      x[r * S + c] = symmetric && c >= S / 2 ? x[r * S + S - 1 - c] : rng.next() * 2 - 1;
  return { x, y: Int32Array.from({ length: n }, (_, i) => i % 4), shape: SHAPE };
}

/** the set mirrored left–right, by hand */
function mirrored(set: ArraySet): ArraySet {
  const x = set.x.slice();
  for (let o = 0; o < x.length; o += S) x.subarray(o, o + S).reverse();
  return { ...set, x };
}

function tinyNet(): DenseNet {
  manualSeed(5);
  const net = new DenseNet({ ...MICRO_DENSENET, numClasses: 4 });
  return net.eval();
}

const views = viewsOf(['identity', 'hflip'])!;
const mean2 = (a: Float32Array, b: Float32Array) => a.map((v, i) => (v + b[i]) / 2);
const close = (a: Float32Array, b: Float32Array, what: string) =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `${what}[${i}]: ${v} vs ${b[i]}`));

test('the hflip view reverses every row of every channel; identity copies', () => {
  const x = Float32Array.from({ length: 2 * 3 * 2 * 3 }, (_, i) => i);
  const f = TTA_VIEWS.hflip.apply(x, 2, [3, 2, 3]);
  assert.deepEqual([...f.subarray(0, 6)], [2, 1, 0, 5, 4, 3]);
  assert.deepEqual([...f.subarray(30)], [32, 31, 30, 35, 34, 33]);
  assert.deepEqual([...x.subarray(0, 3)], [0, 1, 2], 'the input is not changed');
  assert.deepEqual(TTA_VIEWS.identity.apply(x, 2, [3, 2, 3]), x);
  assert.equal(viewsOf(undefined), null);
  assert.equal(viewsOf([]), null);
});

test('TTA probabilities and pooled features: the plain ones on a symmetric input, the mean of the two forwards otherwise', () => {
  const net = tinyNet();
  try {
    const sym = images(6, true);
    assert.deepEqual(predict(net, sym, 4, 4, views), predict(net, sym, 4, 4));
    assert.deepEqual(embedImages(net, sym, 4, undefined, { views }).pooled, embedImages(net, sym, 4).pooled);

    const any = images(6, false);
    const plain = predict(net, any, 4, 4);
    const tta = predict(net, any, 4, 4, views);
    close(tta, mean2(plain, predict(net, mirrored(any), 4, 4)), 'probs');
    assert.ok(
      tta.some((v, i) => Math.abs(v - plain[i]) > 1e-6),
      'the mirror changes the output',
    );
    const pooled = embedImages(net, any, 4, undefined, { views }).pooled;
    close(
      pooled,
      mean2(embedImages(net, any, 4).pooled, embedImages(net, mirrored(any), 4).pooled),
      'pooled',
    );
    // the maps stay those of the images as they are
    const withMaps = embedImages(net, any, 4, undefined, { views, maps: true });
    assert.deepEqual(withMaps.maps, embedImages(net, any, 4, undefined, { maps: true }).maps);
    assert.deepEqual(withMaps.pooled, pooled);
  } finally {
    net.dispose();
  }
});

test('backbone.tta: the final val / test metrics are the saved backbone scored with the views', () => {
  const run = tmp('qmri-tta-');
  // four epochs without augmentation: a net whose predictions the mirror changes on some test images
  const data = tinyData();
  const r = trainBackboneOnData(run, data, { ...tinyConfig(4), augment: false, tta: ['identity', 'hflip'] });
  const { net } = loadBackbone(run);
  try {
    for (const [split, got] of [
      ['val', r.val],
      ['test', r.test],
    ] as const) {
      const set = data[split];
      const want = classificationMetrics(set.y, argmaxRows(predict(net, set, 4, 32, views), 4), 4);
      assert.deepEqual(got.confusion, want.confusion, split);
    }
    const plain = classificationMetrics(data.test.y, argmaxRows(predict(net, data.test, 4, 32), 4), 4);
    assert.notDeepEqual(plain.confusion, r.test.confusion, 'the views change the test predictions');
  } finally {
    net.dispose();
  }
  const m = JSON.parse(readFileSync(runPaths(run).backboneMetrics, 'utf8')) as { config: { tta: string[] } };
  assert.deepEqual(m.config.tta, ['identity', 'hflip']);
  assert.equal(resolveBackboneConfig({}).tta, undefined, 'off by default');
  assert.throws(() => resolveBackboneConfig({ tta: ['vflip' as 'hflip'] }), /tta/);
});
