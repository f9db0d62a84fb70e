/**
 * What the head benches (standardize.ts, encoder-norm.ts) share: the run's compare settings and cached
 * features named on the command line (`--run RUN [--seeds 10]`), a head's accuracy from its
 * probabilities, and "mean ± sd" in percent over seeds (src/eval summarize).
 */
import { parseArgs } from 'node:util';
import { argmaxRows, classificationMetrics, summarize } from '../../src/eval/index.js';
import { readFeatureSplits } from '../../src/train/compare.js';
import type { CompareConfig } from '../../src/train/compare-config.js';
import { readJsonFile } from '../../src/util/json-file.js';
import { runPaths } from '../../src/run/index.js';

export function headBenchArgs(script: string) {
  const { values } = parseArgs({
    options: { run: { type: 'string' }, seeds: { type: 'string', default: '10' } },
  });
  if (!values.run) throw new Error(`usage: ${script} --run RUN [--seeds 10]`);
  const cfg = (readJsonFile(runPaths(values.run).config) as { compare: CompareConfig }).compare;
  const data = readFeatureSplits(values.run);
  return { cfg, data, seeds: Number(values.seeds), C: data.classes.length, D: data.train.shape[0] };
}

export const accuracyOf = (probs: ArrayLike<number>, y: ArrayLike<number>, C: number): number =>
  classificationMetrics(y, argmaxRows(probs, C), C).accuracy;

export function pctMeanSd(xs: number[]): string {
  const s = summarize(xs);
  return `${(100 * s.mean).toFixed(2)} ± ${(100 * s.sd).toFixed(2)}`;
}
