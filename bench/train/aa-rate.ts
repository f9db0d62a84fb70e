// The one-split A/A false-positive rate of the verdict (issue #17 item 7) at a size that can tell
// 5% from 10%: `calibrateVerdict` (the code of `qmri compare --calibrate N`) on D synthetic feature
// runs × N repetitions each, for each seeds-per-side setting. Each run: 8-d Gaussian clusters with
// overlapping classes (the heads err on ~30% of cases, as on the calibrate-folds test's data), 40
// train / 16 val / TEST test cases (no manifest: each test case its own group), linear head, 5
// epochs, as in test/train/calibrate-folds.test.ts. The rate is pooled over the D × N
// verdicts with a Wilson 95% interval; the nominal rate is 5%.
//   source scripts/env.sh && npx tsx bench/train/aa-rate.ts [--runs 5] [--reps 80] [--seeds 2,3,5] \
//     [--test 30] [--out FILE.json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../src/util/atomic.js';
import { runPaths, saveFeatures } from '../../src/run/index.js';
import { calibrateVerdict } from '../../src/train/index.js';
import { Rng } from '../../src/util/rng.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Number(arg('runs', '5'));
const REPS = Number(arg('reps', '80'));
const SEEDS = arg('seeds', '2,3,5').split(',').map(Number);
const TEST = Number(arg('test', '30'));
const DIM = 8;
const C = 4;

/** n cases of overlapping Gaussian clusters (spread 2.2 around centres drawn at scale 1.5). */
function features(n: number, rng: Rng, mu: number[][], prefix: string) {
  const x = new Float32Array(n * DIM);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % C;
    for (let k = 0; k < DIM; k++) x[i * DIM + k] = mu[y[i]][k] + rng.normal(0, 2.2);
  }
  return { x, y, dim: DIM, files: Array.from({ length: n }, (_, i) => `${prefix}-${i}.png`) };
}

function featureRun(r: number): string {
  const run = mkdtempSync(join(tmpdir(), 'qmri-aa-rate-'));
  const rng = new Rng(100 + r);
  const mu = Array.from({ length: C }, () => Array.from({ length: DIM }, () => rng.normal(0, 1.5)));
  const p = runPaths(run);
  saveFeatures(p.features('train'), features(40, rng, mu, 'train'));
  saveFeatures(p.features('val'), features(16, rng, mu, 'val'));
  saveFeatures(p.features('test'), features(TEST, rng, mu, 'test'));
  return run;
}

/** Wilson score interval for k of n at 95%. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [c - h, c + h];
}

const rows: Record<string, unknown>[] = [];
for (const seeds of SEEDS) {
  const t0 = performance.now();
  const counts = { better: 0, worse: 0, equivalent: 0, inconclusive: 0 };
  for (let r = 0; r < RUNS; r++) {
    const run = featureRun(r);
    try {
      const cfg = { heads: ['linear'], seeds, epochs: 5, patience: 0, lowData: [], threads: 1 };
      const c = await calibrateVerdict(run, { ...cfg, firstSeed: 1000 + 7919 * r }, REPS);
      for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += c.counts[k];
    } finally {
      rmSync(run, { recursive: true, force: true });
    }
  }
  const n = RUNS * REPS;
  const fp = counts.better + counts.worse;
  const [lo, hi] = wilson(fp, n);
  const row = {
    seedsPerSide: seeds,
    verdicts: n,
    ...counts,
    falsePositiveRate: fp / n,
    wilson95: [lo, hi],
    seconds: (performance.now() - t0) / 1000,
  };
  rows.push(row);
  console.log(
    `seeds/side ${seeds}: ${fp} of ${n} better/worse = ${((100 * fp) / n).toFixed(1)}% ` +
      `(95% Wilson ${(100 * lo).toFixed(1)}–${(100 * hi).toFixed(1)}%), ${JSON.stringify(counts)}, ${row.seconds.toFixed(0)} s`,
  );
}
const out = arg('out', '');
if (out) writeJsonAtomic(out, { runs: RUNS, reps: REPS, test: TEST, rows });
