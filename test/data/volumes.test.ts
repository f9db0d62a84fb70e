import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_SPLIT,
  decodeBuffer,
  prepareData,
  preprocessBuffer,
  preprocessFile,
} from '../../src/data/index.js';
import { SECRET_PATIENT_ID, SECRET_PATIENT_NAME, dicomBytes, niftiBytes } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'qmri-vol-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const pre = { size: 32, brainCrop: false, normalize: 'zscore' } as const;
const [NX, NY, NZ] = [40, 32, 9];

function volume(blobZ: number): { vol: Float32Array; seg: Uint8Array } {
  const vol = new Float32Array(NX * NY * NZ);
  const seg = new Uint8Array(NX * NY * NZ);
  for (let z = 0; z < NZ; z++)
    for (let y = 0; y < NY; y++)
      for (let x = 0; x < NX; x++) {
        const i = (z * NY + y) * NX + x;
        const brain = Math.hypot((x - 20) / 16, (y - 16) / 13) < 1;
        vol[i] = brain ? 100 + z : 0;
        // tumor: x 24..31, y 4..11 (voxel coords), size growing towards blobZ
        const r = 4 - Math.abs(z - blobZ);
        if (r > 0 && Math.abs(x - 27.5) < r && Math.abs(y - 7.5) < r) {
          vol[i] = 300;
          seg[i] = 1;
        }
      }
  return { vol, seg };
}

test('NIfTI: slice of largest tumor area from the segmentation beside it, box from the mask (.nii and .nii.gz)', async () => {
  const { vol, seg } = volume(6);
  for (const gzip of [false, true]) {
    const dir = join(tmp, gzip ? 'gz' : 'raw', 'case01');
    mkdirSync(dir, { recursive: true });
    const ext = gzip ? '.nii.gz' : '.nii';
    writeFileSync(join(dir, `case01_t1ce${ext}`), niftiBytes({ dims: [NX, NY, NZ], data: vol, gzip }));
    writeFileSync(join(dir, `case01_seg${ext}`), niftiBytes({ dims: [NX, NY, NZ], data: seg, gzip }));
    const r = await decodeBuffer(niftiBytes({ dims: [NX, NY, NZ], data: vol, gzip }), 'x', {
      segmentation: { bytes: niftiBytes({ dims: [NX, NY, NZ], data: seg }), name: 'seg' },
    });
    assert.equal(r.slice, 6);
    assert.equal(r.format, 'nifti');
    // y is flipped (anterior up): voxel rows 4..11 → image rows 20..27
    assert.deepEqual(r.box, [24 / NX, 20 / NY, 32 / NX, 28 / NY]);
    const p = await preprocessFile(join(dir, `case01_t1ce${ext}`), pre);
    assert.ok(p.mask && p.box);
    // padded to 40×40 (4 rows top), then 32 px: box rows (20+4)/40 .. (28+4)/40
    assert.deepEqual(
      p.box!.map((v) => +v.toFixed(4)),
      [24 / 40, 24 / 40, 32 / 40, 32 / 40].map((v) => +v.toFixed(4)),
    );
  }
  const noSeg = await decodeBuffer(niftiBytes({ dims: [NX, NY, NZ], data: vol }), 'v.nii');
  assert.equal(noSeg.slice, Math.floor(NZ / 2));
  assert.equal(noSeg.mask, null);
  const chosen = await decodeBuffer(niftiBytes({ dims: [NX, NY, NZ], data: vol }), 'v.nii', { slice: 2 });
  assert.equal(chosen.slice, 2);
  await assert.rejects(
    decodeBuffer(niftiBytes({ dims: [NX, NY, NZ], data: vol }), 'v.nii', { slice: 9 }),
    /v\.nii: slice 9 is outside 0\.\.8/,
  );
});

test('NIfTI datasets in case folders load through prepareData, grouped by case', async () => {
  const root = join(tmp, 'brats');
  for (const [cls, n] of [
    ['glioma', 3],
    ['notumor', 3],
  ] as const)
    for (let k = 0; k < n; k++) {
      const dir = join(root, cls, `case${k}`);
      mkdirSync(dir, { recursive: true });
      const { vol, seg } = volume(cls === 'glioma' ? 3 + k : -10);
      writeFileSync(
        join(dir, `case${k}_t1.nii.gz`),
        niftiBytes({ dims: [NX, NY, NZ], data: vol, gzip: true }),
      );
      if (cls === 'glioma')
        writeFileSync(
          join(dir, `case${k}_seg.nii.gz`),
          niftiBytes({ dims: [NX, NY, NZ], data: seg, gzip: true }),
        );
    }
  const m = await prepareData(join(tmp, 'run-brats'), {
    dir: root,
    split: { ...DEFAULT_SPLIT, train: 0.5, val: 0, test: 0.5 },
    preprocess: pre,
    // the synthetic volumes look alike across cases: keep them to test loading and grouping
    removeDuplicates: false,
  });
  assert.equal(m.entries.length, 6, 'segmentations are not samples');
  const g = m.entries.filter((e) => e.className === 'glioma');
  assert.deepEqual(
    g.map((e) => e.slice),
    [3, 4, 5],
  );
  assert.ok(
    g.every((e) => e.box) && m.entries.filter((e) => e.className === 'notumor').every((e) => e.box === null),
  );
  assert.deepEqual(new Set(m.entries.map((e) => e.group)).size, 6);
});

test('DICOM: windowing from the tags, MONOCHROME1 inverted, patient tags never stored', async () => {
  const rows = 24;
  const cols = 32;
  const px = new Uint16Array(rows * cols);
  for (let i = 0; i < px.length; i++) px[i] = (i % cols) * 100; // 0..3100 across each row
  const bytes = dicomBytes({ rows, cols, pixels: px, window: [1000, 1000] });
  const r = await decodeBuffer(bytes, 'slice.dcm');
  assert.equal(r.format, 'dicom');
  assert.equal(r.width, cols);
  assert.equal(r.height, rows);
  // window centre 1000 width 1000: ≤ 500 → 0, ≥ 1500 → 1, linear between
  assert.equal(r.pixels[5], 0);
  assert.equal(r.pixels[15], 1);
  assert.ok(Math.abs(r.pixels[10] - 0.5) < 0.01, String(r.pixels[10]));
  const inv = await decodeBuffer(
    dicomBytes({ rows, cols, pixels: px, window: [1000, 1000], monochrome1: true }),
    'inv.dcm',
  );
  assert.equal(inv.pixels[5], 1);
  const noWin = await decodeBuffer(dicomBytes({ rows, cols, pixels: px }), 'nowin.dcm');
  assert.ok(noWin.pixels[0] === 0 && noWin.pixels[cols - 1] === 1);
  assert.ok(r.group?.startsWith('patient:'));
  const p = await preprocessBuffer(bytes, 'slice.dcm', pre);
  assert.equal(p.input.length, 3 * 32 * 32);

  // a DICOM dataset: slices of one patient share a group; no patient tag in manifest or audit
  const root = join(tmp, 'dicom');
  for (const cls of ['meningioma', 'notumor'])
    for (let pat = 0; pat < 2; pat++)
      for (let s = 0; s < 2; s++) {
        mkdirSync(join(root, cls), { recursive: true });
        writeFileSync(
          join(root, cls, `IM${pat}${s}`),
          dicomBytes({
            rows,
            cols,
            pixels: px.map((v) => v + s + pat * 7),
            patientId: `${SECRET_PATIENT_ID}-${cls}-${pat}`,
          }),
        );
      }
  const run = join(tmp, 'run-dicom');
  const m = await prepareData(run, {
    dir: root,
    split: { ...DEFAULT_SPLIT, train: 0.5, val: 0, test: 0.5, blockSize: 1 },
    preprocess: pre,
    // the synthetic slices look alike across patients: keep them to test loading and grouping
    removeDuplicates: false,
  });
  assert.equal(m.entries.length, 8);
  assert.equal(new Set(m.entries.map((e) => e.group)).size, 4, 'grouped by (hashed) patient, not by file');
  for (const f of ['manifest.json', 'audit.json']) {
    const text = readFileSync(join(run, 'data', f), 'utf8');
    assert.ok(!text.includes('PAT-SECRET') && !text.includes('Doe'), `${f} holds no patient tag`);
  }
  assert.ok(!JSON.stringify(r).includes(SECRET_PATIENT_NAME));
});
