// Masks (issue 18's box planes) move with the image: every geometric kind applies the identical
// geometry to the mask, so a box mask still covers the same image content afterwards; intensity
// kinds leave masks alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLANE, S, maxAbsDiff, planeOf, run } from './augment-fixtures.js';

const N = 6;

/** Image i: a bright box (value 1 on 0) at its own place in the 3 channels; the mask: that box. */
function boxes(): { x: Float32Array; masks: Float32Array } {
  const x = new Float32Array(N * 3 * PLANE);
  const masks = new Float32Array(N * PLANE);
  for (let i = 0; i < N; i++) {
    const [x0, y0, w, h] = [3 + 3 * i, 5 + 2 * i, 9 + i, 7];
    for (let y = y0; y < y0 + h; y++)
      for (let xx = x0; xx < x0 + w; xx++) {
        masks[i * PLANE + y * S + xx] = 1;
        for (let c = 0; c < 3; c++) x[(i * 3 + c) * PLANE + y * S + xx] = 1;
      }
  }
  return { x, masks };
}

const GEOMETRIC = [
  { kind: 'flip' },
  { kind: 'affine', rotateDeg: 30, scaleMin: 0.8, scaleMax: 1.2, shift: 0.1 },
  { kind: 'randomResizedCrop', scaleMin: 0.3, scaleMax: 0.6 },
  { kind: 'cutmix' },
];

test('flip, affine, randomResizedCrop, cutmix: the mask equals the moved box, pixel for pixel', () => {
  for (const step of GEOMETRIC) {
    let moved = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const { x, masks } = boxes();
      const m = masks.slice();
      const { out } = run(step, x, seed, m);
      moved = Math.max(moved, maxAbsDiff(m, masks));
      for (let i = 0; i < N; i++)
        for (let c = 0; c < 3; c++)
          assert.ok(maxAbsDiff(planeOf(out, i, c), m.subarray(i * PLANE, (i + 1) * PLANE)) < 1e-6, step.kind);
    }
    assert.ok(moved > 0.5, `${step.kind} moved the mask`);
  }
});

test('classic: the mask follows its geometry (box pixels are the bright ones after bias and gain)', () => {
  const { x, masks } = boxes();
  const m = masks.slice();
  const { out } = run({ kind: 'classic' }, x, 4, m);
  assert.ok(maxAbsDiff(m, masks) > 0.5);
  for (let i = 0; i < N; i++) {
    const img = planeOf(out, i);
    const mid = (Math.min(...img) + Math.max(...img)) / 2;
    // pixels the box edge cuts (mask strictly between 0.2 and 0.8) may fall either side of mid
    for (let k = 0; k < PLANE; k++) {
      const mk = m[i * PLANE + k];
      if (mk <= 0.2 || mk >= 0.8) assert.equal(img[k] > mid, mk >= 0.8, `image ${i} pixel ${k}`);
    }
  }
});

test('intensity kinds leave the masks alone', () => {
  for (const kind of ['gamma', 'contrast', 'biasField', 'noise', 'blur', 'jpeg', 'mixup']) {
    const { x, masks } = boxes();
    const m = masks.slice();
    run({ kind }, x, 4, m);
    assert.deepEqual(m, masks, kind);
  }
});

test('a mask plane of the wrong size is an error', () => {
  const { x } = boxes();
  assert.throws(
    () => run({ kind: 'flip' }, x, 1, new Float32Array(PLANE)),
    /masks have 1024 values, expected n×size×size/,
  );
});
