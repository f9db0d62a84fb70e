/**
 * A tiny run for the noise tests: separable Gaussian-cluster features (no backbone needed: the noise
 * study reads only RUN/features and RUN/heads), a linear, a bottleneck and a quantum head trained on
 * them with the real training loop (src/train fit) and saved as plain arrays.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, setNumThreads } from '../../src/engine/index.js';
import { BottleneckHead, LinearHead, QuantumHead, type HeadModule } from '../../src/nn/index.js';
import { exportHead } from '../../src/heads/index.js';
import { runPaths, saveFeatures, saveHead, type FeatureSet } from '../../src/run/index.js';
import { fit } from '../../src/train/index.js';
import { Rng } from '../../src/util/rng.js';

export const DIM = 8;
export const CLASSES = 4;

export function clusterFeatures(n: number, seed: number, spread = 0.9): FeatureSet {
  const rng = new Rng(seed);
  const centres = new Rng(1234);
  const mu = Array.from({ length: CLASSES }, () => Array.from({ length: DIM }, () => centres.normal(0, 1.5)));
  const x = new Float32Array(n * DIM);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % CLASSES;
    for (let k = 0; k < DIM; k++) x[i * DIM + k] = mu[y[i]][k] + rng.normal(0, spread);
  }
  return { x, y, dim: DIM, files: Array.from({ length: n }, (_, i) => `sample-${i}`) };
}

export function buildNoiseRun(
  o: { qubits?: number; layers?: number; test?: number; bottleneck?: boolean } = {},
): string {
  setNumThreads(1);
  manualSeed(7);
  const run = mkdtempSync(join(tmpdir(), 'qmri-noise-'));
  const p = runPaths(run);
  const train = clusterFeatures(96, 1);
  const val = clusterFeatures(32, 2);
  const test = clusterFeatures(o.test ?? 48, 3);
  saveFeatures(p.features('train'), train);
  saveFeatures(p.features('val'), val);
  saveFeatures(p.features('test'), test);
  const set = (f: FeatureSet) => ({ x: f.x, y: f.y, shape: [DIM] });
  const heads: HeadModule[] = [
    new LinearHead(DIM, CLASSES),
    new QuantumHead(DIM, CLASSES, { qubits: o.qubits ?? 3, layers: o.layers ?? 2 }),
  ];
  if (o.bottleneck) heads.push(new BottleneckHead(DIM, 3, 4, CLASSES));
  for (const h of heads) {
    fit(h, set(train), set(val), { classes: CLASSES, epochs: 12, batchSize: 16, lr: 0.05, seed: 1 });
    saveHead(p.head(h.kind, 0), exportHead(h));
    h.dispose();
  }
  return run;
}
