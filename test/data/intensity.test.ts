/**
 * Intensity standardisation (src/data/intensity.ts): percentile scaling maps the 1st and 99th
 * percentiles to 0 and 255; histogram standardisation learns its landmarks on the train split only
 * and maps an image's own landmarks onto them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  DEFAULT_SPLIT,
  LANDMARK_PERCENTILES,
  imageLandmarks,
  normalizeInto,
  percentilesU8,
  prepareDataFull,
  standardizeIntensity,
  withTrainLandmarks,
  writePhantomDataset,
  type PreprocessConfig,
} from '../../src/data/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'qmri-intensity-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const base: PreprocessConfig = { size: 32, brainCrop: false, normalize: 'zscore' };

test('percentile scaling maps p1 to 0 and p99 to 255, linearly, clipped outside', () => {
  // 100 pixels 50..149: nearest-rank p1 = 50 (1st value), p99 = 148 (99th value)
  const u8 = Uint8Array.from({ length: 100 }, (_, i) => 50 + i);
  assert.deepEqual(percentilesU8(u8, [1, 99]), [50, 148]);
  const out = standardizeIntensity(u8, { ...base, intensity: 'percentile' });
  assert.ok(out instanceof Float32Array);
  assert.equal(out[0], 0, 'p1 → 0');
  assert.equal(out[98], 255, 'p99 → 255');
  assert.equal(out[99], 255, 'above p99 clipped');
  assert.ok(Math.abs(out[49] - (49 / 98) * 255) < 1e-3, 'linear in between');
  // a darker, lower-contrast copy of the same image standardises to the same values
  const dim = Uint8Array.from(u8, (v) => Math.round(v / 2));
  const outDim = standardizeIntensity(dim, { ...base, intensity: 'percentile' });
  assert.equal(outDim[0], 0);
  assert.equal(outDim[98], 255);
});

test("intensity 'none' (and unset) leaves the model input exactly as before", () => {
  const u8 = Uint8Array.from({ length: 16 * 16 }, (_, i) => (i * 37) % 256);
  const cfg = { ...base, size: 16 };
  assert.equal(standardizeIntensity(u8, cfg), u8);
  const a = new Float32Array(3 * 256);
  const b = new Float32Array(3 * 256);
  normalizeInto(a, 0, u8, cfg);
  normalizeInto(b, 0, u8, { ...cfg, intensity: 'none' });
  assert.deepEqual(a, b);
  const c = new Float32Array(3 * 256);
  normalizeInto(c, 0, u8, { ...cfg, intensity: 'percentile' });
  assert.notDeepEqual(a, c);
});

test('histogram standardisation: landmarks from the train split only; an image maps its own landmarks onto them', async () => {
  const data = join(tmp, 'ds');
  const run = join(tmp, 'run');
  const cacheDir = join(tmp, 'cache');
  await writePhantomDataset(data, { n: 24, size: 32, seed: 5 });
  const { manifest: m } = await prepareDataFull(run, { dir: data, split: DEFAULT_SPLIT, preprocess: base });
  assert.ok(
    m.entries.some((e) => e.split !== 'train'),
    'the phantom manifest has val/test entries',
  );
  const cfg: PreprocessConfig = { ...base, intensity: 'histogram' };
  const learned = await withTrainLandmarks(m, cfg, { cacheDir });
  const L = learned.landmarks!;
  assert.equal(L.length, LANDMARK_PERCENTILES.length);
  assert.equal(L[0], 0);
  assert.equal(L[L.length - 1], 255);
  for (let k = 1; k < L.length; k++) assert.ok(L[k] >= L[k - 1], 'non-decreasing');
  // val/test removed: the same landmarks; val moved into train: other landmarks
  const trainOnly = { ...m, entries: m.entries.filter((e) => e.split === 'train') };
  assert.deepEqual((await withTrainLandmarks(trainOnly, cfg, { cacheDir })).landmarks, L);
  const valAsTrain = {
    ...m,
    entries: m.entries.map((e) => (e.split === 'val' ? { ...e, split: 'train' as const } : e)),
  };
  assert.notDeepEqual((await withTrainLandmarks(valAsTrain, cfg, { cacheDir })).landmarks, L);
  // given landmarks are kept; other settings untouched
  assert.equal(await withTrainLandmarks(m, learned), learned);
  assert.equal(await withTrainLandmarks(m, base), base);
  // an image's own landmark values land on the standard landmarks
  const u8 = Uint8Array.from({ length: 32 * 32 }, (_, i) => (i < 400 ? 0 : 40 + ((i * 7) % 160)));
  const own = imageLandmarks(u8);
  const out = standardizeIntensity(u8, learned);
  for (let k = 0; k < own.length; k++) {
    if (k > 0 && own[k] === own[k - 1]) continue;
    const at = u8.indexOf(own[k]);
    assert.ok(Math.abs(out[at] - L[k]) < 1e-3, `landmark ${k}: ${out[at]} vs ${L[k]}`);
  }
  assert.throws(
    () => standardizeIntensity(u8, cfg),
    /needs 11 standard landmarks learned on the train split/,
  );
});
