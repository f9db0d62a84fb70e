/**
 * Cache entries keyed by content, never by modification time: an image edited in place with the
 * same size and mtime gets a fresh data-cache entry (after the data stage notices the new sha256),
 * and the SHAP background cache follows a feature file rewritten with the same size and mtime.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { loadSplit, prepareDataFull, writePhantomDataset, DEFAULT_SPLIT } from '../../src/data/index.js';
import { loadBackground } from '../../src/explain/background.js';
import { runPaths, saveFeatures } from '../../src/run/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'qmri-cache-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** An uncompressed PNG: its size depends only on the dimensions, so an edit keeps the size. */
const storedPng = (px: Uint8Array, s: number) =>
  sharp(px, { raw: { width: s, height: s, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 0, adaptiveFiltering: false })
    .toBuffer();

/** A fixed modification time (whole seconds, so the file system keeps it exactly). */
const T = 1_700_000_000;

/** Rewrites a file in place with other bytes of the same length and the same (pinned) times. */
function rewriteKeepingStat(path: string, bytes: Uint8Array): void {
  const before = statSync(path);
  assert.equal(before.mtimeMs, T * 1000, 'times pinned before');
  assert.equal(bytes.length, before.size, 'same size');
  writeFileSync(path, bytes);
  utimesSync(path, T, T);
  const now = statSync(path);
  assert.equal(now.size, before.size);
  assert.equal(now.mtimeMs, before.mtimeMs);
}

test('an image edited with the same size and mtime gets a fresh data-cache entry, never the stale one', async () => {
  const data = join(tmp, 'ds');
  const run = join(tmp, 'run');
  const cacheDir = join(tmp, 'cache');
  await writePhantomDataset(data, { n: 16, size: 32, seed: 3 });
  const cfg = {
    dir: data,
    split: DEFAULT_SPLIT,
    preprocess: { size: 32, brainCrop: true, normalize: 'zscore' as const },
  };
  const first = await prepareDataFull(run, cfg);
  const e = first.manifest.entries.find((x) => x.split === 'train')!;
  const path = join(data, e.file);
  // make that one file uncompressed before anything is cached, then prepare again (content changed)
  const { data: px } = await sharp(readFileSync(path))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  writeFileSync(path, await storedPng(px, 32));
  utimesSync(path, T, T);
  const m1 = (await prepareDataFull(run, cfg)).manifest;
  const a = await loadSplit(m1, 'train', cfg.preprocess, { cacheDir });
  assert.equal(readdirSync(cacheDir).length, 1);
  const i = a.files.indexOf(e.file);
  assert.ok(i >= 0);

  rewriteKeepingStat(
    path,
    await storedPng(
      px.map((v) => 255 - v),
      32,
    ),
  );
  const m2 = (await prepareDataFull(run, cfg)).manifest;
  assert.notEqual(
    m2.entries.find((x) => x.file === e.file)!.sha256,
    m1.entries.find((x) => x.file === e.file)!.sha256,
    'the data stage saw the new content',
  );
  const b = await loadSplit(m2, 'train', cfg.preprocess, { cacheDir });
  assert.equal(readdirSync(cacheDir).length, 2, 'a fresh cache entry');
  const per = 3 * 32 * 32;
  const rowA = a.x.subarray(i * per, (i + 1) * per);
  const rowB = b.x.subarray(b.files.indexOf(e.file) * per, (b.files.indexOf(e.file) + 1) * per);
  assert.notDeepEqual(Array.from(rowA), Array.from(rowB), 'the edited image, not the cached one');
  // the other images are unchanged
  const j = a.files.findIndex((f) => f !== e.file);
  const k = b.files.indexOf(a.files[j]);
  assert.deepEqual(
    Array.from(a.x.subarray(j * per, (j + 1) * per)),
    Array.from(b.x.subarray(k * per, (k + 1) * per)),
  );
});

test('the SHAP background cache follows a feature file rewritten with the same size and mtime', () => {
  const run = join(tmp, 'bg-run');
  const file = runPaths(run).features('train');
  const feats = (v: number) => ({
    x: new Float32Array(8 * 4).fill(v),
    y: new Int32Array(8),
    dim: 4,
    files: [] as string[],
  });
  const f1 = { ...feats(1), files: Array.from({ length: 8 }, (_, i) => `f${i}`) };
  saveFeatures(file, f1);
  utimesSync(file, T, T);
  assert.equal(loadBackground(run, 4, 0).rows[0], 1);
  rewriteKeepingStat(file, bytesOf(file, { ...feats(2), files: f1.files }));
  assert.equal(loadBackground(run, 4, 0).rows[0], 2, 'fresh entry for new content');
});

/** The bytes saveFeatures writes for f (written to a scratch file and read back). */
function bytesOf(beside: string, f: Parameters<typeof saveFeatures>[1]): Buffer {
  const scratch = beside + '.scratch';
  saveFeatures(scratch, f);
  const b = readFileSync(scratch);
  rmSync(scratch);
  return b;
}
