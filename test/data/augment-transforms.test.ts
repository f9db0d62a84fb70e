// Each augmentation kind through the registry pipeline on real phantom slices: a property it must
// have (identity at neutral settings, flip is an involution, gamma is monotone, noise adds the
// variance it should, JPEG quality matters, blur smooths, the same draw for the 3 channels).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLANE, S, maxAbsDiff, phantomBatch, planeOf, run, variance } from './augment-fixtures.js';

const x = phantomBatch(6);

test('flip: once mirrors every row, twice is the identity', () => {
  const once = run({ kind: 'flip' }, x).out;
  for (let c = 0; c < 3; c++)
    for (let r = 0; r < S; r++)
      assert.deepEqual(
        planeOf(once, 2, c).subarray(r * S, (r + 1) * S),
        planeOf(x, 2, c)
          .subarray(r * S, (r + 1) * S)
          .slice()
          .reverse(),
      );
  assert.deepEqual(run({ kind: 'flip' }, once).out, x);
});

test('neutral settings are the identity: affine, randomResizedCrop, gamma, contrast, biasField, blur', () => {
  const neutral = [
    { kind: 'affine', rotateDeg: 0, scaleMin: 1, scaleMax: 1, shift: 0 },
    { kind: 'randomResizedCrop', scaleMin: 1, scaleMax: 1, ratioMin: 1, ratioMax: 1 },
    { kind: 'gamma', min: 1, max: 1 },
    { kind: 'contrast', min: 1, max: 1 },
    { kind: 'biasField', strength: 0 },
    { kind: 'blur', sigmaMin: 0.05, sigmaMax: 0.05 },
  ];
  for (const step of neutral) assert.ok(maxAbsDiff(run(step, x).out, x) < 1e-5, step.kind);
  // and the defaults do change the images
  for (const { kind } of neutral) assert.ok(maxAbsDiff(run({ kind }, x).out, x) > 0.05, kind);
});

test('p = 0 leaves the batch alone', () => {
  assert.deepEqual(run({ kind: 'jpeg', p: 0 }, x).out, x);
});

test('gamma keeps the order of the pixels (monotone), the range, and the same curve on the 3 channels', () => {
  const out = run({ kind: 'gamma', min: 2, max: 2 }, x).out;
  for (let i = 0; i < 6; i++) {
    const a = planeOf(x, i);
    const b = planeOf(out, i);
    const order = [...a.keys()].sort((p, q) => a[p] - a[q]);
    for (let k = 1; k < PLANE; k++) assert.ok(b[order[k]] >= b[order[k - 1]] - 1e-5);
    assert.ok(
      Math.abs(Math.min(...b) - Math.min(...a)) < 1e-5 && Math.abs(Math.max(...b) - Math.max(...a)) < 1e-4,
    );
    assert.ok(maxAbsDiff(planeOf(out, i, 1), b) < 1e-6);
  }
});

test('noise: adds variance (σ·image std)², the same noise on the 3 channels', () => {
  const rel = 0.3;
  const out = run({ kind: 'noise', sigmaMin: rel, sigmaMax: rel }, x).out;
  for (let i = 0; i < 6; i++) {
    const d = planeOf(out, i).map((v, k) => v - planeOf(x, i)[k]);
    const expect = (rel * Math.sqrt(variance(x.subarray(i * 3 * PLANE, (i + 1) * 3 * PLANE)))) ** 2;
    assert.ok(Math.abs(variance(d) / expect - 1) < 0.15, `image ${i}: ${variance(d) / expect}`);
    const d2 = planeOf(out, i, 2).map((v, k) => v - planeOf(x, i, 2)[k]);
    assert.ok(maxAbsDiff(d, d2) < 1e-5);
  }
});

test('jpeg: quality 100 is close, quality 10 visibly different', () => {
  const err = (q: number) => {
    const out = run({ kind: 'jpeg', qualityMin: q, qualityMax: q }, x).out;
    return out.reduce((a, v, k) => a + Math.abs(v - x[k]), 0) / x.length;
  };
  const range = Math.max(...x) - Math.min(...x);
  const hi = err(100);
  const lo = err(10);
  assert.ok(hi < 0.01 * range, `q100 mean error ${hi}`);
  assert.ok(lo > 4 * hi && lo > 0.01 * range, `q10 ${lo} vs q100 ${hi}`);
});

test('blur: lowers the pixel variance (smooths), same kernel on the 3 channels', () => {
  const out = run({ kind: 'blur', sigmaMin: 2, sigmaMax: 2 }, x).out;
  for (let i = 0; i < 6; i++) {
    assert.ok(variance(planeOf(out, i)) < 0.95 * variance(planeOf(x, i)));
    assert.ok(maxAbsDiff(planeOf(out, i, 0), planeOf(out, i, 1)) < 1e-6);
  }
});

test('randomResizedCrop: a crop of a quarter of the area, ratio 1, is magnified 2× back to S', () => {
  // a horizontal ramp (value = column): the crop's ramp rises half a step per output pixel
  const ramp = new Float32Array(4 * 3 * PLANE).map((_, k) => k % S);
  const out = run(
    { kind: 'randomResizedCrop', scaleMin: 0.25, scaleMax: 0.25, ratioMin: 1, ratioMax: 1 },
    ramp,
  ).out;
  for (let i = 0; i < 4; i++)
    for (let c = 0; c < 3; c++)
      for (let r = 0; r < S; r++)
        for (let col = 2; col < S - 2; col++) {
          const p = planeOf(out, i, c);
          assert.ok(Math.abs(p[r * S + col + 1] - p[r * S + col] - 0.5) < 1e-5);
        }
});
