/**
 * Compressed DICOM frames are checked against their own declared size before any codec runs
 * (found by bench/fuzz: a 1 KB JPEG-lossless frame declaring 20000×20000 took 52 s and 1.6 GB and
 * then "decoded"; JPEG-LS 6.5 s and 860 MB).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { DataError, decodeBuffer } from '../../src/data/index.js';
import { declaredSize } from '../../src/data/dicom/declared-size.js';
import { dicomSeeds } from '../../bench/fuzz/seeds.js';

test('declaredSize reads JPEG start of frame and JPEG 2000 SIZ', async () => {
  const jpg = await sharp(Buffer.alloc(40 * 24), { raw: { width: 40, height: 24, channels: 1 } })
    .jpeg()
    .toBuffer();
  assert.deepEqual(declaredSize(jpg), { width: 40, height: 24 });
  const siz = Buffer.alloc(48);
  siz.set([0xff, 0x4f, 0xff, 0x51], 0);
  siz.writeUInt32BE(300, 8); // Xsiz
  siz.writeUInt32BE(200, 12); // Ysiz
  siz.writeUInt32BE(100, 16); // XOsiz
  assert.deepEqual(declaredSize(siz), { width: 200, height: 200 });
  assert.equal(declaredSize(Uint8Array.of(0xff, 0xd8, 0xff, 0xda, 0, 2)), null); // scan before any frame header
});

/** The byte offset of a marker's segment in the frame of a DICOM file. */
function markerAt(b: Buffer, m: number[]): number {
  for (let i = 132; i < b.length - 1; i++) if (b[i] === m[0] && b[i + 1] === m[1]) return i;
  return -1;
}

test('a compressed frame declaring far more pixels than Rows×Columns is refused before decoding', async (t) => {
  const seeds = await dicomSeeds();
  const cases: [string, number[], (b: Buffer, at: number) => void][] = [
    ['j2k.dcm', [0xff, 0x51], (b, at) => (b.writeUInt32BE(20000, at + 6), b.writeUInt32BE(20000, at + 10))],
    [
      'jpeg-lossless-sv1.dcm',
      [0xff, 0xc3],
      (b, at) => (b.writeUInt16BE(20000, at + 5), b.writeUInt16BE(20000, at + 7)),
    ],
    [
      'jpeg-ls.dcm',
      [0xff, 0xf7],
      (b, at) => (b.writeUInt16BE(20000, at + 5), b.writeUInt16BE(20000, at + 7)),
    ],
    [
      'jpeg-baseline.dcm',
      [0xff, 0xc0],
      (b, at) => (b.writeUInt16BE(20000, at + 5), b.writeUInt16BE(20000, at + 7)),
    ],
  ];
  for (const [name, marker, bomb] of cases) {
    const seed = seeds.find((s) => s.name === name);
    if (!seed) {
      t.diagnostic(`${name}: skipped (DCMTK / GDCM not installed)`);
      continue;
    }
    const b = Buffer.from(seed.bytes);
    const at = markerAt(b, marker);
    assert.ok(at > 0, name);
    bomb(b, at);
    await assert.rejects(decodeBuffer(b, name), (e: unknown) => {
      assert.ok(e instanceof DataError && e.code === 'corrupt', String(e));
      assert.match(e.message, /declares 20000×20000 pixels, the DICOM header \d+×\d+/);
      assert.ok(e.message.startsWith(name));
      return true;
    });
  }
});
