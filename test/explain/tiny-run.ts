/**
 * A tiny trained run for the explain tests: a small DenseNet at 48 px trained a few steps on
 * phantoms, linear and quantum heads trained a few steps on its pooled features, train features
 * (SHAP background), and phantom cases (with their tumor boxes) as PreparedImages.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdamW,
  Tensor,
  crossEntropy,
  manualSeed,
  noGrad,
  setNumThreads,
  tidy,
} from '../../src/engine/index.js';
import { DenseNet, LinearHead, QuantumHead, type HeadModule } from '../../src/nn/index.js';
import { PHANTOM_CLASSES, makePhantomSet, toTensorData } from '../../src/data/phantoms.js';
import type { PreparedImage } from '../../src/data/index.js';
import { exportHead } from '../../src/heads/index.js';
import { runPaths, saveBackbone, saveFeatures, saveHead } from '../../src/run/index.js';

export const S = 48;

function steps(model: { parameters(): Tensor[] }, n: number, fn: () => Tensor): void {
  const opt = new AdamW(model.parameters(), { lr: 3e-3 });
  for (let i = 0; i < n; i++)
    tidy(() => {
      opt.zeroGrad();
      fn().backward();
      opt.step();
    });
}

export function buildTinyRun(opts: { features?: boolean } = {}): string {
  setNumThreads(1);
  manualSeed(7);
  const run = mkdtempSync(join(tmpdir(), 'qmri-explain-'));
  const net = new DenseNet({ growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, numClasses: 4 });
  const train = makePhantomSet(12, S, 3);
  const xs = toTensorData(train, S);
  const x = Tensor.from(xs, [train.length, 3, S, S]);
  const y = Tensor.int64(
    train.map((p) => p.label),
    [train.length],
  );
  net.train();
  steps(net, 3, () => crossEntropy(net.forward(x), y));
  net.eval();
  saveBackbone(run, net, {
    densenet: net.config,
    classes: [...PHANTOM_CLASSES],
    preprocess: { size: S, brainCrop: false, normalize: 'zscore' },
  });
  const D = net.numFeatures;
  const f = tidy(() => noGrad(() => net.embed(x).toFloat32Array()));
  if (opts.features ?? true)
    saveFeatures(runPaths(run).features('train'), {
      x: f,
      y: Int32Array.from(train.map((p) => p.label)),
      dim: D,
      files: train.map((_, i) => `train-${i}.png`),
    });
  const fx = Tensor.from(f, [train.length, D]);
  const heads: HeadModule[] = [new LinearHead(D, 4), new QuantumHead(D, 4, { qubits: 3, layers: 1 })];
  for (const h of heads) {
    h.train();
    steps(h, 3, () => crossEntropy(h.forward(fx), y));
    saveHead(runPaths(run).head(h.kind, 0), exportHead(h));
    h.dispose();
  }
  net.dispose();
  for (const t of [x, y, fx]) t.dispose();
  return run;
}

/** Phantom cases as the data contract's PreparedImage (z-scored input, [0,1] display, tumor box). */
export function phantomCases(n: number, seed = 41): PreparedImage[] {
  const set = makePhantomSet(n, S, seed);
  return set.map((p, i) => ({
    input: toTensorData([p], S),
    display: Float32Array.from(p.image),
    size: S,
    box: p.box,
    source: `phantom-${i}-${PHANTOM_CLASSES[p.label]}`,
  }));
}
