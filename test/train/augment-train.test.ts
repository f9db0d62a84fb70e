// Training with the augmentation registry: the mixed-label loss (batchLoss) is the λ-mix of the two
// cross entropies, and a tiny DenseNet trains a step with the `scanner` preset and with mixup /
// cutmix (finite loss, weights change, the mix reaches the loss).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  augmentPipeline,
  makePhantomSet,
  toTensorData,
  type AugmentSetting,
  type BatchMix,
} from '../../src/data/index.js';
import { AdamW, Tensor, crossEntropy, tidy, withRuntime } from '../../src/engine/index.js';
import { DenseNet } from '../../src/nn/index.js';
import { batchLoss, trainOneEpoch, type ArraySet } from '../../src/train/fit.js';
import { Rng } from '../../src/util/rng.js';
import { MICRO_DENSENET } from './helpers/tiny-backbone.js';

test('batchLoss of a mixed batch = λ·CE(y) + (1 − λ)·CE(y[perm]), same weights and smoothing', () => {
  tidy(() => {
    const rng = new Rng(4);
    const logits = Tensor.from(
      Float32Array.from({ length: 24 }, () => rng.normal()),
      [6, 4],
    );
    const y = [0, 1, 2, 3, 1, 2];
    const perm = Int32Array.from([3, 0, 5, 1, 4, 2]);
    const weight = Tensor.from([0.5, 1, 1.5, 2], [4]);
    const o = { weight, labelSmoothing: 0.1 };
    const ce = (labels: number[]) => crossEntropy(logits, Tensor.int64(labels, [6]), o).item();
    const lambda = 0.3;
    const mixed = batchLoss(logits, y, { perm, lambda }, o).item();
    const want = lambda * ce(y) + (1 - lambda) * ce(Array.from(perm, (j) => y[j]));
    assert.ok(Math.abs(mixed - want) < 1e-5, `${mixed} vs ${want}`);
    assert.ok(Math.abs(batchLoss(logits, y, undefined, o).item() - ce(y)) < 1e-7);
    assert.ok(Math.abs(mixed - ce(y)) > 1e-3);
  });
});

const S = 32;
const ph = makePhantomSet(16, S, 5);
const ORDER = new Rng(1).permutation(16);
const train: ArraySet = {
  x: toTensorData(ph, S),
  y: Int32Array.from(ph.map((p) => p.label)),
  shape: [3, S, S],
};

/** One epoch of a tiny DenseNet (seeded init) with the augmentation hook; loss, weight change, mixes seen. */
function epoch(set: ArraySet, hook: (x: Float32Array, m: number) => BatchMix | void) {
  return withRuntime({ threads: 1, seed: 3 }, () => {
    const net = new DenseNet({ ...MICRO_DENSENET, numClasses: 4 });
    const before = net.parameters().map((p) => p.toFloat32Array());
    const opt = new AdamW(net.parameters(), { lr: 1e-2 });
    const r = trainOneEpoch(net, opt, set, ORDER, {
      batchSize: 8,
      weight: Tensor.from([1, 1, 1, 1], [4]),
      labelSmoothing: 0.05,
      lrAt: () => 1e-2,
      firstStep: 0,
      augment: hook,
    });
    const moved = net
      .parameters()
      .reduce((a, p, i) => a + p.toFloat32Array().reduce((s, v, k) => s + Math.abs(v - before[i][k]), 0), 0);
    return { loss: r.loss, moved };
  });
}

function step(setting: AugmentSetting) {
  const aug = augmentPipeline(setting)!;
  const rng = new Rng(8);
  const mixes: BatchMix[] = [];
  const r = epoch(train, (x, m) => {
    const mix = aug(x, m, S, rng);
    if (mix) mixes.push(mix);
    return mix;
  });
  return { ...r, mixes };
}

test('the mix reaches the loss: λ = 0 with a permutation trains as the permuted labels do', () => {
  const perm = Int32Array.from([7, 6, 5, 4, 3, 2, 1, 0]);
  const y = train.y.slice();
  for (let s = 0; s < 16; s += 8) for (let i = 0; i < 8; i++) y[ORDER[s + i]] = train.y[ORDER[s + perm[i]]];
  const mixed = epoch(train, () => ({ perm, lambda: 0 }));
  const relabelled = epoch({ ...train, y }, () => undefined);
  const plain = epoch(train, () => undefined);
  assert.ok(Math.abs(mixed.loss - relabelled.loss) < 1e-5, `${mixed.loss} vs ${relabelled.loss}`);
  assert.ok(Math.abs(mixed.loss - plain.loss) > 1e-3);
});

test('a tiny DenseNet trains with the scanner preset, with mixup and with cutmix', () => {
  for (const setting of [
    'scanner',
    [{ kind: 'flip' }, { kind: 'mixup' }],
    [{ kind: 'cutmix', alpha: 1 }],
  ] as AugmentSetting[]) {
    const { loss, moved, mixes } = step(setting);
    assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
    assert.ok(moved > 0, 'weights changed');
    assert.equal(mixes.length, setting === 'scanner' ? 0 : 2);
  }
});
