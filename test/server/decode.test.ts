/**
 * The upload guard in front of src/data's decoders: type from content, gzip inflation capped,
 * DataErrors mapped to 400 / 413 / 415 with the file named, volume slices counted and picked.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { DATA_ERROR_CODES, DataError, detectFormat } from '../../src/data/index.js';
import {
  CaseStore,
  HTTP_STATUS_OF,
  HttpError,
  decodeUpload,
  gunzipCapped,
  uploadKind,
} from '../../src/server/index.js';
import { makeDicom, makeNifti } from './formats.js';
import { phantomImage } from './tiny-run.js';

const LIM = { maxPixels: 1e6, maxVolumeBytes: 1e6 };

async function status(p: Promise<unknown>): Promise<[number, string]> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof HttpError, `not an HttpError: ${(err as Error).message}`);
    return [err.status, err.message];
  }
  return [200, ''];
}

describe('upload guard', () => {
  test('the upload kind comes from the one detector in src/data: signatures, not names', async () => {
    assert.equal(uploadKind(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'x'), 'jpeg');
    assert.equal(uploadKind(await phantomImage('png', 32), 'x'), 'png');
    assert.equal(uploadKind(makeDicom(new Uint16Array(4), 2, 2), 'x'), 'dicom');
    assert.equal(uploadKind(makeNifti(new Int16Array(8), 2, 2, 2), 'x'), 'nifti');
    assert.equal(uploadKind(makeNifti(new Int16Array(8), 2, 2, 2, true), 'x'), 'nifti-gz');
    const codeOf = (b: Uint8Array) => {
      const d = detectFormat(b);
      return 'code' in d ? d.code : d.format;
    };
    assert.equal(codeOf(Buffer.from('GIF89a')), 'unsupported');
    assert.equal(codeOf(Buffer.alloc(400)), 'not-image');
    assert.equal(codeOf(Buffer.alloc(0)), 'empty');
    assert.throws(
      () => uploadKind(Buffer.from('GIF89a'), 'a.gif'),
      (e: DataError) => e.code === 'unsupported' && /^a\.gif: unsupported format GIF/.test(e.message),
    );
  });

  test('every DataError code has one HTTP status (the table), and the status follows the code', async () => {
    assert.deepEqual(Object.keys(HTTP_STATUS_OF).sort(), Object.keys(DATA_ERROR_CODES).sort());
    for (const s of Object.values(HTTP_STATUS_OF)) assert.ok(s >= 400 && s < 500);
    const [s, m] = await status(decodeUpload(Buffer.alloc(0), 'zero.png', LIM));
    assert.equal(s, HTTP_STATUS_OF.empty);
    assert.match(m, /^zero\.png: empty file/);
  });

  test('gzip inflation is capped (413) and corrupt gzip is a 400', () => {
    const bomb = gzipSync(Buffer.alloc(5_000_000));
    assert.throws(
      () => gunzipCapped(bomb, 'b.gz', 1_000_000),
      (e: HttpError) => e.status === 413,
    );
    assert.equal(gunzipCapped(gzipSync(Buffer.from('abc')), 'ok.gz', 10).toString(), 'abc');
    const bad = Buffer.from(bomb);
    bad.fill(7, 20, 60);
    assert.throws(
      () => gunzipCapped(bad, 'bad.gz', 1e7),
      (e: HttpError) => e.status === 400 && /bad\.gz/.test(e.message),
    );
  });

  test('errors: 415 foreign content and gzip without NIfTI, 413 pixel limit, 400 truncated, file named', async () => {
    assert.deepEqual((await status(decodeUpload(Buffer.from('hello'), 'a.png', LIM)))[0], 415);
    const [s1, m1] = await status(decodeUpload(gzipSync(Buffer.alloc(1000, 1)), 'x.nii.gz', LIM));
    assert.equal(s1, 415);
    assert.match(m1, /x\.nii\.gz: gzip content is not a NIfTI volume/);
    const [s2, m2] = await status(decodeUpload(makeDicom(new Uint16Array(4), 2000, 2000), 'big.dcm', LIM));
    assert.equal(s2, 413, m2);
    assert.match(m2, /^big\.dcm: /);
    const png = await phantomImage('png', 64);
    const [s3, m3] = await status(decodeUpload(png.subarray(0, 100), 'half.png', LIM));
    assert.equal(s3, 400);
    assert.match(m3, /^half\.png: /);
    const [s4] = await status(decodeUpload(png, 'p.png', LIM, { slice: 2 }));
    assert.equal(s4, 400);
    const [s5, m5] = await status(
      decodeUpload(
        makeDicom(new Uint16Array(16), 4, 4, { transferSyntax: '1.2.840.10008.1.2.4.100' }),
        'j.dcm',
        LIM,
      ),
    );
    assert.equal(s5, 415, m5);
  });

  test('multi-frame DICOM uploads are volumes: frame count, a chosen frame, out of range named (400)', async () => {
    const px = Uint16Array.from({ length: 4 * 4 * 3 }, (_, i) => Math.floor(i / 16) * 1000 + (i % 16));
    const buf = makeDicom(px, 4, 4, { frames: 3 });
    const d = await decodeUpload(buf, 'mf.dcm', LIM, { slice: 2 });
    assert.equal(d.kind, 'dicom');
    assert.equal(d.slices, 3);
    assert.equal(d.slice, 2);
    const [s, m] = await status(decodeUpload(buf, 'mf.dcm', LIM, { slice: 3 }));
    assert.equal(s, 400);
    assert.match(m, /mf\.dcm: slice 3 is outside 0\.\.2/);
  });

  test('NIfTI volumes: slice count, the middle slice by default, a chosen slice, out of range named', async () => {
    const vol = Int16Array.from({ length: 16 * 16 * 5 }, (_, i) => Math.floor(i / 256) * 100 + (i % 16));
    for (const gz of [false, true]) {
      const buf = makeNifti(vol, 16, 16, 5, gz);
      const d = await decodeUpload(buf, 'v.nii', LIM);
      assert.equal(d.kind, gz ? 'nifti-gz' : 'nifti');
      assert.equal(d.slices, 5);
      assert.equal(d.slice, 2);
      assert.equal((await decodeUpload(buf, 'v.nii', LIM, { slice: 4 })).slice, 4);
      const [s, m] = await status(decodeUpload(buf, 'v.nii', LIM, { slice: 5 }));
      assert.equal(s, 400);
      assert.match(m, /v\.nii: .*slice/);
    }
  });
});

describe('case store', () => {
  test('bounded by count (least recently used first) and by kept volume bytes', () => {
    const store = new CaseStore(3, 100);
    const mk = (label: string, volume?: number) =>
      store.add({
        label,
        kind: volume ? 'nifti' : 'png',
        slices: volume ? 4 : 1,
        slice: 0,
        image: {
          input: new Float32Array(0),
          display: new Float32Array(0),
          size: 32,
          box: null,
          source: label,
        },
        pooled: new Float32Array(0),
        backbone: [],
        volume: volume ? new Uint8Array(volume) : undefined,
        explained: new Map(),
      });
    const a = mk('a', 60);
    const b = mk('b', 60);
    assert.equal(store.get(a.id)?.volume, undefined, 'the older volume is dropped past 100 bytes');
    assert.equal(store.get(b.id)?.volume?.length, 60);
    const c = mk('c');
    store.get(a.id); // a becomes the most recently used
    mk('d');
    assert.equal(store.size, 3);
    assert.equal(store.get(b.id), undefined, 'least recently used evicted');
    assert.ok(store.get(a.id) && store.get(c.id));
  });
});
