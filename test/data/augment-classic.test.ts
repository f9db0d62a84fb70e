// `augment: true` is the old hand-written augmentBatch, bit for bit: a verbatim copy of it (as of
// 853e824) against the registry's `classic` kind, through the pipeline and through augmentBatch, on
// the same seeded batch; the Rng is left in the same state (same draw order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { augmentBatch, augmentPipeline } from '../../src/data/index.js';
import { Rng } from '../../src/util/rng.js';
import { S, phantomBatch } from './augment-fixtures.js';

const DEFAULTS = { flip: true, rotateDeg: 10, scale: 0.1, shift: 0.06, bias: 0.15, gain: 0.1 };

function oldAugmentBatch(
  x: Float32Array,
  n: number,
  size: number,
  rng: Rng,
  options: Partial<typeof DEFAULTS> = {},
): void {
  const o = { ...DEFAULTS, ...options };
  const S = size;
  const per = S * S;
  if (!Number.isInteger(n) || n < 0 || x.length !== n * 3 * per)
    throw new Error(`augmentBatch: x has ${x.length} values, expected n×3×size×size = ${n}×3×${S}×${S}`);
  const tmp = new Float32Array(per);
  const c0 = (S - 1) / 2;
  for (let i = 0; i < n; i++) {
    const flip = o.flip && rng.next() < 0.5;
    const ang = (rng.uniform(-1, 1) * o.rotateDeg * Math.PI) / 180;
    const sc = 1 + rng.uniform(-1, 1) * o.scale;
    const tx = rng.uniform(-1, 1) * o.shift * S;
    const ty = rng.uniform(-1, 1) * o.shift * S;
    const bx = rng.uniform(-1, 1) * o.bias;
    const by = rng.uniform(-1, 1) * o.bias;
    const gain = 1 + rng.uniform(-1, 1) * o.gain;
    const off = rng.uniform(-1, 1) * o.gain;
    // inverse map: output pixel → source coordinate
    const ca = Math.cos(ang) / sc;
    const sa = Math.sin(ang) / sc;
    for (let c = 0; c < 3; c++) {
      const img = x.subarray((i * 3 + c) * per, (i * 3 + c + 1) * per);
      let bg = Infinity;
      for (let k = 0; k < per; k++) if (img[k] < bg) bg = img[k];
      for (let yy = 0; yy < S; yy++)
        for (let xx = 0; xx < S; xx++) {
          const dx = (flip ? S - 1 - xx : xx) - c0 - tx;
          const dy = yy - c0 - ty;
          const sx = ca * dx + sa * dy + c0;
          const sy = -sa * dx + ca * dy + c0;
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          let v = bg;
          if (x0 >= 0 && y0 >= 0 && x0 < S - 1 && y0 < S - 1) {
            const fx = sx - x0;
            const fy = sy - y0;
            const p = y0 * S + x0;
            v =
              (img[p] * (1 - fx) + img[p + 1] * fx) * (1 - fy) +
              (img[p + S] * (1 - fx) + img[p + S + 1] * fx) * fy;
          }
          const field = 1 + (bx * (xx - c0)) / S + (by * (yy - c0)) / S;
          tmp[yy * S + xx] = bg + (v - bg) * field * gain + off;
        }
      img.set(tmp);
    }
  }
}

test('augment: true = the old augmentBatch, bit for bit, with the same draws', () => {
  const x = phantomBatch(7, 5);
  const want = x.slice();
  const r0 = new Rng(42);
  oldAugmentBatch(want, 7, S, r0);
  const viaPipeline = x.slice();
  const r1 = new Rng(42);
  augmentPipeline(true)!(viaPipeline, 7, S, r1);
  const viaBatch = x.slice();
  const r2 = new Rng(42);
  augmentBatch(viaBatch, 7, S, r2);
  assert.deepEqual(viaPipeline, want);
  assert.deepEqual(viaBatch, want);
  const next = r0.next();
  assert.equal(r1.next(), next);
  assert.equal(r2.next(), next);
  assert.notDeepEqual(want, x);
  assert.equal(augmentPipeline(false), undefined);
});

test('classic with options = the old function with the same options', () => {
  const x = phantomBatch(4, 8);
  const o = { flip: false, rotateDeg: 25, scale: 0.2, shift: 0.1, bias: 0.3, gain: 0.2 };
  const want = x.slice();
  oldAugmentBatch(want, 4, S, new Rng(3), o);
  const got = x.slice();
  augmentPipeline([{ kind: 'classic', ...o }])!(got, 4, S, new Rng(3));
  assert.deepEqual(got, want);
});
