/** Inputs bench/fuzz found mishandled, each now refused with a DataError naming the file and the problem. */
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
