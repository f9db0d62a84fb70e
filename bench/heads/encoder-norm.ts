/**
 * compare.encoderNorm on a run's cached features: each hybrid head kind (quantum, bottleneck) is
 * trained over seeds with the plain tanh encoder ('none') and with batch-normalised pre-activations
 * ('batch'), everything else the run's compare settings. Prints, per kind × norm, validation accuracy
 * (mean ± sd, and the worst seed), seeds that failed to train (src/eval detectCollapses) and the
 * median over test images of min_j |u_j| (how far from saturation the least saturated unit is; the
 * head in eval mode, as exported). Decide on validation; the test column is not printed.
 *   npx tsx bench/heads/encoder-norm.ts --run runs/recipe-combined [--seeds 10]
 */
import { detectCollapses, type HeadSignals } from '../../src/eval/index.js';
import type { HeadKind } from '../../src/heads/index.js';
import { headMaker, trainHead } from '../../src/train/compare.js';
import { predict } from '../../src/train/fit.js';
import { encoderPreActivations, leastSaturated } from './encoder.js';
import { accuracyOf, headBenchArgs, pctMeanSd } from './head-bench.js';

const { cfg, data, seeds, C, D } = headBenchArgs('encoder-norm.ts');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

console.log(
  '| head | encoderNorm | val acc % (mean ± sd) | worst seed val % | failed seeds | median min_j abs(u_j) | s per head |',
);
console.log('|---|---|---|---|---|---|---|');
for (const kind of ['quantum', 'bottleneck'] as HeadKind[])
  for (const encoderNorm of ['none', 'batch'] as const) {
    const c = { ...cfg, encoderNorm };
    const make = headMaker(c, D, C);
    const val: number[] = [];
    const sat: number[] = [];
    const signals: HeadSignals[] = [];
    let seconds = 0;
    for (let s = 0; s < seeds; s++) {
      const r = trainHead(make, kind, c.firstSeed! + s, data.train, data.val, c, C);
      const head = r.head.eval();
      const probs = predict(head, data.val, C, 256);
      val.push(accuracyOf(probs, data.val.y, C));
      signals.push({
        valAccuracy: val.at(-1),
        trainLoss: r.trainLoss,
        probs,
        labels: data.val.y,
        classes: C,
      });
      seconds += r.seconds;
      sat.push(median(leastSaturated(encoderPreActivations(head, data.test.x, data.test.y.length, D)!)));
      head.dispose();
    }
    const failed = detectCollapses(signals).filter((x) => x.collapsed).length;
    console.log(
      `| ${kind} | ${encoderNorm} | ${pctMeanSd(val)} | ${(100 * Math.min(...val)).toFixed(1)} | ${failed} / ${val.length} | ${median(sat).toFixed(2)} | ${(seconds / val.length).toFixed(1)} |`,
    );
  }
