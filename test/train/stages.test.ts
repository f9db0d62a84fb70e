import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../../src/engine/index.js';
import { prepareData, readManifest, writeManifest, writePhantomDataset } from '../../src/data/index.js';
import { loadFeatures, openRun, runPaths } from '../../src/run/index.js';
import { compareHeads, extractFeatures, trainBackbone } from '../../src/train/index.js';
import { TINY_DENSENET } from './helpers/tiny-backbone.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const pre = { size: 32, brainCrop: false, normalize: 'zscore' as const };
const split = { train: 0.5, val: 0.25, test: 0.25, seed: 0, blockSize: 1 };
// 24 training images in batches of 7: the last batch is short (3), through the data pipeline’s augmentation
const backbone = { epochs: 2, batchSize: 7, lr: 3e-3, threads: 1, seed: 5, densenet: TINY_DENSENET };

async function phantomRun(): Promise<string> {
  const dir = tmp('qmri-stage-data-');
  await writePhantomDataset(dir, { n: 48, size: 32, seed: 1 });
  const run = tmp('qmri-stage-run-');
  await prepareData(run, { dir, split, preprocess: pre });
  return run;
}

test('manifest → trainBackbone → extractFeatures → compareHeads → openRun, through the run folder', async () => {
  const run = await phantomRun();
  process.env.QMRI_CACHE_DIR = tmp('qmri-stage-cache-');
  const r = await trainBackbone(run, backbone, { preprocess: pre });
  assert.equal(r.epochsDone, 2);
  const p = runPaths(run);
  for (const f of [p.model, p.arch, p.checkpoint, p.checkpointState, p.trainLog, p.backboneMetrics])
    assert.ok(existsSync(f), f);
  assert.equal(readFileSync(p.trainLog, 'utf8').trim().split('\n').length, 2);
  await extractFeatures(run, { batchSize: 8, maps: ['test'] });
  const m = readManifest(p.manifest);
  for (const s of ['train', 'val', 'test'] as const) {
    const f = loadFeatures(p.features(s));
    const entries = m.entries.filter((e) => e.split === s);
    assert.equal(f.y.length, entries.length);
    assert.deepEqual(
      Array.from(f.y),
      entries.map((e) => e.label),
    );
    // tiny DenseNet: 16 initial + 2×8 → transition halves to 16 → + 2×8 = 32 features
    assert.equal(f.dim, 32);
    assert.deepEqual(
      f.files,
      entries.map((e) => e.file),
    );
  }
  // the test split's final feature maps (N×32×h×w for the tiny net): their spatial mean is the pooled feature
  const maps = readSafetensors(p.featureMaps('test')).tensors.get('maps')!;
  const pooled = loadFeatures(p.features('test'));
  assert.deepEqual(maps.shape.slice(0, 2), [pooled.y.length, 32]);
  const hw = maps.shape[2] * maps.shape[3];
  for (const i of [0, 5 * 32 + 7]) {
    let mean = 0;
    for (let k = 0; k < hw; k++) mean += (maps.data[i * hw + k] as number) / hw;
    assert.ok(Math.abs(mean - pooled.x[i]) < 1e-5, `map mean ${mean} vs pooled ${pooled.x[i]}`);
  }
  assert.ok(!existsSync(p.featureMaps('train')));
  const c = await compareHeads(run, {
    seeds: 1,
    epochs: 3,
    qubits: 2,
    layers: 1,
    lowData: [],
    threads: 1,
  });
  assert.equal(c.heads.length, 3);
  // the end-to-end fine-tuning control of every head kind: test/train/finetune-control.test.ts
  assert.equal(c.finetune, undefined);
  assert.deepEqual(c.classes, m.classes);
  const open = openRun(run);
  assert.deepEqual([...open.heads.keys()].sort(), ['bottleneck', 'linear', 'quantum']);
  assert.equal(open.arch.preprocess.size, 32);
  open.net.dispose();
});

test('trainBackbone refuses a manifest with one class or an empty class in a split before reading images', async () => {
  const run = await phantomRun();
  const p = runPaths(run);
  const m = readManifest(p.manifest);
  const cls = m.classes[1];
  writeManifest(p.manifest, {
    ...m,
    entries: m.entries.map((e) => (e.split === 'test' && e.label === 1 ? { ...e, split: 'train' } : e)),
  });
  await assert.rejects(
    trainBackbone(run, backbone, { preprocess: pre }),
    new RegExp(`test split has no image of class '${cls}'`),
  );
  // one class: written by hand (writeManifest itself refuses it)
  writeFileSync(
    p.manifest,
    JSON.stringify({ ...m, classes: [m.classes[0]], entries: m.entries.filter((e) => e.label === 0) }),
  );
  await assert.rejects(
    trainBackbone(run, backbone, { preprocess: pre }),
    /manifest\.json: classes: expected at least two class names/,
  );
  assert.ok(!existsSync(p.checkpoint));
  const none = tmp('qmri-stage-none-');
  await assert.rejects(trainBackbone(none, backbone), /manifest\.json: no data manifest in this run/);
});

test('qmri train and qmri compare on a synthetic config; bad config and missing features are one-line errors', () => {
  const dir = tmp('qmri-cli-train-');
  const cfg = join(dir, 'exp.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      seed: 3,
      threads: 1,
      data: { synthetic: { n: 32, size: 32, seed: 2 }, split, preprocess: { size: 32 } },
      backbone: { epochs: 1, batchSize: 8, densenet: TINY_DENSENET },
      compare: { seeds: 1, epochs: 2, qubits: 2, layers: 1, lowData: [0.5] },
    }),
  );
  const run = join(dir, 'run');
  const env = { ...process.env, QMRI_CACHE_DIR: join(dir, 'cache') };
  const qmri = (...args: string[]) => spawnSync(join(root, 'bin/qmri'), args, { encoding: 'utf8', env });
  const early = qmri('compare', '--run', run);
  assert.notEqual(early.status, 0);
  assert.match(early.stderr, /^qmri: error: .*run folder not found/);
  const t = qmri('train', '--run', run, '--config', cfg, '--json');
  assert.equal(t.status, 0, t.stderr);
  const summary = JSON.parse(t.stdout);
  assert.equal(summary.backbone.epochsDone, 1);
  const c = qmri('compare', '--run', run, '--json');
  assert.equal(c.status, 0, c.stderr);
  const cs = JSON.parse(c.stdout);
  assert.deepEqual(
    cs.heads.map((h: { kind: string }) => h.kind),
    ['linear', 'bottleneck', 'quantum'],
  );
  assert.equal(cs.lowData.length, 1);
  assert.equal(cs.comparisons.length, 2);
  writeFileSync(
    cfg,
    JSON.stringify({ data: { synthetic: { n: 32 } }, compare: { heads: ['linear', 'transformer'] } }),
  );
  const bad = qmri('compare', '--run', run, '--config', cfg);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /^qmri: error: .*compare\.heads/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});
