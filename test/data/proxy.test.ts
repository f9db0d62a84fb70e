/**
 * The cross-source proxy set (src/data/proxy.ts): the test split re-prepared (downscaled, intensity
 * changed, JPEG) with its labels, groups and boxes; seeded per image; loadable like any split.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import {
  DEFAULT_PROXY,
  entriesOf,
  loadSplit,
  prepareDataFull,
  proxyDraw,
  proxyManifestPath,
  readManifest,
  writePhantomDataset,
  writeProxySet,
} from '../../src/data/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'qmri-proxy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const pre = { size: 32, brainCrop: false, normalize: 'zscore' as const };

test('the proxy holds the test split re-prepared: same labels, groups, boxes; other pixels; seeded', async () => {
  const data = join(tmp, 'ds');
  await writePhantomDataset(data, { n: 24, size: 64, seed: 2 });
  const run = join(tmp, 'run');
  const { manifest: m } = await prepareDataFull(run, {
    dir: data,
    split: { train: 0.5, val: 0.25, test: 0.25, seed: 0, blockSize: 1 },
    preprocess: pre,
  });
  const test = entriesOf(m, 'test');
  const proxy = await writeProxySet(run, m);
  assert.deepEqual(readManifest(proxyManifestPath(run)), proxy);
  assert.equal(proxy.entries.length, test.length);
  proxy.entries.forEach((e, i) => {
    assert.equal(e.split, 'test');
    assert.deepEqual([e.label, e.group, e.box], [test[i].label, test[i].group, test[i].box]);
    assert.notEqual(e.sha256, test[i].sha256);
  });
  // each image: a JPEG at its drawn scale of the 64 px source
  for (const [i, e] of proxy.entries.entries()) {
    const meta = await sharp(readFileSync(join(proxy.root, e.file))).metadata();
    assert.equal(meta.format, 'jpeg');
    const d = proxyDraw(DEFAULT_PROXY, test[i].sha256);
    assert.equal(meta.width, Math.round(64 * d.scale));
    assert.ok(meta.width! < 64);
  }
  // loadable; the model input differs from the test split's
  const cacheDir = join(tmp, 'cache');
  const a = await loadSplit(m, 'test', pre, { cacheDir });
  const b = await loadSplit(proxy, 'test', pre, { cacheDir });
  assert.deepEqual(Array.from(b.y), Array.from(a.y));
  assert.notDeepEqual(Array.from(b.x.subarray(0, 3 * 32 * 32)), Array.from(a.x.subarray(0, 3 * 32 * 32)));
  // same seed → same bytes; another seed → other settings and bytes
  const again = await writeProxySet(join(tmp, 'run2'), m);
  assert.deepEqual(
    again.entries.map((e) => e.sha256),
    proxy.entries.map((e) => e.sha256),
  );
  const other = await writeProxySet(join(tmp, 'run3'), m, { ...DEFAULT_PROXY, seed: 20 });
  assert.notDeepEqual(
    other.entries.map((e) => e.sha256),
    proxy.entries.map((e) => e.sha256),
  );
});

test('data.proxy in the experiment config: the data stage writes the proxy; a bad seed is refused by name', async () => {
  const { resolveConfig } = await import('../../src/cli/config.js');
  const { dataStage } = await import('../../src/cli/stages/data.js');
  const { runPaths } = await import('../../src/run/index.js');
  const data = join(tmp, 'ds-stage');
  await writePhantomDataset(data, { n: 16, size: 32, seed: 4 });
  const run = join(tmp, 'run-stage');
  const split = { train: 0.5, val: 0.25, test: 0.25, seed: 0, blockSize: 1 };
  const cfg = resolveConfig({ data: { dir: data, split, preprocess: pre, proxy: {} } });
  assert.equal(cfg.data.proxy?.seed, DEFAULT_PROXY.seed, 'the default seed');
  const lines: string[] = [];
  const quiet = { start: () => {}, update: () => {}, stop: () => {} };
  await dataStage.run({
    run,
    cfg,
    paths: runPaths(run),
    log: (l) => lines.push(l),
    progress: quiet as never,
  });
  const m = readManifest(runPaths(run).manifest);
  const proxy = readManifest(proxyManifestPath(run));
  assert.equal(proxy.entries.length, entriesOf(m, 'test').length);
  assert.ok(lines.some((l) => /cross-source proxy of the \d+ test images written/.test(l)));
  assert.throws(() => resolveConfig({ data: { dir: data, proxy: { seed: -1 } } }), /data\.proxy\.seed/);
});
