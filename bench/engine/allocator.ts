/**
 * Allocator probe: DenseNet121 eval forward (128 px, batch 16, ms per image, 4 runs) and the RSS of
 * a small MLP training loop over 4,000 steps, in the current environment. Compare settings with:
 *   QMRI_JEMALLOC=0 bash -c 'source scripts/env.sh; node --import tsx bench/engine/allocator.ts'
 *   MALLOC_CONF=dirty_decay_ms:10000 bash -c 'source scripts/env.sh; node --import tsx bench/engine/allocator.ts'
 *   bash -c 'source scripts/env.sh; node --import tsx bench/engine/allocator.ts'
 */
import {
  AdamW,
  Tensor,
  crossEntropy,
  manualSeed,
  noGrad,
  setNumThreads,
  tidy,
} from '../../src/engine/index.js';
import { Linear, densenet121 } from '../../src/nn/index.js';

setNumThreads(2);
manualSeed(0);
const net = densenet121(4).eval();
const x = Tensor.randn([16, 3, 128, 128]);
const fwd: number[] = [];
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  tidy(() => noGrad(() => net.forward(x)));
  fwd.push((performance.now() - t0) / 16);
}
net.dispose();
const l1 = new Linear(256, 256);
const l2 = new Linear(256, 10);
const opt = new AdamW([...l1.parameters(), ...l2.parameters()], { lr: 1e-3 });
const xb = Tensor.randn([64, 256]);
const yb = Tensor.int64(
  Array.from({ length: 64 }, (_, i) => i % 10),
  [64],
);
const rss: string[] = [];
for (let i = 0; i <= 4000; i++) {
  tidy(() => {
    opt.zeroGrad();
    crossEntropy(l2.forward(l1.forward(xb).relu()), yb).backward();
    opt.step();
  });
  if (i % 1000 === 0) rss.push(`${i}: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
}
console.log(`LD_PRELOAD=${process.env.LD_PRELOAD ?? ''} MALLOC_CONF=${process.env.MALLOC_CONF ?? ''}`);
console.log(`forward 128 px b16, ms/image (4 runs): ${fwd.map((t) => t.toFixed(1)).join(' ')}`);
console.log(`RSS over training steps: ${rss.join(', ')}`);
