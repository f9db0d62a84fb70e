/**
 * A tiny trained run for the server tests and the load benchmark: a small DenseNet at 64 px trained
 * for a few gradient steps on phantoms, linear and quantum heads trained a few steps on its pooled
 * features, test features with their source PNGs on disk, and a manifest pointing at them.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
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
import { writeJsonAtomic } from '../../src/util/atomic.js';
import { exportHead } from '../../src/heads/index.js';
import { runPaths, saveBackbone, saveFeatures, saveHead } from '../../src/run/index.js';

export const TINY_SIZE = 64;

function steps(model: { parameters(): Tensor[] }, n: number, fn: () => Tensor): void {
  const opt = new AdamW(model.parameters(), { lr: 3e-3 });
  for (let i = 0; i < n; i++)
    tidy(() => {
      opt.zeroGrad();
      fn().backward();
      opt.step();
    });
}

export async function buildTinyRun(dir?: string): Promise<string> {
  setNumThreads(1);
  manualSeed(3);
  const run = dir ?? mkdtempSync(join(tmpdir(), 'qmri-serve-'));
  const S = TINY_SIZE;
  const net = new DenseNet({ growthRate: 8, blockConfig: [2, 2], numInitFeatures: 16, numClasses: 4 });
  const train = makePhantomSet(16, S, 11);
  const x = Tensor.from(toTensorData(train, S), [train.length, 3, S, S]);
  const y = Tensor.int64(
    train.map((p) => p.label),
    [train.length],
  );
  net.train();
  steps(net, 4, () => crossEntropy(net.forward(x), y));
  net.eval();
  saveBackbone(run, net, {
    densenet: net.config,
    classes: [...PHANTOM_CLASSES],
    preprocess: { size: S, brainCrop: false, normalize: 'zscore' },
  });
  const embed = (xs: Float32Array, n: number) =>
    tidy(() => noGrad(() => net.embed(Tensor.from(xs, [n, 3, S, S])).toFloat32Array()));
  const fTrain = embed(toTensorData(train, S), train.length);
  const D = net.numFeatures;
  saveFeatures(runPaths(run).features('train'), {
    x: fTrain,
    y: Int32Array.from(train.map((p) => p.label)),
    dim: D,
    files: train.map((_, i) => `#${i}`),
  });
  const fx = Tensor.from(fTrain, [train.length, D]);
  const heads: HeadModule[] = [new LinearHead(D, 4), new QuantumHead(D, 4, { qubits: 4, layers: 1 })];
  for (const h of heads) {
    steps(h, 5, () => crossEntropy(h.forward(fx), y));
    saveHead(runPaths(run).head(h.kind, 0), exportHead(h));
  }
  // test split: PNG files on disk, their features, and a manifest whose root points at them
  const test = makePhantomSet(8, S, 29);
  const imgDir = join(run, 'images');
  mkdirSync(imgDir, { recursive: true });
  const files = test.map((p, i) => `${PHANTOM_CLASSES[p.label]}-${i}.png`);
  await Promise.all(
    test.map((p, i) => {
      const u8 = Buffer.from(p.image.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));
      return sharp(u8, { raw: { width: S, height: S, channels: 1 } })
        .png()
        .toFile(join(imgDir, files[i]));
    }),
  );
  saveFeatures(runPaths(run).features('test'), {
    x: embed(toTensorData(test, S), test.length),
    y: Int32Array.from(test.map((p) => p.label)),
    dim: D,
    files,
  });
  writeJsonAtomic(runPaths(run).manifest, {
    version: 1,
    root: imgDir,
    classes: [...PHANTOM_CLASSES],
    entries: [],
  });
  // RUN/explain/audit.json as src/explain writes it (one flagged case)
  writeJsonAtomic(join(runPaths(run).explainDir, 'audit.json'), {
    version: 1,
    flagged: [{ file: files[1], flags: ['low-agreement'] }],
    cases: files.map((file, i) => ({ file, flagged: i === 1, flags: i === 1 ? ['low-agreement'] : [] })),
  });
  for (const h of heads) h.dispose();
  net.dispose();
  x.dispose();
  y.dispose();
  fx.dispose();
  return run;
}

/** A grayscale phantom slice as PNG / JPEG bytes. */
export async function phantomImage(format: 'png' | 'jpeg', size = 96, seed = 5): Promise<Buffer> {
  const [p] = makePhantomSet(1, size, seed);
  const u8 = Buffer.from(p.image.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));
  const s = sharp(u8, { raw: { width: size, height: size, channels: 1 } });
  return format === 'png' ? s.png().toBuffer() : s.jpeg().toBuffer();
}
