/**
 * compare.encoderNorm on a run's cached features: each hybrid head kind (quantum, bottleneck) is
 * trained over seeds with the plain tanh encoder ('none') and with batch-normalised pre-activations
 * ('batch'), everything else the run's compare settings. Prints, per kind × norm, validation accuracy
 * (mean ± sd, and the worst seed), seeds that failed to train (src/eval detectCollapses) and the
 * median over test images of min_j |u_j| (how far from saturation the least saturated unit is; the
 * head in eval mode, as exported). Decide on validation; the test column is not printed.
 *   npx tsx bench/heads/encoder-norm.ts --run runs/recipe-combined [--seeds 10]
 */
import { parseArgs } from 'node:util';
import {
  argmaxRows,
  classificationMetrics,
  detectCollapses,
  type HeadSignals,
} from '../../src/eval/index.js';
import type { HeadKind } from '../../src/heads/index.js';
import { headMaker, readFeatureSplits, trainHead } from '../../src/train/compare.js';
import { predict, type ArraySet } from '../../src/train/fit.js';
import { readJsonFile } from '../../src/util/json-file.js';
import { runPaths } from '../../src/run/index.js';
import type { CompareConfig } from '../../src/train/compare-config.js';
import { encoderPreActivations, leastSaturated } from './encoder.js';

const { values } = parseArgs({
  options: { run: { type: 'string' }, seeds: { type: 'string', default: '10' } },
});
if (!values.run) throw new Error('usage: encoder-norm.ts --run RUN [--seeds 10]');
const cfg = (readJsonFile(runPaths(values.run).config) as { compare: CompareConfig }).compare;
const data = readFeatureSplits(values.run);
const C = data.classes.length;
const D = data.train.shape[0];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sdOf = (xs: number[]) =>
  Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
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
    for (let s = 0; s < Number(values.seeds); s++) {
      const r = trainHead(make, kind, c.firstSeed! + s, data.train, data.val, c, C);
      const head = r.head.eval();
      const acc = (set: ArraySet) =>
        classificationMetrics(set.y, argmaxRows(predict(head, set, C, 256), C), C).accuracy;
      val.push(acc(data.val));
      const probs = predict(head, data.val, C, 256);
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
      `| ${kind} | ${encoderNorm} | ${(100 * mean(val)).toFixed(2)} ± ${(100 * sdOf(val)).toFixed(2)} | ${(100 * Math.min(...val)).toFixed(1)} | ${failed} / ${val.length} | ${median(sat).toFixed(2)} | ${(seconds / val.length).toFixed(1)} |`,
    );
  }
