/**
 * The noise study's full sweep — 6 channels × 8 levels (1e-4 … 1e-1) — over a 700-sample test set
 * with a 4-qubit, 6-layer quantum head (target < 60 s), then the sweep with mitigation (ZNE at
 * scale factors 1, 3, 5; readout inversion) and the whole default study (profiles × shots with
 * mitigation, noise-aware training). Features are synthetic 1,024-dim Gaussian clusters (the
 * DenseNet121 feature width); the heads are trained on them with the real training loop.
 *   node --import tsx bench/noise/sweep.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, setNumThreads } from '../../src/engine/index.js';
import { LinearHead, QuantumHead } from '../../src/nn/index.js';
import { noiseStudy } from '../../src/noise/index.js';
import { exportHead } from '../../src/heads/index.js';
import { runPaths, saveFeatures, saveHead, type FeatureSet } from '../../src/run/index.js';
import { fit } from '../../src/train/index.js';
import { Rng } from '../../src/util/rng.js';

const D = 1024;
const C = 4;
function clusters(n: number, seed: number): FeatureSet {
  const rng = new Rng(seed);
  const c = new Rng(99);
  const mu = Array.from({ length: C }, () => Array.from({ length: D }, () => c.normal(0, 0.12)));
  const x = new Float32Array(n * D);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % C;
    for (let k = 0; k < D; k++) x[i * D + k] = mu[y[i]][k] + rng.normal(0, 1);
  }
  return { x, y, dim: D, files: Array.from({ length: n }, (_, i) => `#${i}`) };
}

setNumThreads(1);
manualSeed(1);
const run = mkdtempSync(join(tmpdir(), 'qmri-noise-bench-'));
const p = runPaths(run);
const train = clusters(400, 1);
const val = clusters(100, 2);
saveFeatures(p.features('train'), train);
saveFeatures(p.features('val'), val);
saveFeatures(p.features('test'), clusters(700, 3));
const set = (f: FeatureSet) => ({ x: f.x, y: f.y, shape: [D] });
for (const h of [new LinearHead(D, C), new QuantumHead(D, C, { qubits: 4, layers: 6 })]) {
  fit(h, set(train), set(val), {
    classes: C,
    epochs: 12,
    batchSize: 32,
    lr: h.kind === 'quantum' ? 0.03 : 0.01,
    seed: 1,
  });
  saveHead(p.head(h.kind, 0), exportHead(h));
}

const time = async (label: string, cfg: object) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await noiseStudy(run, cfg, { log: (l) => console.error(`  ${l}`) });
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  // on the shared machine wall-clock includes waiting for a core; CPU time is this process's own work
  console.log(`${label}: ${s.toFixed(1)} s wall-clock, ${cpu.toFixed(1)} s CPU (${r.points.length} points)`);
  return r;
};
const sweepOnly = { profiles: [], shots: [null], aware: { enabled: false } };
const r = await time('sweep 6 × 8, unmitigated', { ...sweepOnly, mitigation: { sweeps: false } });
console.log(
  `  test n = ${r.test.n}, linear accuracy ${r.references[0].accuracy}, noiseless hybrid ${r.noiseless.accuracy}`,
);
for (const s of r.sweeps)
  console.log(`  ${s.channel}: break-even ${JSON.stringify(s.breakEven.linear.accuracy)}`);
await time('sweep 6 × 8 with ZNE (1, 3, 5) and readout mitigation', sweepOnly);
const full = await time('default study (sweeps + profiles × shots + mitigation + noise-aware training)', {});
for (const pr of full.profiles)
  for (const row of pr.rows.filter((x) => x.shots === null))
    console.log(`  ${pr.name} exact ${row.mitigation}: ${row.point.accuracy} (drop ${row.dropAccuracy})`);
console.log(`  aware (${full.aware?.noise}): ${full.aware?.before.accuracy} → ${full.aware?.after.accuracy}`);
rmSync(run, { recursive: true, force: true });
