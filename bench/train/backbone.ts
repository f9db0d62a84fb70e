// Backbone throughput: DenseNet121 training steps (AdamW, class-weighted CE) and feature extraction
// (eval, no grad), images per second, on random 128 px (or --size) images, then the same with
// PyTorch (bench/engine/densenet_torch.py, Debian python3-torch, 2 threads) for the ratio.
//   source scripts/env.sh && npx tsx bench/train/backbone.ts [--size 128] [--batch 32] [--threads 2] [--steps 5] [--no-peer]
import { spawnSync } from 'node:child_process';
import {
  AdamW,
  Tensor,
  crossEntropy,
  manualSeed,
  noGrad,
  setNumThreads,
  tidy,
} from '../../src/engine/index.js';
import { DenseNet } from '../../src/nn/index.js';
import { Rng } from '../../src/util/rng.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const size = arg('size', 128);
const batch = arg('batch', 32);
const threads = arg('threads', 2);
const steps = arg('steps', 5);
setNumThreads(threads);
manualSeed(0);
const rng = new Rng(0);
const x = Float32Array.from({ length: batch * 3 * size * size }, () => rng.normal());
const y = Array.from({ length: batch }, (_, i) => i % 4);
const net = new DenseNet({ numClasses: 4 });
const opt = new AdamW(net.parameters(), { lr: 1e-3, weightDecay: 1e-4 });
const weight = Tensor.from(new Float32Array([1, 1, 1, 1]), [4]);

function trainStep(): void {
  tidy(() => {
    opt.zeroGrad();
    const loss = crossEntropy(net.forward(Tensor.from(x, [batch, 3, size, size])), Tensor.int64(y, [batch]), {
      weight,
      labelSmoothing: 0.05,
    });
    loss.backward();
    opt.step();
  });
}
function embedStep(): void {
  tidy(() => noGrad(() => net.embed(Tensor.from(x, [batch, 3, size, size])).toFloat32Array()));
}
function timeIt(f: () => void): number {
  f(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) f();
  return (steps * batch) / ((performance.now() - t0) / 1000);
}
net.train();
const train = timeIt(trainStep);
net.eval();
const embed = timeIt(embedStep);
function peer(mode: 'train' | 'forward'): number | null {
  if (process.argv.includes('--no-peer')) return null;
  const r = spawnSync(
    '/usr/bin/python3',
    ['bench/engine/densenet_torch.py', mode, String(size), String(batch), String(steps)],
    {
      encoding: 'utf8',
    },
  );
  const ms = Number(r.stdout.trim());
  return r.status === 0 && ms > 0 ? 1000 / ms : null;
}
const torchTrain = peer('train');
const torchEmbed = peer('forward');
const out = {
  size,
  batch,
  threads,
  steps,
  trainImagesPerSecond: train,
  extractImagesPerSecond: embed,
  torchTrainImagesPerSecond: torchTrain,
  torchExtractImagesPerSecond: torchEmbed,
  trainRatio: torchTrain ? train / torchTrain : null,
  extractRatio: torchEmbed ? embed / torchEmbed : null,
};
process.stdout.write(JSON.stringify(out) + '\n');
