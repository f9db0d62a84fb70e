/**
 * `qmri compare --calibrate N`: N A/A comparisons, the reference (baseline) head against itself.
 * Each repetition trains two independent sets of the configured number of seeds of the same head
 * kind on the same features (every seed derived, none shared) and runs the same verdict machinery
 * as the comparison (compare-verdicts.ts: grouped hierarchical bootstrap on the primary metric,
 * the same margin). A sound verdict calls `better` or `worse` in at most about 5% of them (the
 * two-sided level); the binomial limit says how many more chance allows. With compare.tune on, the
 * reference head trains with its tuned hyperparameters, from the comparison's own search
 * (compare.ts tunedSettings: the same seeded trials on train/val), as in the comparison. Written to
 * RUN/compare/calibration.json. With compare.folds = k ≥ 2 the fold-level verdict is calibrated too
 * (calibrate-folds.ts, on the fold sub-runs' features), under `folds`.
 */
import { argmaxRows } from '../eval/index.js';
import { withRuntime } from '../engine/index.js';
import { baselineKind } from '../heads/index.js';
import { runPaths } from '../run/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { Rng } from '../util/rng.js';
import { headMaker, readFeatureSplits, trainHead, tunedSettings, type CompareHooks } from './compare.js';
import { resolveCompareConfig, type CompareConfig } from './compare-config.js';
import { testGroups } from '../data/index.js';
import { headVerdict, type SeedPredictions } from './compare-verdicts.js';
import { calibrateFolds, type FoldCalibrationRun } from './calibrate-folds.js';
import { predict } from './fit.js';

export interface CalibrationResult {
  reference: string;
  metric: string;
  margin: number;
  repetitions: number;
  seedsPerSide: number;
  /** the reference head's training settings (tuned when compare.tune is on, as in the comparison) */
  settings: { lr: number; epochs: number; weightDecay: number; tuned: boolean };
  counts: { better: number; worse: number; equivalent: number; inconclusive: number };
  /** (better + worse) / repetitions */
  falsePositiveRate: number;
  /** the largest count of better + worse that a 5% rate gives with probability ≥ 95% (binomial) */
  binomialLimit: number;
  /** every repetition's difference, interval and p (points) */
  runs: { diff: number; ci: [number, number] | null; p: number; label: string }[];
  /** with compare.folds = k ≥ 2: the same A/A through the fold-level verdict (Nadeau–Bengio over folds) */
  folds?: FoldCalibration;
  seconds: number;
}

/** The fold-level A/A: per repetition the verdict over the k folds, counted as above. */
export interface FoldCalibration {
  k: number;
  testTrainRatio: number;
  runs: FoldCalibrationRun[];
  counts: CalibrationResult['counts'];
  falsePositiveRate: number;
  binomialLimit: number;
}

/** The smallest k with P(X > k) ≤ 0.05 for X ~ Binomial(n, p). */
export function binomialUpper(n: number, p = 0.05, alpha = 0.05): number {
  let pmf = (1 - p) ** n;
  let cdf = pmf;
  let k = 0;
  while (1 - cdf > alpha + 1e-12 && k < n) {
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
    cdf += pmf;
    k++;
  }
  return k;
}

/** A derived, independent training seed for side `side` (0 = A, 1 = B), seed s of repetition r. */
const aaSeed = (first: number, r: number, side: number, s: number) =>
  new Rng(first).fork(`aa-${r}-${side}-${s}`).seed % 2 ** 31;

export async function calibrateVerdict(
  run: string,
  partial: Partial<CompareConfig>,
  repetitions: number,
  hooks: CompareHooks = {},
): Promise<CalibrationResult> {
  if (!(Number.isInteger(repetitions) && repetitions >= 1))
    throw new RangeError(`--calibrate: expected a whole number ≥ 1, got ${repetitions}`);
  const t0 = performance.now();
  const cfg = resolveCompareConfig(partial);
  const data = readFeatureSplits(run);
  const C = data.classes.length;
  const kind = baselineKind();
  const make = headMaker(cfg, data.train.shape[0], C);
  const { groups } = testGroups(run, data.files);
  const ctx = {
    labels: data.test.y,
    groups,
    classes: C,
    primaryMetric: cfg.primaryMetric,
    margin: cfg.margin,
    seed: cfg.firstSeed,
  };
  return withRuntime({ threads: cfg.threads }, async () => {
    const { tuning, cfgOf } = tunedSettings(cfg, data, make, C, [kind], { log: hooks.log });
    const train = cfgOf.get(kind)!;
    const settings = { lr: train.lr, epochs: train.epochs, weightDecay: train.weightDecay, tuned: !!tuning };
    const side = (r: number, k: number): SeedPredictions => {
      const out: SeedPredictions = { pred: [], probs: [] };
      for (let s = 0; s < cfg.seeds; s++) {
        const seed = aaSeed(cfg.firstSeed, r, k, s);
        const { head } = trainHead(make, kind, seed, data.train, data.val, train, C);
        const probs = predict(head, data.test, C, 256);
        head.dispose();
        out.probs.push(probs);
        out.pred.push(argmaxRows(probs, C));
      }
      return out;
    };
    const runs: CalibrationResult['runs'] = [];
    hooks.progress?.start(repetitions, 'A/A');
    for (let r = 0; r < repetitions; r++) {
      const v = headVerdict(
        { ...ctx, seed: ctx.seed + r },
        { head: kind, reference: kind },
        side(r, 0),
        side(r, 1),
        cfg.primaryMetric,
      );
      runs.push({ diff: v.diff, ci: v.ci, p: v.p, label: v.label });
      hooks.progress?.update(r + 1, { label: v.label });
    }
    hooks.progress?.stop();
    const folds = (cfg.folds ?? 1) >= 2 ? foldLevel(run, cfg, repetitions, kind, hooks) : undefined;
    const result: CalibrationResult = {
      reference: kind,
      metric: cfg.primaryMetric,
      margin: cfg.margin,
      repetitions,
      seedsPerSide: cfg.seeds,
      settings,
      ...tally(runs),
      runs,
      ...(folds ? { folds } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
    writeJsonAtomic(runPaths(run).calibration, result);
    return result;
  });
}

/** The label counts of A/A runs, their false-positive rate and the binomial limit. */
function tally(runs: readonly { label: string }[]) {
  const count = (l: string) => runs.filter((x) => x.label === l).length;
  const counts = {
    better: count('better'),
    worse: count('worse'),
    equivalent: count('equivalent'),
    inconclusive: count('inconclusive'),
  };
  const falsePositiveRate = (counts.better + counts.worse) / runs.length;
  return { counts, falsePositiveRate, binomialLimit: binomialUpper(runs.length) };
}

/** The fold-level A/A (calibrate-folds.ts), counted like the one-split one. */
function foldLevel(
  run: string,
  cfg: CompareConfig,
  repetitions: number,
  kind: string,
  hooks: CompareHooks,
): FoldCalibration {
  hooks.progress?.start(repetitions, 'A/A over folds');
  const r = calibrateFolds(run, cfg, repetitions, kind, (i, label) =>
    hooks.progress?.update(i + 1, { label }),
  );
  hooks.progress?.stop();
  return { ...r, ...tally(r.runs) };
}

/** "A/A calibration: 2 of 40 …". */
export function calibrationSentence(c: CalibrationResult): string {
  const fp = c.counts.better + c.counts.worse;
  const s = c.settings;
  const how = s.tuned ? `, tuned: lr ${s.lr}, ${s.epochs} epochs, weight decay ${s.weightDecay}` : '';
  return `A/A calibration (${c.reference} head against itself, ${c.repetitions} repetitions × 2 × ${c.seedsPerSide} independent seeds${how}, ${c.metric}, margin ±${c.margin}): better ${c.counts.better}, worse ${c.counts.worse}, equivalent ${c.counts.equivalent}, inconclusive ${c.counts.inconclusive}; false-positive rate ${(100 * c.falsePositiveRate).toFixed(1)}% (nominal 5%; up to ${c.binomialLimit} of ${c.repetitions} is within binomial noise)${fp > c.binomialLimit ? ' — ABOVE the binomial limit' : ''}${c.folds ? foldSentence(c.folds) : ''}`;
}

function foldSentence(f: FoldCalibration): string {
  const fp = f.counts.better + f.counts.worse;
  return `; over ${f.k} folds (Nadeau–Bengio): better ${f.counts.better}, worse ${f.counts.worse}, equivalent ${f.counts.equivalent}, inconclusive ${f.counts.inconclusive}, false-positive rate ${(100 * f.falsePositiveRate).toFixed(1)}%${fp > f.binomialLimit ? ' — ABOVE the binomial limit' : ''}`;
}
