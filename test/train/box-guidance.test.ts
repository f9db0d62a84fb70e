/**
 * Box-guided backbone training (issue #18): the CAM-outside-the-box penalty on constructed feature
 * maps (0 inside, → 1 outside, gradient into the features), masks that follow the augmentation's
 * geometry, the unset setting reproducing the plain loss exactly, and a tiny backbone on phantoms
 * whose CAM moves into the boxes when guided.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AdamW, Tensor, crossEntropy, manualSeed, tidy } from '../../src/engine/index.js';
import { augmentBatch, makePhantomSet, toTensorData, type Box } from '../../src/data/index.js';
import { DenseNet } from '../../src/nn/index.js';
import { runPaths } from '../../src/run/index.js';
import {
  boxPenalty,
  outsideBoxShare,
  rasterizeBox,
  resolveBackboneConfig,
  resumeSettings,
  trainBackboneOnData,
  trainOneEpoch,
  type ArraySet,
  type BackboneData,
} from '../../src/train/index.js';
import { Rng } from '../../src/util/rng.js';
import { scratchDirs } from './helpers/scratch.js';
import { MICRO_DENSENET } from './helpers/tiny-backbone.js';

const tmp = scratchDirs();

const CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'];

function boxedSet(n: number, size: number, seed: number): ArraySet {
  const ph = makePhantomSet(n, size, seed);
  return {
    x: toTensorData(ph, size),
    y: Int32Array.from(ph.map((p) => p.label)),
    shape: [3, size, size],
    boxes: ph.map((p) => p.box),
  };
}

/** K=2 channels on a 4×4 grid; the box is the top-left quarter (as an 8×8 mask, pooled to 4×4). */
function constructed(): { A: Float32Array; W: Float32Array; masks: Float32Array } {
  const A = new Float32Array(2 * 2 * 16);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      const inside = r < 2 && c < 2;
      A[0 * 32 + 0 * 16 + r * 4 + c] = inside ? 1 + r + c : 0; // image 0, channel 0: inside only
      A[0 * 32 + 1 * 16 + r * 4 + c] = inside ? 0 : 3; // image 0, channel 1: outside only
      A[1 * 32 + 0 * 16 + r * 4 + c] = 2; // image 1, channel 0: everywhere
      A[1 * 32 + 1 * 16 + r * 4 + c] = inside ? 0 : 1 + c; // image 1, channel 1: outside only
    }
  const W = Float32Array.from([1, 0, 0, 1]); // class c's CAM is channel c
  const masks = new Float32Array(2 * 64);
  for (let i = 0; i < 2; i++) rasterizeBox(masks.subarray(i * 64, (i + 1) * 64), [0, 0, 0.5, 0.5], 8);
  return { A, W, masks };
}

test('the penalty is 0 when the CAM lies inside the box and close to 1 when it lies outside', () => {
  const { A, W, masks } = constructed();
  const pen = tidy(() =>
    boxPenalty(
      Tensor.from(A, [2, 2, 4, 4]),
      Tensor.from(W, [2, 2]),
      Tensor.int64([0, 1], [2]), // image 0's class-0 CAM is inside, image 1's class-1 CAM outside
      Tensor.from(masks, [2, 1, 8, 8]),
    ).toFloat32Array(),
  );
  assert.ok(pen[0] < 1e-6, `inside: ${pen[0]}`);
  assert.ok(pen[1] > 0.999 && pen[1] <= 1, `outside: ${pen[1]}`);
  // the other class of each image: all outside for image 0; for image 1 a flat map, nothing above its mean
  const other = tidy(() =>
    boxPenalty(
      Tensor.from(A, [2, 2, 4, 4]),
      Tensor.from(W, [2, 2]),
      Tensor.int64([1, 0], [2]),
      Tensor.from(masks, [2, 1, 8, 8]),
    ).toFloat32Array(),
  );
  assert.ok(other[0] > 0.999);
  assert.equal(other[1], 1, `flat map: ${other[1]}`);
});

test('the penalty is blind to an offset of the map: an all-negative map costs what it points at, not 0', () => {
  // one image, one class, its CAM = channel 0 + offset·channel 1 (channel 1 constant 1)
  const masks = new Float32Array(64);
  rasterizeBox(masks, [0, 0, 0.5, 0.5], 8);
  const penalty = (inside: number, outside: number, offset: number) => {
    const A = new Float32Array(2 * 16);
    for (let r = 0; r < 4; r++)
      for (let c = 0; c < 4; c++) {
        A[r * 4 + c] = r < 2 && c < 2 ? inside : outside;
        A[16 + r * 4 + c] = 1;
      }
    return tidy(
      () =>
        boxPenalty(
          Tensor.from(A, [1, 2, 4, 4]),
          Tensor.from([1, offset], [1, 2]),
          Tensor.int64([0], [1]),
          Tensor.from(masks, [1, 1, 8, 8]),
        ).toFloat32Array()[0],
    );
  };
  for (const offset of [0, -10, 7]) {
    assert.ok(penalty(2, 1, offset) < 1e-6, `peak inside, offset ${offset}`);
    assert.ok(penalty(1, 2, offset) > 0.999, `peak outside, offset ${offset}`);
  }
  // all negative (what ReLU(CAM) would see as an empty map): it still costs what it points at
  assert.ok(penalty(-3, -1, 0) > 0.999, 'all negative, higher outside: 1 (the first version said 0)');
  assert.ok(penalty(-1, -3, 0) < 1e-6, 'all negative, higher inside: 0');
});

test('the penalty’s gradient reaches the features and the classifier weight, finite', () => {
  const { A, W, masks } = constructed();
  tidy(() => {
    const f = Tensor.from(A, [2, 2, 4, 4]).setRequiresGrad(true);
    const w = Tensor.from(
      W.map((v) => v + 0.5),
      [2, 2],
    ).setRequiresGrad(true);
    boxPenalty(f, w, Tensor.int64([0, 1], [2]), Tensor.from(masks, [2, 1, 8, 8]))
      .mean()
      .backward();
    for (const [name, t] of [
      ['features', f],
      ['weight', w],
    ] as const) {
      const g = t.grad?.toFloat32Array();
      assert.ok(g, `${name} has a gradient`);
      assert.ok(
        g.every((v) => Number.isFinite(v)),
        `${name} gradient finite`,
      );
      assert.ok(
        g.some((v) => v !== 0),
        `${name} gradient non-zero`,
      );
    }
  });
});

test('masks get the augmentation’s geometry and change no random draw', () => {
  const S = 24;
  const n = 8;
  const box: Box = [0.1, 0.2, 0.4, 0.6];
  const masks = new Float32Array(n * S * S);
  for (let i = 0; i < n; i++) rasterizeBox(masks.subarray(i * S * S, (i + 1) * S * S), box, S);
  // images equal to their masks in every channel: with no intensity change they must stay equal
  const x = new Float32Array(n * 3 * S * S);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++) x.set(masks.subarray(i * S * S, (i + 1) * S * S), (i * 3 + c) * S * S);
  const noIntensity = { bias: 0, gain: 0 };
  const xm = x.slice();
  const m = masks.slice();
  augmentBatch(xm, n, S, new Rng(4), noIntensity, m);
  const plain = x.slice();
  augmentBatch(plain, n, S, new Rng(4), noIntensity);
  assert.deepEqual(xm, plain, 'the images do not depend on the masks');
  let moved = 0;
  for (let i = 0; i < n; i++) {
    const mi = m.subarray(i * S * S, (i + 1) * S * S);
    for (let c = 0; c < 3; c++)
      assert.deepEqual(
        xm.subarray((i * 3 + c) * S * S, (i * 3 + c + 1) * S * S),
        mi,
        `image ${i} channel ${c}`,
      );
    if (mi.some((v, p) => v !== masks[i * S * S + p])) moved++;
  }
  assert.ok(moved > 0, 'the geometry moved some masks');

  // a flip alone mirrors the box: it then covers the mirrored columns
  const f = masks.slice();
  const fx = x.slice();
  augmentBatch(fx, n, S, new Rng(5), { ...noIntensity, rotateDeg: 0, scale: 0, shift: 0 }, f);
  const mirrored = new Float32Array(S * S);
  rasterizeBox(mirrored, [1 - box[2], box[1], 1 - box[0], box[3]], S);
  let flipped = 0;
  for (let i = 0; i < n; i++) {
    const fi = f.subarray(i * S * S, (i + 1) * S * S);
    const isFlipped = fi[Math.floor(0.4 * S) * S + Math.floor(0.25 * S)] === 0;
    if (isFlipped) flipped++;
    assert.deepEqual(fi, isFlipped ? mirrored : masks.subarray(0, S * S), `image ${i}`);
  }
  assert.ok(flipped > 0 && flipped < n, `some flipped (${flipped}/${n})`);
});

test('boxGuidance unset: the epoch is the plain class-weighted cross entropy, exactly', () => {
  const train = boxedSet(24, 32, 3);
  const order = new Rng(1).permutation(train.y.length);
  const weight = Tensor.from([1, 1.5, 0.5, 2], [4]);
  const make = () => {
    manualSeed(9);
    const net = new DenseNet({ ...MICRO_DENSENET, numClasses: 4 });
    return { net, opt: new AdamW(net.parameters(), { lr: 3e-3, weightDecay: 1e-4 }) };
  };
  const a = make();
  const r = trainOneEpoch(a.net, a.opt, train, order, {
    batchSize: 8,
    weight,
    labelSmoothing: 0.05,
    lrAt: () => 3e-3,
    firstStep: 0,
  });
  assert.equal(r.boxPenalty, undefined);
  // the loop written out: forward, CE, backward, step
  const b = make();
  b.net.train();
  let sum = 0;
  const d = 3 * 32 * 32;
  for (let s = 0; s < order.length; s += 8) {
    const rows = [...order.subarray(s, s + 8)];
    const xb = new Float32Array(rows.length * d);
    rows.forEach((k, i) => xb.set(train.x.subarray(k * d, (k + 1) * d), i * d));
    b.opt.setLr(3e-3);
    tidy(() => {
      b.opt.zeroGrad();
      const y = Tensor.int64(
        rows.map((k) => train.y[k]),
        [rows.length],
      );
      const loss = crossEntropy(b.net.forward(Tensor.from(xb, [rows.length, 3, 32, 32])), y, {
        weight,
        labelSmoothing: 0.05,
      });
      sum += loss.item() * rows.length;
      loss.backward();
      b.opt.step();
    });
  }
  assert.equal(r.loss, sum / order.length);
  const sa = a.net.stateDict();
  for (const [k, t] of b.net.stateDict())
    assert.deepEqual(sa.get(k)!.toFloat32Array(), t.toFloat32Array(), k);
  for (const m of [a, b]) {
    m.opt.dispose();
    m.net.dispose();
  }
  weight.dispose();
});

test('boxGuidance is a validated, resume-relevant setting; old configs mean what they meant', () => {
  assert.equal(resolveBackboneConfig({}).boxGuidance, undefined);
  assert.equal('boxGuidance' in resumeSettings(resolveBackboneConfig({})), false);
  const on = resolveBackboneConfig({ boxGuidance: { weight: 2, margin: 0 } });
  assert.deepEqual(resumeSettings(on).boxGuidance, { weight: 2, margin: 0 });
  assert.throws(
    () => resolveBackboneConfig({ boxGuidance: { weight: 0, margin: 0 } }),
    /boxGuidance\.weight/,
  );
});

test('a tiny backbone trained with box guidance puts less of its CAM outside the boxes', () => {
  const data: BackboneData = {
    train: boxedSet(48, 64, 1),
    val: boxedSet(16, 64, 2),
    test: boxedSet(16, 64, 3),
    classes: CLASSES,
    preprocess: { size: 64, brainCrop: false, normalize: 'zscore' },
  };
  const cfg = { epochs: 4, batchSize: 16, lr: 3e-3, patience: 0, seed: 11, threads: 1, augment: false };
  const share = (boxGuidance?: { weight: number; margin: number }) => {
    const run = tmp('qmri-boxguide-');
    const r = trainBackboneOnData(run, data, {
      ...cfg,
      densenet: MICRO_DENSENET,
      ...(boxGuidance ? { boxGuidance } : {}),
    });
    const net = new DenseNet({ ...MICRO_DENSENET, numClasses: 4 });
    net.loadWeights(runPaths(run).model);
    const s = outsideBoxShare(net, data.train)!;
    net.dispose();
    const log = readFileSync(runPaths(run).trainLog, 'utf8');
    return { s, r, logged: log.includes('boxPenalty') };
  };
  const plain = share();
  const guided = share({ weight: 20, margin: 0 });
  assert.equal(plain.logged, false, 'no penalty logged when off');
  assert.equal(guided.logged, true, 'the epoch log carries the penalty');
  assert.ok(Number.isFinite(guided.r.logs[0].loss));
  assert.ok(
    guided.s < plain.s,
    `CAM share outside the boxes: guided ${guided.s.toFixed(3)} vs plain ${plain.s.toFixed(3)}`,
  );
});

test('box guidance on a training set without boxes says so and trains on the cross entropy', () => {
  const noBoxes = (s: ArraySet): ArraySet => ({ ...s, boxes: s.boxes!.map(() => null) });
  const data: BackboneData = {
    train: noBoxes(boxedSet(16, 32, 1)),
    val: boxedSet(8, 32, 2),
    test: boxedSet(8, 32, 3),
    classes: CLASSES,
    preprocess: { size: 32, brainCrop: false, normalize: 'zscore' },
  };
  const lines: string[] = [];
  const r = trainBackboneOnData(
    tmp('qmri-boxguide-none-'),
    data,
    {
      epochs: 1,
      batchSize: 8,
      seed: 3,
      threads: 1,
      augment: false,
      densenet: MICRO_DENSENET,
      boxGuidance: { weight: 1, margin: 0 },
    },
    { log: (l) => lines.push(l) },
  );
  assert.ok(lines.some((l) => /no training image has a tumor box/.test(l)));
  assert.equal(r.logs[0].boxPenalty, 0);
});
