import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_SPLIT,
  loadSplit,
  prepareData,
  pruneCache,
  preprocessFile,
  readManifest,
  writePhantomDataset,
  type DataConfig,
} from '../../src/data/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'qmri-data-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const ds = join(tmp, 'phantoms');
const cfg = (): DataConfig => ({
  dir: ds,
  split: { ...DEFAULT_SPLIT, seed: 3, blockSize: 4 },
  preprocess: { size: 32, brainCrop: false, normalize: 'zscore' },
});

test('synth writes the folder-per-class layout with YOLO boxes and masks, deterministically', async () => {
  await writePhantomDataset(ds, { n: 48, size: 48, seed: 7 });
  assert.deepEqual(readdirSync(ds).sort(), ['glioma', 'meningioma', 'notumor', 'pituitary']);
  const g = readdirSync(join(ds, 'glioma')).sort();
  assert.ok(g.includes('00000.png') && g.includes('00000.txt') && g.includes('00000.mask.png'));
  assert.equal(readFileSync(join(ds, 'notumor', '00002.txt'), 'utf8'), '');
  assert.equal(existsSync(join(ds, 'notumor', '00002.mask.png')), false);
  const again = join(tmp, 'again');
  await writePhantomDataset(again, { n: 8, size: 48, seed: 7 });
  assert.deepEqual(
    readFileSync(join(again, 'glioma', '00004.png')),
    readFileSync(join(ds, 'glioma', '00004.png')),
  );
  assert.match(readFileSync(join(ds, 'glioma', '00004.txt'), 'utf8'), /^0 0\.\d+ 0\.\d+ 0\.\d+ 0\.\d+\n$/);
});

test('preprocessFile: box from the YOLO sidecar and mask agree, input is z-scored ×3', async () => {
  const p = await preprocessFile(join(ds, 'meningioma', '00001.png'), {
    size: 32,
    brainCrop: false,
    normalize: 'zscore',
  });
  assert.equal(p.input.length, 3 * 32 * 32);
  assert.equal(p.display.length, 32 * 32);
  let m = 0;
  for (let i = 0; i < 1024; i++) m += p.input[i];
  assert.ok(Math.abs(m / 1024) < 1e-4);
  assert.deepEqual(p.input.subarray(0, 1024), p.input.subarray(2048));
  assert.ok(p.box && p.mask);
  let inBox = 0,
    total = 0;
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++)
      if (p.mask![y * 32 + x]) {
        total++;
        const [x0, y0, x1, y1] = p.box!;
        if (
          (x + 0.5) / 32 >= x0 - 0.05 &&
          (x + 0.5) / 32 <= x1 + 0.05 &&
          (y + 0.5) / 32 >= y0 - 0.05 &&
          (y + 0.5) / 32 <= y1 + 0.05
        )
          inBox++;
      }
  assert.ok(total > 0 && inBox === total, `mask pixels inside the box: ${inBox}/${total}`);
});

test('prepareData writes a grouped manifest and audit; loadSplit caches; a rerun is skipped', async () => {
  const run = join(tmp, 'run');
  const m = await prepareData(run, cfg());
  assert.deepEqual(m.classes, ['glioma', 'meningioma', 'notumor', 'pituitary']);
  assert.equal(m.entries.length, 48);
  const bySplit = { train: 0, val: 0, test: 0 };
  for (const e of m.entries) bySplit[e.split]++;
  assert.ok(bySplit.train > bySplit.val && bySplit.val > 0 && bySplit.test > 0, JSON.stringify(bySplit));
  // groups never straddle splits
  const gs = new Map<string, string>();
  for (const e of m.entries) {
    assert.equal(gs.get(e.group) ?? e.split, e.split, `group ${e.group}`);
    gs.set(e.group, e.split);
  }
  assert.deepEqual(readManifest(join(run, 'data', 'manifest.json')), m);
  const audit = JSON.parse(readFileSync(join(run, 'data', 'audit.json'), 'utf8'));
  assert.equal(audit.total, 48);
  assert.equal(audit.shortcut.warning, false, audit.shortcut.message);
  const mtime = statSync(join(run, 'data', 'manifest.json')).mtimeMs;
  await prepareData(run, cfg());
  assert.equal(
    statSync(join(run, 'data', 'manifest.json')).mtimeMs,
    mtime,
    'unchanged config: not rewritten',
  );

  const cacheDir = join(tmp, 'cache');
  const pre = { size: 32, brainCrop: false, normalize: 'zscore' } as const;
  const cold = await loadSplit(m, 'train', pre, { cacheDir });
  assert.equal(cold.x.length, bySplit.train * 3 * 32 * 32);
  assert.equal(readdirSync(cacheDir).length, 1);
  // a warm load never decodes: it works with the source images moved away
  renameSync(ds, `${ds}.away`);
  let warm;
  try {
    warm = await loadSplit(m, 'train', pre, { cacheDir });
  } finally {
    renameSync(`${ds}.away`, ds);
  }
  assert.deepEqual(warm.x, cold.x);
  assert.deepEqual(warm.boxes, cold.boxes);
  assert.deepEqual(
    [...warm.y],
    m.entries.filter((e) => e.split === 'train').map((e) => e.label),
  );
  // the cached and the direct path give the same tensor
  const one = await preprocessFile(join(ds, cold.files[0]), pre);
  assert.deepEqual(cold.x.subarray(0, 3 * 1024), one.input);
  assert.deepEqual(cold.boxes[0], one.box);
  const img = await loadSplit(m, 'test', { ...pre, normalize: 'imagenet' }, { cacheDir });
  assert.equal(img.y.length, bySplit.test);
  // ImageNet normalisation: undoing each channel's mean and std gives one [0, 1] min-max image ×3
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const hw = 32 * 32;
  for (let n = 0; n < img.y.length; n++) {
    const at = (c: number, i: number) => img.x[(n * 3 + c) * hw + i] * std[c] + mean[c];
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < hw; i++) {
      const v = at(0, i);
      assert.ok(Math.abs(at(1, i) - v) < 1e-5 && Math.abs(at(2, i) - v) < 1e-5, `image ${n} px ${i}`);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.ok(Math.abs(lo) < 1e-5 && Math.abs(hi - 1) < 1e-5, `image ${n}: range [${lo}, ${hi}]`);
  }
  // a damaged pack is rebuilt, not trusted
  const packs = readdirSync(cacheDir).map((f) => join(cacheDir, f));
  writeFileSync(packs[0], 'QMRIC001 garbage');
  assert.deepEqual((await loadSplit(m, 'train', pre, { cacheDir })).x, cold.x);
  assert.deepEqual((await loadSplit(m, 'test', { ...pre, normalize: 'imagenet' }, { cacheDir })).x, img.x);
  // LRU pruning keeps the folder under its cap, sparing the pack just written
  assert.equal(packs.length, 2, 'one pack per split and geometry (normalisation is applied on load)');
  assert.deepEqual(pruneCache(cacheDir, 1, packs[1]), [packs[0]]);
  assert.deepEqual(
    readdirSync(cacheDir).map((f) => join(cacheDir, f)),
    [packs[1]],
  );
});

test('the one-pipeline JPEG/PNG path matches decode → pad → resize (non-square image, box)', async () => {
  const { default: sharp } = await import('sharp');
  const { decodeBuffer, prepareRaster, preprocessBuffer } = await import('../../src/data/index.js');
  const W = 120;
  const H = 72;
  const px = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      px[y * W + x] = x > 80 && y < 30 ? 230 : 60 + Math.round(30 * Math.sin(x / 9) * Math.cos(y / 7));
  const jpg = await sharp(px, { raw: { width: W, height: H, channels: 1 } })
    .toColourspace('b-w')
    .jpeg({ quality: 95 })
    .toBuffer();
  const pre = { size: 48, brainCrop: false, normalize: 'zscore' } as const;
  const fast = await preprocessBuffer(jpg, 'x.jpg', pre);
  const r = await decodeBuffer(jpg, 'x.jpg');
  r.box = [81 / W, 0, 1, 30 / H];
  const slow = await prepareRaster(r, pre, 'x.jpg');
  let d = 0;
  for (let i = 0; i < fast.display.length; i++) d += Math.abs(fast.display[i] - slow.display[i]);
  assert.ok(d / fast.display.length < 0.02, `mean |difference| ${d / fast.display.length}`);
  // the bright corner sits where the mapped box says, in both
  const [x0, y0, x1, y1] = slow.box!.map((v) => Math.round(v * 48));
  assert.deepEqual([x0, y0, x1, y1], [32, 10, 48, 22]);
  assert.ok(fast.display[(y0 + 3) * 48 + x0 + 3] > 0.8 && fast.display[(y0 - 3) * 48 + x0 + 3] < 0.05);
});
