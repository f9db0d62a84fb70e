// Opt-in checks on the real set ../shared/data/brain-tumor-mri beside the repository (skipped when it is absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SPLIT, loadSplit, prepareDataFull, realDataDir, scanDataset } from '../../src/data/index.js';

const DIR = resolve(realDataDir());
const skip = existsSync(DIR)
  ? false
  : `real data set not found at ${DIR} (set QMRI_REAL_DATA to run these checks)`;

test('real set: loads as is, four classes, boxes from the sidecars', { skip }, () => {
  const s = scanDataset(DIR);
  assert.equal(s.layout, 'folders');
  assert.deepEqual(s.classes, ['glioma', 'meningioma', 'notumor', 'pituitary']);
  assert.equal(s.items.length, 4564);
  assert.equal(s.issues.length, 0, JSON.stringify(s.issues.slice(0, 3)));
});

test(
  'real set (stratified subsample of 160): shortcut warning raised, groups of consecutive numbers never straddle splits',
  { skip },
  async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'qmri-real-'));
    try {
      const { manifest, audit } = await prepareDataFull(join(tmp, 'run'), {
        dir: DIR,
        split: { ...DEFAULT_SPLIT, blockSize: 20 },
        preprocess: { size: 32, brainCrop: false, normalize: 'zscore' },
        maxImages: 160,
      });
      assert.equal(audit.shortcut.warning, true, audit.shortcut.message);
      assert.match(audit.shortcut.message, /notumor/);
      assert.equal(audit.unreadable.length, 0);
      const split = new Map<string, string>();
      for (const e of manifest.entries) {
        assert.equal(split.get(e.group) ?? e.split, e.split, `group ${e.group}`);
        split.set(e.group, e.split);
        if (e.className !== 'notumor') assert.ok(e.box, `${e.file} has a box`);
      }
      const set = await loadSplit(
        manifest,
        'test',
        { size: 32, brainCrop: true, normalize: 'zscore' },
        { cacheDir: join(tmp, 'cache') },
      );
      assert.equal(set.x.length, set.y.length * 3 * 32 * 32);
      assert.ok(set.x.every(Number.isFinite), 'finite inputs');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
