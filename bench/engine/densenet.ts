/**
 * DenseNet121 forward (eval, no grad) and training step (forward + backward + AdamW), ms per image,
 * qmri (libtorch via N-API) against PyTorch (Debian python3-torch + torchvision) in the same run,
 * 2 threads, interleaved rounds, medians. Run through the launcher environment:
 *   source scripts/env.sh && node --import tsx bench/engine/densenet.ts [--reps 5] [--rounds 2]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  AdamW,
  Tensor,
  crossEntropy,
  manualSeed,
  noGrad,
  setNumThreads,
  tidy,
} from '../../src/engine/index.js';
import { densenet121 } from '../../src/nn/index.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const reps = arg('reps', 5);
const rounds = arg('rounds', 2);
const peer = fileURLToPath(new URL('./densenet_torch.py', import.meta.url));

setNumThreads(2);
manualSeed(0);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

function qmri(mode: 'forward' | 'train', size: number, batch: number): number {
  const net = densenet121(4);
  const opt = new AdamW(net.parameters(), { lr: 1e-3 });
  const x = Tensor.randn([batch, 3, size, size]);
  const y = Tensor.int64(
    Array.from({ length: batch }, (_, i) => i % 4),
    [batch],
  );
  const times: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now();
    if (mode === 'forward') {
      net.eval();
      tidy(() => noGrad(() => net.forward(x)));
    } else {
      net.train();
      tidy(() => {
        opt.zeroGrad();
        crossEntropy(net.forward(x), y).backward();
        opt.step();
      });
    }
    if (i > 0) times.push(performance.now() - t0);
  }
  net.dispose();
  x.dispose();
  y.dispose();
  return median(times) / batch;
}

function torch(mode: string, size: number, batch: number): number {
  const out = execFileSync('/usr/bin/python3', [peer, mode, String(size), String(batch), String(reps)], {
    encoding: 'utf8',
    env: process.env, // the same environment as this process (threads policy, allocator)
  });
  return Number(out.trim());
}

const cases: ['forward' | 'train', number, number][] = [
  ['forward', 224, 8],
  ['forward', 128, 16],
  ['train', 224, 8],
  ['train', 128, 16],
];
const rows: string[] = [];
for (const [mode, size, batch] of cases) {
  const q: number[] = [];
  const p: number[] = [];
  for (let r = 0; r < rounds; r++) {
    q.push(qmri(mode, size, batch));
    p.push(torch(mode, size, batch));
  }
  const mq = median(q);
  const mp = median(p);
  rows.push(
    `| ${mode} | ${size}×${size} | ${batch} | ${mq.toFixed(1)} | ${mp.toFixed(1)} | ${(mq / mp).toFixed(3)} |`,
  );
  process.stderr.write(`${rows[rows.length - 1]}\n`);
}
console.log(`DenseNet121, 2 threads, ms per image (median of ${reps} reps × ${rounds} interleaved rounds)\n`);
console.log('| case | input | batch | qmri | PyTorch | qmri / PyTorch |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
