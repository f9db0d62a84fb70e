// The jpeg augmentation's codec model (src/data/augment/jpeg.ts) against an independent JPEG codec,
// jpeg-js (a test-only dependency): the same 8-bit image at the same quality decodes to within a
// fraction of a grey level of jpeg-js's result (within one level in colour), with the same error
// against the original; and its pieces (libjpeg's quality scaling, an orthonormal DCT) in closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import jpegJs from 'jpeg-js';
import { jpegPlane, jpegRoundTrip, quantTable } from '../../src/data/augment/jpeg.js';
import { makePhantomSet } from '../../src/data/index.js';
import { Rng } from '../../src/util/rng.js';

/** A phantom slice as 8-bit grey samples (S×S). */
function greyImage(S: number, seed: number): Float64Array {
  const img = makePhantomSet(1, S, seed)[0].image.subarray(0, S * S);
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of img) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return Float64Array.from(img, (v) => Math.round((255 * (v - lo)) / (hi - lo)));
}

/** jpeg-js encode + decode of 8-bit planes (1 grey or 3 RGB), each S×S; returns the decoded planes. */
function viaJpegJs(planes: Float64Array[], S: number, quality: number): Float64Array[] {
  const rgba = new Uint8Array(4 * S * S);
  for (let k = 0; k < S * S; k++) {
    for (let c = 0; c < 3; c++) rgba[4 * k + c] = planes[Math.min(c, planes.length - 1)][k];
    rgba[4 * k + 3] = 255;
  }
  const enc = jpegJs.encode({ data: rgba, width: S, height: S }, quality);
  const dec = jpegJs.decode(enc.data, { useTArray: true, formatAsRGBA: true });
  return planes.map((_, c) => Float64Array.from({ length: S * S }, (_, k) => dec.data[4 * k + c]));
}

const meanAbs = (a: Float64Array, b: Float64Array) =>
  a.reduce((s, v, k) => s + Math.abs(v - b[k]), 0) / a.length;

test('grey images: within 0.3 grey levels of jpeg-js on average, the same error against the original', () => {
  for (const S of [64, 36])
    // 36: edge blocks padded by replication, as a codec pads them
    for (const quality of [15, 50, 80, 95]) {
      const img = greyImage(S, S + quality);
      const [ours] = jpegRoundTrip([img], S, quality);
      const [theirs] = viaJpegJs([img], S, quality);
      const at = `S ${S}, quality ${quality}`;
      assert.ok(meanAbs(ours, theirs) < 0.3, `${at}: mean |ours − jpeg-js| ${meanAbs(ours, theirs)}`);
      const [eo, et] = [meanAbs(ours, img), meanAbs(theirs, img)];
      assert.ok(Math.abs(eo - et) < 0.25 * et + 0.2, `${at}: error vs original ${eo} (jpeg-js ${et})`);
      assert.ok(
        ours.every((v) => Number.isInteger(v) && v >= 0 && v <= 255),
        at,
      );
    }
});

test('colour images: YCbCr with chroma quantised by its own table, within one level of jpeg-js', () => {
  const S = 32;
  const rng = new Rng(4);
  const grey = greyImage(S, 9);
  // a colour image: the grey slice tinted differently in each channel, plus a little noise
  const planes = [0.9, 0.6, 0.3].map((w, c) =>
    Float64Array.from(grey, (v) => Math.min(255, Math.max(0, Math.round(w * v + 40 * c + rng.normal(0, 3))))),
  );
  for (const quality of [30, 75]) {
    const ours = jpegRoundTrip(planes, S, quality);
    const theirs = viaJpegJs(planes, S, quality);
    for (let c = 0; c < 3; c++) {
      const at = `quality ${quality}, channel ${c}`;
      const d = meanAbs(ours[c], theirs[c]);
      assert.ok(d < 1, `${at}: mean |ours − jpeg-js| ${d}`);
      const [eo, et] = [meanAbs(ours[c], planes[c]), meanAbs(theirs[c], planes[c])];
      assert.ok(Math.abs(eo - et) < 0.05 * et, `${at}: error vs original ${eo} (jpeg-js ${et})`);
    }
  }
});

test("quality scales the standard tables as libjpeg's jpeg_quality_scaling does", () => {
  const base = [16, 11, 10, 16, 24, 40, 51, 61];
  assert.deepEqual([...quantTable(base, 50)], base);
  assert.deepEqual(
    [...quantTable(base, 100)],
    base.map(() => 1),
  );
  // quality 10: scale 500 → (16·500 + 50) / 100 = 80; quality 90: scale 20 → (16·20 + 50) / 100 = 3
  assert.equal(quantTable(base, 10)[0], 80);
  assert.equal(quantTable(base, 90)[0], 3);
  assert.deepEqual(
    [...quantTable(base, 1)],
    base.map(() => 255),
    'baseline clamps at 255',
  );
});

test('with every step 1 the DCT round trip is lossless up to rounding (orthonormal transform)', () => {
  const S = 16;
  const img = greyImage(S, 2);
  const p = img.slice();
  jpegPlane(p, S, new Float64Array(64).fill(1));
  // quantising a coefficient to the nearest integer moves a sample by at most ~1 level after the inverse
  assert.ok(
    p.every((v, k) => Math.abs(v - img[k]) <= 1),
    'within one level',
  );
  const mid = new Float64Array(S * S).fill(128);
  jpegPlane(mid, S, quantTable(new Array(64).fill(16), 10));
  assert.ok(
    mid.every((v) => v === 128),
    'mid-grey (0 after the level shift) survives any quality',
  );
});
