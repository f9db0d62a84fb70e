// Time to train each head kind over 10 seeds with compareHeads' default budget (AdamW, 30 epochs,
// batch 32, lr 1e-2) with early stopping off, so every seed runs all 30 epochs, on a run's cached
// features, or — without --run — on
// synthetic 1,024-d Gaussian-cluster features of the real set's size (3,195 / 685 / 684, 4 classes).
// A --run's feature files are copied into a scratch run folder first, so the bench never overwrites
// that run's heads or comparison results.
//   source scripts/env.sh && npx tsx bench/train/heads.ts [--run RUN] [--seeds 10] [--threads 1]
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runPaths, saveFeatures } from '../../src/run/index.js';
import { compareHeads } from '../../src/train/index.js';
import { Rng } from '../../src/util/rng.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const seeds = Number(arg('seeds') ?? 10);
const threads = Number(arg('threads') ?? 1);
const source = arg('run');
const run = mkdtempSync(join(tmpdir(), 'qmri-bench-heads-'));
if (source) {
  for (const split of ['train', 'val', 'test']) {
    const from = runPaths(source).features(split);
    if (!existsSync(from)) throw new Error(`${from}: no cached features (qmri train first)`);
    const to = runPaths(run).features(split);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
} else {
  const rng = new Rng(5);
  const make = (n: number, split: string) => {
    const dim = 1024;
    const x = new Float32Array(n * dim);
    const y = Int32Array.from({ length: n }, (_, i) => i % 4);
    for (let i = 0; i < n; i++)
      for (let d = 0; d < dim; d++)
        x[i * dim + d] = Math.max(0, rng.normal() * 0.5 + (d % 4 === y[i] ? 0.6 : 0.2));
    saveFeatures(runPaths(run).features(split), {
      x,
      y,
      dim,
      files: Array.from(y, (_, i) => `${split}-${i}`),
    });
  };
  make(3195, 'train');
  make(685, 'val');
  make(684, 'test');
}
const r = await compareHeads(run, { seeds, lowData: [], threads, patience: 0 });
const out = {
  features: source ?? 'synthetic',
  seeds,
  threads,
  images: r.images,
  heads: r.heads.map((h) => ({
    kind: h.kind,
    params: h.params,
    secondsFor10Seeds: (h.trainSeconds * 10) / seeds,
    meanEpochs: h.perSeed.reduce((a, s) => a + s.epochs, 0) / seeds,
    testAccuracy: h.accuracy.mean,
  })),
};
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
