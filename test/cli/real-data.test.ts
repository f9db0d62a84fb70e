/**
 * Opt-in: `qmri run` end to end on a small stratified subset of the real data set
 * (../shared/data/brain-tumor-mri beside the repository, or QMRI_REAL_DATA), with a tiny DenseNet. Skipped, with the
 * reason, when the data set is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realDataDir } from '../../src/data/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATA = realDataDir();
const skip = existsSync(DATA)
  ? false
  : `real data set not found at ${DATA} (set QMRI_REAL_DATA to its folder)`;

const CONFIG = `seed: 3
threads: 1
data:
  dir: ${JSON.stringify(DATA)}
  maxImages: 80
  split: { train: 0.6, val: 0.2, test: 0.2, seed: 0, blockSize: 20 }
  preprocess: { size: 64, brainCrop: true, normalize: zscore }
backbone:
  epochs: 1
  batchSize: 16
  augment: false
  densenet: { growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16 }
compare: { seeds: 2, epochs: 5, qubits: 2, layers: 1, lowData: [] }
explain: { cases: 2, shapSamples: 64, backgroundSize: 8 }
noise:
  channels: [depolarizing_1q]
  levels: { from: 0.01, to: 0.1, count: 2 }
  profiles: [ideal]
  shots: [null]
  mitigation: { readout: false, zne: false }
  aware: { enabled: false }
  bootstrap: { resamples: 50 }
`;

test('qmri run on a subset of the real brain-tumor MRI set', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmri-real-'));
  try {
    const cfg = join(dir, 'experiment.yaml');
    writeFileSync(cfg, CONFIG);
    const run = join(dir, 'run');
    const r = spawnSync(join(ROOT, 'bin', 'qmri'), ['run', '--config', cfg, '--out', run, '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    for (const s of out.stages) assert.equal(s.state, s.stage === 'phantoms' ? 'off' : 'done', s.stage);
    const manifest = JSON.parse(readFileSync(join(run, 'data', 'manifest.json'), 'utf8'));
    assert.deepEqual([...manifest.classes].sort(), ['glioma', 'meningioma', 'notumor', 'pituitary']);
    assert.ok(manifest.entries.length >= 70 && manifest.entries.length <= 80);
    // tumor classes carry YOLO boxes in the real set
    assert.ok(manifest.entries.some((e: { box: unknown }) => Array.isArray(e.box)));
    const summary = JSON.parse(readFileSync(join(run, 'report', 'summary.json'), 'utf8'));
    for (const s of summary.sections) assert.equal(s.state, 'ok', s.id);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    assert.ok(html.includes(DATA));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
