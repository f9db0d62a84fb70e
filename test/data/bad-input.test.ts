import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import sharp from 'sharp';
import {
  DEFAULT_SPLIT,
  DATA_ERROR_CODES,
  DataError,
  type DataErrorCode,
  decodeBuffer,
  parseYoloBoxes,
  prepareDataFull,
  preprocessFile,
  readManifest,
  readVolume,
  scanDataset,
  writePhantomDataset,
} from '../../src/data/index.js';
import { dicomBytes, niftiBytes } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'qmri-bad-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const pre = { size: 32, brainCrop: false, normalize: 'zscore' } as const;

async function png(w: number, h: number): Promise<Buffer> {
  return sharp(
    new Uint8Array(w * h).map((_, i) => i % 251),
    { raw: { width: w, height: h, channels: 1 } },
  )
    .toColourspace('b-w')
    .png()
    .toBuffer();
}
async function jpeg(w: number, h: number): Promise<Buffer> {
  return sharp(
    new Uint8Array(w * h).map((_, i) => (i * 7) % 256),
    { raw: { width: w, height: h, channels: 1 } },
  )
    .toColourspace('b-w')
    .jpeg()
    .toBuffer();
}
/** A valid PNG whose IHDR claims width×height (CRC fixed): a decompression bomb's header. */
async function pngClaiming(w: number, h: number): Promise<Buffer> {
  const b = Buffer.from(await png(8, 8));
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  b.writeUInt32BE(crc32(b.subarray(12, 29)), 29);
  return b;
}

async function rejects(p: Promise<unknown>, file: string, re: RegExp, code?: DataErrorCode) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof DataError, `a DataError, got ${String(err)}`);
    assert.ok(err.message.startsWith(file + ': '), `names the file: ${err.message}`);
    assert.match(err.problem, re);
    assert.ok(err.code in DATA_ERROR_CODES, `a listed code: ${err.code}`);
    if (code) assert.equal(err.code, code, err.message);
    return true;
  });
}

test('corrupt, truncated, empty, non-image and unsupported files: clear errors naming the file', async () => {
  const j = await jpeg(64, 64);
  // a damaged Huffman table (bytes after the DHT marker overwritten): the decoder cannot go on
  const corrupt = Buffer.from(j);
  const dht = j.indexOf(Buffer.from([0xff, 0xc4]));
  assert.ok(dht > 0);
  corrupt.fill(0x55, dht + 4, dht + 40);
  await rejects(
    decodeBuffer(Buffer.concat([j.subarray(0, 3), Buffer.alloc(300, 7)]), 'a.jpg'),
    'a.jpg',
    /corrupt or truncated/,
  );
  await rejects(decodeBuffer(corrupt, 'damaged.jpg'), 'damaged.jpg', /corrupt or truncated/);
  await rejects(
    decodeBuffer(j.subarray(0, Math.floor(j.length / 2)), 'half.jpg'),
    'half.jpg',
    /corrupt or truncated/,
  );
  const p = await png(64, 64);
  await rejects(
    decodeBuffer(p.subarray(0, Math.floor(p.length / 2)), 'half.png'),
    'half.png',
    /corrupt or truncated/,
    'corrupt',
  );
  await rejects(decodeBuffer(new Uint8Array(0), 'zero.png'), 'zero.png', /empty file \(0 bytes\)/, 'empty');
  await rejects(
    decodeBuffer(Buffer.from('hello, I am text pretending to be a JPEG\n'), 'text.jpg'),
    'text.jpg',
    /not an image/,
    'not-image',
  );
  await rejects(
    decodeBuffer(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'x.gif'),
    'x.gif',
    /unsupported format GIF/,
    'unsupported',
  );
  await rejects(
    decodeBuffer(Buffer.from('BM\x00\x00\x00\x00\x00\x00', 'latin1'), 'x.bmp'),
    'x.bmp',
    /unsupported format BMP/,
  );
  await rejects(decodeBuffer(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), 'x.nii.gz'), 'x.nii.gz', /gzip/);
});

test('images over the pixel limit are refused from the header, before decoding', async () => {
  await rejects(
    decodeBuffer(await pngClaiming(100000, 100000), 'bomb.png'),
    'bomb.png',
    /10000000000 pixels, over the limit/,
  );
  await rejects(
    decodeBuffer(await png(64, 64), 'big.png', { maxPixels: 1000 }),
    'big.png',
    /4096 pixels, over the limit of 1000/,
  );
  const dcm = dicomBytes({ rows: 64, cols: 64, pixels: new Uint16Array(64 * 64) });
  await rejects(
    decodeBuffer(dcm, 'big.dcm', { maxPixels: 1000 }),
    'big.dcm',
    /over the pixel limit/,
    'too-large',
  );
});

test('NIfTI with NaN or the wrong number of dimensions; DICOM without pixel data or truncated', async () => {
  const vol = new Float32Array(8 * 8 * 4).fill(1);
  vol[17] = NaN;
  await rejects(
    decodeBuffer(niftiBytes({ dims: [8, 8, 4], data: vol }), 'nan.nii'),
    'nan.nii',
    /1 NaN or infinite voxel/,
  );
  await rejects(
    decodeBuffer(niftiBytes({ dims: [8, 8], data: new Float32Array(64) }), 'flat.nii'),
    'flat.nii',
    /wrong number of dimensions.*dim\[0\] = 2/,
  );
  await rejects(
    decodeBuffer(niftiBytes({ dims: [8, 8, 4, 3], data: new Float32Array(8 * 8 * 4 * 3) }), '4d.nii.gz'),
    '4d.nii.gz',
    /wrong number of dimensions/,
  );
  const pairHeader = Buffer.from(niftiBytes({ dims: [8, 8, 4], data: new Float32Array(256) }));
  pairHeader.write('ni1\0', 344, 'latin1'); // the header half of a .hdr/.img pair
  await rejects(
    decodeBuffer(pairHeader, 'x.hdr'),
    'x.hdr',
    /\.hdr\/\.img pairs are not supported/,
    'unsupported',
  );
  const full = niftiBytes({ dims: [8, 8, 4], data: new Float32Array(256) });
  await rejects(decodeBuffer(full.subarray(0, 600), 'cut.nii'), 'cut.nii', /truncated/);
  // a gzip bomb: 16 MB of zeros in a few kB; inflating stops at the cap
  const bomb = gzipSync(niftiBytes({ dims: [256, 256, 64], data: new Float32Array(256 * 256 * 64) }));
  assert.ok(bomb.length < 100_000);
  assert.throws(
    () => readVolume(bomb, 'bomb.nii.gz', 1e9, 1_000_000),
    (e: Error) =>
      /^bomb\.nii\.gz: gzip data inflates beyond 1000000 bytes \(decompression-bomb guard\)/.test(e.message),
  );
  assert.equal(readVolume(bomb, 'bomb.nii.gz', 1e9).nz, 64, 'under the default cap it is an ordinary volume');
  await rejects(
    decodeBuffer(dicomBytes({ rows: 8, cols: 8 }), 'nopix.dcm'),
    'nopix.dcm',
    /no pixel data \(7FE0,0010\)/,
  );
  const dcm = dicomBytes({ rows: 8, cols: 8, pixels: new Uint16Array(64) });
  await rejects(decodeBuffer(dcm.subarray(0, dcm.length - 40), 'cut.dcm'), 'cut.dcm', /truncated|corrupt/);
});

test('box files that do not parse or lie outside the image', async () => {
  assert.throws(
    () => parseYoloBoxes('0 0.5 0.5 0.2\n', 'a.txt'),
    /a\.txt: line 1: expected 'class x_center y_center width height'/,
  );
  assert.throws(() => parseYoloBoxes('0 0.5 0.5 abc 0.2', 'b.txt'), /b\.txt: line 1: expected/);
  assert.throws(
    () => parseYoloBoxes('1 0.95 0.5 0.3 0.2', 'c.txt'),
    /c\.txt: line 1: box .* lies outside the image/,
  );
  assert.throws(
    () => parseYoloBoxes('1 0.5 0.5 0 0.2', 'd.txt'),
    /d\.txt: line 1: box width and height must be > 0/,
  );
  assert.equal(parseYoloBoxes('\n', 'e.txt'), null);
  assert.deepEqual(
    parseYoloBoxes('2 0.5 0.5 0.2 0.2\n1 0.2 0.2 0.1 0.1', 'f.txt')?.map((v) => +v.toFixed(6)),
    [0.15, 0.15, 0.6, 0.6],
  );
  const dir = join(tmp, 'boxfile');
  mkdirSync(dir);
  writeFileSync(join(dir, 'x.png'), await png(32, 32));
  writeFileSync(join(dir, 'x.txt'), '0 1.2 0.5 0.5 0.5');
  await rejects(preprocessFile(join(dir, 'x.png'), pre), join(dir, 'x.txt'), /lies outside the image/);
});

test('a dataset with bad files: skipped and reported one by one (or fail by policy); nothing else is lost', async () => {
  const root = join(tmp, 'mixed');
  await writePhantomDataset(root, { n: 24, size: 32, seed: 2 });
  mkdirSync(join(root, 'empty-class'));
  const bad: Record<string, string | Uint8Array> = {
    'glioma/zero.png': Buffer.alloc(0),
    'glioma/text.jpg': 'not an image',
    'meningioma/half.png': (await png(32, 32)).subarray(0, 50),
    'notumor/anim.gif': Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'),
    'pituitary/bomb.png': await pngClaiming(50000, 50000),
    'pituitary/nan.nii': niftiBytes({ dims: [4, 4, 2], data: new Float32Array(32).fill(NaN) }),
    'notumor/nopix.dcm': dicomBytes({ rows: 4, cols: 4 }),
  };
  for (const [f, b] of Object.entries(bad)) writeFileSync(join(root, f), b);
  writeFileSync(join(root, 'glioma', '00004.txt'), 'garbage');
  const scan = scanDataset(root);
  assert.deepEqual(scan.emptyClasses, ['empty-class']);
  const run = join(tmp, 'run-mixed');
  const { manifest, audit } = await prepareDataFull(run, {
    dir: root,
    split: { ...DEFAULT_SPLIT, blockSize: 2 },
    preprocess: pre,
  });
  assert.deepEqual(manifest.classes, ['glioma', 'meningioma', 'notumor', 'pituitary']);
  assert.equal(manifest.entries.length, 23, 'all good phantoms except the one with the broken box file');
  const problems = new Map(audit.unreadable.map((u) => [u.file, u.problem]));
  assert.match(problems.get('empty-class')!, /class folder 'empty-class' has no images/);
  assert.match(problems.get('glioma/zero.png')!, /empty file/);
  assert.match(problems.get('glioma/text.jpg')!, /not an image/);
  assert.match(problems.get('meningioma/half.png')!, /corrupt or truncated/);
  assert.match(problems.get('notumor/anim.gif')!, /unsupported format GIF/);
  assert.match(problems.get('pituitary/bomb.png')!, /over the limit/);
  assert.match(problems.get('pituitary/nan.nii')!, /NaN/);
  assert.match(problems.get('notumor/nopix.dcm')!, /no pixel data/);
  assert.match(problems.get('glioma/00004.png')!, /00004\.txt: line 1: expected/);
  assert.equal(audit.unreadable.length, 9);
  assert.deepEqual(readManifest(join(run, 'data', 'manifest.json')).entries.length, 23);
  const failRun = () =>
    prepareDataFull(join(tmp, 'run-fail'), {
      dir: root,
      split: DEFAULT_SPLIT,
      preprocess: pre,
      badInput: 'fail',
    });
  await assert.rejects(failRun(), /empty-class: class folder 'empty-class' has no images/);
  rmSync(join(root, 'empty-class'), { recursive: true });
  await assert.rejects(failRun(), /glioma\/00004\.png: .*00004\.txt: line 1/);
  assert.ok(readFileSync(join(root, 'glioma', '00000.png')).length > 0);
});

test('bad configuration and paths: clear field errors', async () => {
  await assert.rejects(
    prepareDataFull(join(tmp, 'r'), { dir: join(tmp, 'nope'), split: DEFAULT_SPLIT, preprocess: pre }),
    /nope: dataset folder does not exist/,
  );
  await assert.rejects(
    prepareDataFull(join(tmp, 'r'), { dir: tmp, split: { ...DEFAULT_SPLIT, train: 0.9 }, preprocess: pre }),
    /data\.split: train \+ val \+ test must be 1/,
  );
  await assert.rejects(
    prepareDataFull(join(tmp, 'r'), { dir: tmp, split: DEFAULT_SPLIT, preprocess: { ...pre, size: 8 } }),
    /data\.preprocess\.size: expected an integer in \[16, 1024\]/,
  );
  await assert.rejects(preprocessFile(join(tmp, 'missing.png'), pre), /missing\.png: cannot read \(ENOENT\)/);
  const mpath = join(tmp, 'bad-manifest.json');
  writeFileSync(
    mpath,
    JSON.stringify({
      version: 1,
      root: '/x',
      classes: ['a', 'b'],
      split: {},
      entries: [{ file: 'f', label: 5 }],
    }),
  );
  assert.throws(() => readManifest(mpath), /bad-manifest\.json: entries\[0\]\.label: expected 0\.\.1/);
  writeFileSync(mpath, '{"version": 1,');
  assert.throws(() => readManifest(mpath), /bad-manifest\.json: not valid JSON/);
});
