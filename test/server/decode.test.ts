/**
 * Upload decoding against known pixels: PNG / JPEG / DICOM / NIfTI slices come back with the values
 * and orientation that were written, and the model image is the same picture at the model's size.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { makePhantomSet } from '../../src/data/phantoms.js';
import { decodeUpload, sniffUpload, toModelImage, windowToUnit } from '../../src/server/index.js';
import { makeDicom, makeNifti } from './formats.js';

const LIM = { maxPixels: 1e7, maxVolumeBytes: 1e8 };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('upload decoding', () => {
  const [ph] = makePhantomSet(1, 64, 77);
  const u8 = Buffer.from(ph.image.map((v) => Math.round(v * 255)));

  test('PNG: exact pixels; model image at the same size is the same picture, at half size its average', async () => {
    const png = await sharp(u8, { raw: { width: 64, height: 64, channels: 1 } })
      .png()
      .toBuffer();
    const d = await decodeUpload(png, 'p.png', LIM);
    assert.equal(d.kind, 'png');
    assert.equal(d.width, 64);
    assert.ok(maxDiff(d.gray, ph.image) <= 0.5 / 255 + 1e-6);
    const same = await toModelImage(d, 64);
    assert.ok(maxDiff(same.display, d.gray) <= 1 / 255 + 1e-6);
    const half = await toModelImage(d, 32);
    assert.equal(half.display.length, 32 * 32);
    const pooled = Float32Array.from({ length: 32 * 32 }, (_, k) => {
      const [y, x] = [Math.floor(k / 32) * 2, (k % 32) * 2];
      return (
        (d.gray[y * 64 + x] +
          d.gray[y * 64 + x + 1] +
          d.gray[(y + 1) * 64 + x] +
          d.gray[(y + 1) * 64 + x + 1]) /
        4
      );
    });
    let mae = 0;
    for (let i = 0; i < pooled.length; i++) mae += Math.abs(half.display[i] - pooled[i]) / pooled.length;
    assert.ok(mae < 0.03, `half-size image differs by ${mae} on average`);
    // z-score input, replicated on 3 channels
    let m = 0;
    for (let i = 0; i < 64 * 64; i++) m += same.input[i];
    assert.ok(Math.abs(m / 4096) < 1e-4);
    assert.deepEqual(same.input.subarray(0, 4096), same.input.subarray(8192, 12288));
  });

  test('RGB JPEG becomes grayscale close to the source', async () => {
    const jpg = await sharp(u8, { raw: { width: 64, height: 64, channels: 1 } })
      .toColourspace('srgb')
      .jpeg({ quality: 95 })
      .toBuffer();
    const d = await decodeUpload(jpg, 'p.jpg', LIM);
    assert.equal(d.kind, 'jpeg');
    let err = 0;
    for (let i = 0; i < d.gray.length; i++) err += Math.abs(d.gray[i] - ph.image[i]);
    assert.ok(err / d.gray.length < 0.02);
  });

  test('DICOM: rows × columns in order, windowed monotonically; frames pick slices', async () => {
    const px = new Uint16Array(2 * 3 * 4).map((_, i) => i * 100);
    const d = await decodeUpload(makeDicom(px, 3, 4, { frames: 2 }), 'd.dcm', LIM, { slice: 1 });
    assert.equal(d.kind, 'dicom');
    assert.equal([d.width, d.height, d.slices, d.slice].join(), '4,3,2,1');
    for (let i = 1; i < d.gray.length; i++) assert.ok(d.gray[i] >= d.gray[i - 1]);
    assert.ok(d.gray[0] === 0 && d.gray[11] === 1);
  });

  test('NIfTI: the chosen slice, first image row = highest y', async () => {
    const nx = 4;
    const ny = 3;
    const vol = Int16Array.from(
      { length: nx * ny * 2 },
      (_, i) => (i >= 12 ? 1000 : 0) + Math.floor((i % 12) / nx) * 10 + (i % nx),
    );
    for (const gz of [false, true]) {
      const d = await decodeUpload(makeNifti(vol, nx, ny, 2, gz), 'v.nii', LIM, { slice: 1 });
      assert.equal(d.kind, gz ? 'nifti-gz' : 'nifti');
      assert.equal([d.width, d.height, d.slices].join(), '4,3,2');
      const want = windowToUnit(Float32Array.from([20, 21, 22, 23, 10, 11, 12, 13, 0, 1, 2, 3]));
      assert.ok(maxDiff(d.gray, want) < 1e-6);
    }
  });

  test('sniffing ignores names and reads signatures', () => {
    assert.equal(sniffUpload(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'jpeg');
    assert.equal(sniffUpload(Buffer.from('GIF89a')), null);
    assert.equal(sniffUpload(Buffer.alloc(400)), null);
    assert.equal(sniffUpload(makeNifti(new Int16Array(8), 2, 2, 2)), 'nifti');
  });
});
