/**
 * Does standardising the pooled features before a head (z-score with the train split's mean and sd)
 * keep the hybrid heads' tanh encoders out of saturation, and what does it do to accuracy? On a
 * real run the raw DenseNet features (non-negative, shared positive mean) drive every unit of the
 * quantum and bottleneck heads' 1,024→4 encoder to |u| ≈ 18 (bench/explain/empty-cam.ts): the
 * circuit then sees angles of ±π/2 only. For each head kind and seed (the run's compare settings)
 * this trains the head on raw and on standardised features and prints validation and test accuracy
 * (mean ± sd over seeds) and the median over test images of min_j |u_j|. Decide on validation.
 *   npx tsx bench/heads/standardize.ts --run runs/recipe-combined [--seeds 10]
 */
import { summarize } from '../../src/eval/index.js';
import type { HeadKind } from '../../src/heads/index.js';
import { headMaker, trainHead } from '../../src/train/compare.js';
import { predict, type ArraySet } from '../../src/train/fit.js';
import { encoderPreActivations, leastSaturated } from './encoder.js';
import { accuracyOf, headBenchArgs, pctMeanSd } from './head-bench.js';

const { cfg, data, seeds, C, D } = headBenchArgs('standardize.ts');

function standardiser(train: ArraySet): (s: ArraySet) => ArraySet {
  const n = train.y.length;
  const mu = new Float64Array(D);
  const sd = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let k = 0; k < D; k++) mu[k] += train.x[i * D + k] / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < D; k++) sd[k] += (train.x[i * D + k] - mu[k]) ** 2 / n;
  for (let k = 0; k < D; k++) sd[k] = Math.sqrt(sd[k]) || 1;
  return (s) => ({ ...s, x: s.x.map((v, j) => (v - mu[j % D]) / sd[j % D]) });
}

const z = standardiser(data.train);
const sets = {
  raw: data,
  standardised: { ...data, train: z(data.train), val: z(data.val), test: z(data.test) },
};
const make = headMaker(cfg, D, C);
console.log('| head | features | val acc % | test acc % | min seed test % | median min_j abs(u_j) |');
console.log('|---|---|---|---|---|---|');
for (const kind of cfg.heads as HeadKind[])
  for (const [name, d] of Object.entries(sets)) {
    const val: number[] = [];
    const test: number[] = [];
    const sat: number[] = [];
    for (let s = 0; s < seeds; s++) {
      const { head } = trainHead(make, kind, cfg.firstSeed! + s, d.train, d.val, cfg, C);
      const acc = (set: ArraySet) => accuracyOf(predict(head, set, C, 256), set.y, C);
      val.push(acc(d.val));
      test.push(acc(d.test));
      const enc = encoderPreActivations(head, d.test.x, d.test.y.length, D);
      if (enc) {
        const mins = leastSaturated(enc).sort((a, b) => a - b);
        sat.push(mins[mins.length >> 1]);
      }
      head.dispose();
    }
    console.log(
      `| ${kind} | ${name} | ${pctMeanSd(val)} | ${pctMeanSd(test)} | ${(100 * Math.min(...test)).toFixed(1)} | ${sat.length ? summarize(sat).mean.toFixed(2) : '—'} |`,
    );
  }
