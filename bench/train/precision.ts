// Backbone training-step time by compute setting (issue #19): DenseNet121, AdamW, class-weighted CE
// with label smoothing, random images; fp32 vs bf16 autocast vs bf16 + channels-last (and
// channels-last alone), each mode a model of its own from the same seed, in one process. After one
// warm-up step per mode the modes take turns step by step (round-robin), so a change in the shared
// machine's load hits every mode alike; ms per step is the median over the rounds, ratios against
// fp32 at the same size.
//   source scripts/env.sh && node --import tsx bench/train/precision.ts [--sizes 128,224] [--batch 32] [--threads 2] [--rounds 3]
//     [--modes fp32,bf16,bf16+channels-last,channels-last]
import { AdamW, Tensor, crossEntropy, manualSeed, setNumThreads, tidy } from '../../src/engine/index.js';
import { DenseNet, type ComputeOptions } from '../../src/nn/index.js';
import { Rng } from '../../src/util/rng.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const sizes = arg('sizes', '128,224').split(',').map(Number);
const batch = Number(arg('batch', '32'));
const threads = Number(arg('threads', '2'));
const rounds = Number(arg('rounds', '3'));
const ALL_MODES: [string, ComputeOptions][] = [
  ['fp32', {}],
  ['bf16', { bf16: true }],
  ['bf16+channels-last', { bf16: true, channelsLast: true }],
  ['channels-last', { channelsLast: true }],
];
const wanted = arg('modes', ALL_MODES.map(([n]) => n).join(',')).split(',');
for (const w of wanted)
  if (!ALL_MODES.some(([n]) => n === w)) throw new Error(`--modes: unknown mode '${w}'`);
// fp32 first: the ratios are against it
const modes = ALL_MODES.filter(([n]) => n === 'fp32' || wanted.includes(n));
setNumThreads(threads);

interface Mode {
  name: string;
  net: DenseNet;
  opt: AdamW;
  ms: number[];
}

function step(m: Mode, x: Float32Array, y: number[], size: number, weight: Tensor): number {
  const t0 = performance.now();
  tidy(() => {
    m.opt.zeroGrad();
    const logits = m.net.forward(Tensor.from(x, [batch, 3, size, size]));
    const loss = crossEntropy(logits, Tensor.int64(y, [batch]), { weight, labelSmoothing: 0.05 });
    loss.backward();
    m.opt.step();
  });
  return performance.now() - t0;
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

for (const size of sizes) {
  const rng = new Rng(0);
  const x = Float32Array.from({ length: batch * 3 * size * size }, () => rng.normal());
  const y = Array.from({ length: batch }, (_, i) => i % 4);
  const weight = Tensor.from(new Float32Array([1, 1, 1, 1]), [4]);
  const ms: Mode[] = modes.map(([name, opts]) => {
    manualSeed(0);
    const net = new DenseNet({ numClasses: 4 }).setCompute(opts);
    net.train();
    return { name, net, opt: new AdamW(net.parameters(), { lr: 1e-3, weightDecay: 1e-4 }), ms: [] };
  });
  for (const m of ms) step(m, x, y, size, weight); // warm-up (oneDNN primitives, allocator)
  for (let r = 0; r < rounds; r++) for (const m of ms) m.ms.push(step(m, x, y, size, weight));
  const base = median(ms[0].ms);
  for (const m of ms) {
    const med = median(m.ms);
    process.stdout.write(
      JSON.stringify({
        size,
        batch,
        threads,
        mode: m.name,
        msPerStep: Math.round(med),
        steps: m.ms.map(Math.round),
        speedupVsFp32: Number((base / med).toFixed(3)),
      }) + '\n',
    );
    m.net.dispose();
  }
  weight.dispose();
}
