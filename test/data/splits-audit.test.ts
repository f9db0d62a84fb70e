import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  DEFAULT_SPLIT,
  assignSplits,
  augmentBatch,
  formatAudit,
  brainCropRect,
  groupOf,
  inspectDataset,
  makePhantomSet,
  prepareDataFull,
  scanDataset,
  toTensorData,
} from '../../src/data/index.js';
import { Rng } from '../../src/util/rng.js';

const tmp = mkdtempSync(join(tmpdir(), 'qmri-split-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

test('groups: case folders, blocks of consecutive numbers (with name prefix), else the file', () => {
  assert.equal(groupOf('1841.jpg', 'glioma', 20), 'block:#92');
  assert.equal(groupOf('1859.jpg', 'glioma', 20), 'block:#92');
  assert.equal(groupOf('1860.jpg', 'glioma', 20), 'block:#93');
  assert.equal(groupOf('Tr-gl_0010.jpg', 'glioma', 20), 'block:tr-gl_#0');
  assert.equal(groupOf('case7/slice3.dcm', 'glioma', 20), 'case:glioma/case7');
  assert.equal(groupOf('scan.png', 'glioma', 20), 'file:glioma/scan');
});

test('assignSplits: stratified, seeded, whole groups, close to the requested fractions', () => {
  const items = Array.from({ length: 1200 }, (_, i) => ({
    label: i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : 2,
    group: `g${Math.floor(i / 6)}`,
  }));
  const s = { ...DEFAULT_SPLIT, seed: 11 };
  const a = assignSplits(items, 3, s);
  assert.deepEqual(a, assignSplits(items, 3, s));
  assert.notDeepEqual(a, assignSplits(items, 3, { ...s, seed: 12 }));
  const byGroup = new Map<string, string>();
  items.forEach((it, i) => {
    assert.equal(byGroup.get(it.group) ?? a[i], a[i]);
    byGroup.set(it.group, a[i]);
  });
  for (const c of [0, 1, 2]) {
    const n = (sp: string) => items.filter((it, i) => it.label === c && a[i] === sp).length;
    assert.ok(
      Math.abs(n('train') - 280) <= 6 && Math.abs(n('val') - 60) <= 6 && Math.abs(n('test') - 60) <= 6,
      `class ${c}: ${n('train')}/${n('val')}/${n('test')}`,
    );
  }
});

test('Kaggle layout (Training/ and Testing/ above the classes) and the shortcut warning', async () => {
  const root = join(tmp, 'kaggle');
  const img = (w: number, h: number, ch: 1 | 3, seed: number) =>
    sharp(
      new Uint8Array(w * h * ch).map((_, i) => (i * 13 + seed * 31 + ((i / w) | 0) * 7) % 256),
      { raw: { width: w, height: h, channels: ch } },
    )
      .toColourspace(ch === 1 ? 'b-w' : 'srgb')
      .jpeg()
      .toBuffer();
  for (const sub of ['Training', 'Testing'])
    for (const [cls, w, h, ch] of [
      ['glioma', 40, 40, 1],
      ['notumor', 52, 36, 3],
    ] as const)
      for (let k = 0; k < 6; k++) {
        mkdirSync(join(root, sub, cls), { recursive: true });
        writeFileSync(
          join(root, sub, cls, `${sub.slice(0, 2)}-${cls.slice(0, 2)}_${k}.jpg`),
          await img(w, h, ch, k + (sub === 'Testing' ? 50 : 0)),
        );
      }
  const scan = scanDataset(root);
  assert.equal(scan.layout, 'kaggle');
  assert.deepEqual(scan.classes, ['glioma', 'notumor']);
  assert.equal(scan.items.length, 24);
  const audit = await inspectDataset(root);
  assert.equal(audit.shortcut.warning, true);
  assert.match(audit.shortcut.message, /SHORTCUT WARNING/);
  assert.ok(
    audit.shortcut.findings.some(
      (f) => f.feature === 'channels' && f.className === 'notumor' && f.recall === 1,
    ),
  );
  assert.deepEqual(audit.perClass.notumor.channels, { '3': 12 });
  assert.deepEqual(audit.perClass.glioma.sizes, { '40x40': 12 });
});

test('near-duplicates across splits are reported and, by default, removed from val/test', async () => {
  const root = join(tmp, 'dups');
  const phantoms = makePhantomSet(16, 48, 4);
  for (const [i, p] of phantoms.entries()) {
    const cls = ['a', 'b', 'c', 'd'][p.label];
    mkdirSync(join(root, cls), { recursive: true });
    const px = Uint8Array.from(p.image, (v) => Math.round(v * 255));
    const png = await sharp(px, { raw: { width: 48, height: 48, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    writeFileSync(join(root, cls, `${100 * i}.png`), png);
    // an exact copy under a far-away number: a different group, so it may land in another split
    if (i < 4) writeFileSync(join(root, cls, `${100 * i + 5000}.png`), png);
  }
  const split = { train: 0.5, val: 0, test: 0.5, seed: 1, blockSize: 1 };
  const pre = { size: 32, brainCrop: false, normalize: 'zscore' } as const;
  const kept = await prepareDataFull(join(tmp, 'r1'), {
    dir: root,
    split,
    preprocess: pre,
    removeDuplicates: false,
  });
  assert.ok(kept.audit.nearDuplicates.pairs >= 4, `${kept.audit.nearDuplicates.pairs} pairs`);
  const cross = kept.audit.nearDuplicates.crossSplit;
  assert.ok(cross > 0, 'this seed puts at least one copy on the other side of the split');
  assert.match(formatAudit(kept.audit), /across splits, 0 removed \(kept: removeDuplicates is false/);
  const removed = await prepareDataFull(join(tmp, 'r2'), { dir: root, split, preprocess: pre });
  assert.equal(removed.audit.nearDuplicates.removed, cross);
  assert.match(formatAudit(removed.audit), /removed \(removeDuplicates, on by default/);
  assert.equal(removed.manifest.entries.length, 20 - cross);
});

test('augmentBatch: seeded, in place, keeps shape and finite values, changes the image; brain crop finds the head', async () => {
  const ph = makePhantomSet(4, 32, 9);
  const x = toTensorData(ph, 32);
  const a = x.slice();
  const b = x.slice();
  augmentBatch(a, 4, 32, new Rng(5));
  augmentBatch(b, 4, 32, new Rng(5));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, x);
  assert.ok(a.every(Number.isFinite));
  const c = x.slice();
  augmentBatch(c, 4, 32, new Rng(6));
  assert.notDeepEqual(c, a);
  // the three channels stay identical (same geometry and intensity per image)
  assert.deepEqual(a.subarray(0, 1024), a.subarray(1024, 2048));
  assert.throws(() => augmentBatch(x, 5, 32, new Rng(1)), /expected n×3×size×size/);
  // brain crop: a 32-px head placed at (50, 20) on a black 128×96 canvas is found
  const pixels = new Float32Array(128 * 96);
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++) pixels[(20 + y) * 128 + 50 + x] = ph[0].image[y * 32 + x];
  const [x0, y0, x1, y1] = brainCropRect({
    width: 128,
    height: 96,
    pixels,
    channels: 1,
    format: 'png',
    mask: null,
    box: null,
  });
  assert.ok(
    x0 >= 44 && x0 <= 52 && y0 >= 14 && y0 <= 22 && x1 >= 80 && x1 <= 88 && y1 >= 50 && y1 <= 58,
    `${[x0, y0, x1, y1]}`,
  );
});
