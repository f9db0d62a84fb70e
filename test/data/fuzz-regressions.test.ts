/** Inputs bench/fuzz found mishandled, each now refused with a DataError naming the file and the problem. */
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError, decodeBuffer } from '../../src/data/index.js';
import { makeNifti } from '../server/formats.js';

const vox = Int16Array.from({ length: 8 * 8 * 4 }, (_, i) => i);

test('NIfTI whose bitpix disagrees with its datatype (fuzz: RangeError from a DataView)', async () => {
  for (const bitpix of [0, 8, 32]) {
    const b = makeNifti(vox, 8, 8, 4);
    b.writeInt16LE(bitpix, 72);
    await assert.rejects(decodeBuffer(b, 'odd.nii'), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.code, 'corrupt');
      assert.equal(e.message, `odd.nii: bitpix ${bitpix} disagrees with datatype code 4 (16 bits per voxel)`);
      return true;
    });
  }
  assert.equal((await decodeBuffer(makeNifti(vox, 8, 8, 4), 'ok.nii')).width, 8);
});

test('NIfTI-1 with dim[0] = 3 and a negative unused dim[5] decodes by dim[1..3] (fuzz: RangeError)', async () => {
  const b = makeNifti(vox, 8, 8, 4);
  b.writeInt16LE(-31743, 40 + 2 * 5);
  const r = await decodeBuffer(b, 'dim5.nii');
  assert.deepEqual([r.width, r.height, r.slices], [8, 8, 4]);
  assert.deepEqual(r.pixels, (await decodeBuffer(makeNifti(vox, 8, 8, 4), 'ok.nii')).pixels);
});

test('NIfTI with a NaN vox_offset is corrupt (fuzz: RangeError)', async () => {
  const b = makeNifti(vox, 8, 8, 4);
  b.writeFloatLE(NaN, 108);
  await assert.rejects(
    decodeBuffer(b, 'nan.nii'),
    /^DataError: nan\.nii: vox_offset NaN is not a byte offset$/,
  );
});

test('JPEG-LS frames on which CharLS never returns are stopped at the deadline (fuzz: hang)', async () => {
  // bench/fuzz/known: one corrupted byte makes the CharLS wasm decoder loop; it runs in a worker
  // thread that is terminated at the deadline, and the next JPEG-LS file still decodes
  const known = new URL('../../bench/fuzz/known/', import.meta.url);
  for (const name of ['charls-hang.dcm', 'charls-hang-near-lossless.dcm']) {
    const bytes = readFileSync(new URL(name, known));
    await assert.rejects(decodeBuffer(bytes, name), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.code, 'corrupt');
      assert.match(e.message, new RegExp(`^${name.replace('.', '\\.')}: .*did not finish within`));
      return true;
    });
  }
});
