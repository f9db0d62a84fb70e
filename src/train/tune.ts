/**
 * The tuning budget of a fair comparison (compare.tune, issue 17 item 5): one seeded random search
 * over learning rate, epochs and weight decay, the same trials (same count, same sampled points) for
 * every head kind, each trial trained on the train split and scored on the validation split's
 * declared primary metric (compare.primaryMetric) only; the test split is never passed in. The
 * best trial's hyperparameters (first trial on ties) become that head kind's settings for every seed
 * of the comparison and the low-data study.
 */
import { argmaxRows, pairedMetric, preparePaired, scratchSize, type MetricName } from '../eval/index.js';
import type { HeadKind } from '../heads/index.js';
import type { HeadModule } from '../nn/index.js';
import { Rng } from '../util/rng.js';
import type { CompareConfig } from './compare-config.js';
import { predict, type ArraySet } from './fit.js';

export type TuneConfig = NonNullable<CompareConfig['tune']>;

/** One point of the search space. */
export interface HyperParams {
  lr: number;
  epochs: number;
  weightDecay: number;
}

/** One trial of one head kind: its hyperparameters, the epochs it ran and its validation score. */
export interface TuneTrial extends HyperParams {
  trial: number;
  epochsRun: number;
  /** the primary metric on the validation split (as the metric reads: ECE lower is better) */
  val: number;
}

export interface HeadTuning {
  kind: HeadKind;
  chosen: HyperParams & { trial: number };
  trials: TuneTrial[];
}

/** What results.json records of the search: the space, the seed, and every head kind's table. */
export interface TuneResult {
  trials: number;
  space: { lr: number[]; epochs: number[]; weightDecay: number[] };
  metric: MetricName;
  split: 'val';
  seed: number;
  heads: HeadTuning[];
}

const logUniform = (u: number, lo: number, hi: number) =>
  lo > 0 ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
const sig = (v: number) => Number(v.toPrecision(4));

/** The search's points: `trials` draws from the space, seeded (the same list for every head kind). */
export function sampleTrials(t: TuneConfig, seed: number): HyperParams[] {
  const rng = new Rng(seed).fork('tune');
  return Array.from({ length: t.trials }, () => {
    const lr = sig(logUniform(rng.uniform(), t.lr[0], t.lr[1]));
    const epochs = t.epochs[0] + rng.int(t.epochs[1] - t.epochs[0] + 1);
    const weightDecay = sig(logUniform(rng.uniform(), t.weightDecay[0], t.weightDecay[1]));
    return { lr, epochs, weightDecay };
  });
}

/** A metric of the registry (src/eval) on one head's class probabilities, as the metric reads. */
export function metricOn(metric: MetricName, labels: Int32Array, probs: Float32Array, C: number): number {
  const m = pairedMetric(metric);
  const pred = argmaxRows(probs, C);
  const seeds = { pred: [pred], probs: [probs] };
  const [f] = preparePaired(
    { classes: C, folds: [{ labels, groups: labels, head: seeds, reference: seeds }] },
    m.needsProbs,
  );
  const v = m.value(
    f.labels,
    f.a[0],
    new Float64Array(labels.length).fill(1),
    C,
    new Float64Array(scratchSize(C)),
  );
  return v;
}

/** The settings of one trial: the comparison's, with the trial's hyperparameters. */
export const withParams = (cfg: CompareConfig, h: HyperParams): CompareConfig => ({
  ...cfg,
  lr: h.lr,
  epochs: h.epochs,
  weightDecay: h.weightDecay,
});

/**
 * The search for one head kind on train/val only. `train(cfg)` trains one head with the given
 * settings (the caller's trainHead, seeded alike for every kind) and returns it with its epoch count.
 */
export function tuneHead(
  kind: HeadKind,
  points: HyperParams[],
  cfg: CompareConfig,
  val: ArraySet,
  C: number,
  train: (cfg: CompareConfig) => { head: HeadModule; epochs: number },
): HeadTuning {
  const trials: TuneTrial[] = points.map((h, trial) => {
    const { head, epochs } = train(withParams(cfg, h));
    const probs = predict(head, val, C, 256);
    head.dispose();
    return { trial, ...h, epochsRun: epochs, val: metricOn(cfg.primaryMetric, val.y, probs, C) };
  });
  const sign = pairedMetric(cfg.primaryMetric).higherIsBetter ? 1 : -1;
  const best = trials.reduce((b, t) => (sign * t.val > sign * b.val ? t : b), trials[0]);
  return {
    kind,
    chosen: { trial: best.trial, lr: best.lr, epochs: best.epochs, weightDecay: best.weightDecay },
    trials,
  };
}

/** The whole search: the same points for every head kind; null when tuning is off. */
export function tuneHeads(
  cfg: CompareConfig,
  val: ArraySet,
  C: number,
  train: (kind: HeadKind, cfg: CompareConfig) => { head: HeadModule; epochs: number },
  log: (line: string) => void = () => {},
): TuneResult | null {
  const t = cfg.tune;
  if (!t || t.trials === 0) return null;
  const seed = cfg.firstSeed;
  const points = sampleTrials(t, seed);
  const heads = cfg.heads.map((kind) => {
    const h = tuneHead(kind, points, cfg, val, C, (c) => train(kind, c));
    const c = h.chosen;
    log(
      `tuned ${kind} head over ${t.trials} trials on validation ${cfg.primaryMetric}: lr ${c.lr}, ${c.epochs} epochs, weight decay ${c.weightDecay} (trial ${c.trial})`,
    );
    return h;
  });
  const space = { lr: [...t.lr], epochs: [...t.epochs], weightDecay: [...t.weightDecay] };
  return { trials: t.trials, space, metric: cfg.primaryMetric, split: 'val', seed, heads };
}
