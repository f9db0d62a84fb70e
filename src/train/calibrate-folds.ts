/**
 * The A/A calibration of the fold-level verdict (compare.folds = k ≥ 2): every repetition trains, on
 * each fold sub-run's features (RUN/folds/fold-<i>, made by the cross-validation), two independent
 * sets of seeds of the reference head kind (tuned per fold when compare.tune is on, as each fold's
 * comparison is), and decides the verdict over the k folds exactly as fold-verdicts.ts does
 * (Nadeau–Bengio, n_test/n_train the folds' image counts, the same metric and margin). The folds'
 * backbones are the cross-validation's (retraining k backbones per repetition is out of reach), so
 * this calibrates the head-seed and test-set levels of the fold verdict, not the backbone level.
 */
import { existsSync } from 'node:fs';
import { argmaxRows, pairedVerdict, type PairedFold } from '../eval/index.js';
import { testGroups } from '../data/index.js';
import { runPaths } from '../run/index.js';
import { Rng } from '../util/rng.js';
import { headMaker, readFeatureSplits, trainHead, tunedSettings } from './compare.js';
import type { CompareConfig } from './compare-config.js';
import { predict } from './fit.js';

export interface FoldCalibrationRun {
  diff: number;
  ci: [number, number] | null;
  p: number;
  label: string;
}

/** Everything one fold contributes: its features, groups and the reference head's settings. */
function openFold(run: string, i: number, cfg: CompareConfig, kind: string) {
  const sub = runPaths(run).fold(i);
  if (!existsSync(runPaths(sub).features('test')))
    throw new Error(
      `${sub}: fold ${i + 1} has no features; run the comparison with compare.folds first (qmri run or qmri compare)`,
    );
  const data = readFeatureSplits(sub);
  const C = data.classes.length;
  const make = headMaker(cfg, data.train.shape[0], C);
  const train = tunedSettings(cfg, data, make, C, [kind]).cfgOf.get(kind)!;
  return { data, C, make, train, groups: testGroups(sub, data.files).groups };
}

/** `repetitions` fold-level A/A verdicts of `kind` against itself. */
export function calibrateFolds(
  run: string,
  cfg: CompareConfig,
  repetitions: number,
  kind: string,
  onRepetition: (r: number, label: string) => void = () => {},
): { k: number; testTrainRatio: number; runs: FoldCalibrationRun[] } {
  const k = cfg.folds ?? 1;
  const folds = Array.from({ length: k }, (_, i) => openFold(run, i, cfg, kind));
  const sum = (f: (x: (typeof folds)[number]) => number) => folds.reduce((a, x) => a + f(x), 0);
  const testTrainRatio = sum((f) => f.data.test.y.length) / sum((f) => f.data.train.y.length);
  const side = (f: (typeof folds)[number], i: number, r: number, s: number) =>
    Array.from({ length: cfg.seeds }, (_, j) => {
      const seed = new Rng(cfg.firstSeed).fork(`aa-fold${i}-${r}-${s}-${j}`).seed % 2 ** 31;
      const { head } = trainHead(f.make, kind, seed, f.data.train, f.data.val, f.train, f.C);
      const probs = predict(head, f.data.test, f.C, 256);
      head.dispose();
      return { probs, pred: argmaxRows(probs, f.C) };
    });
  const runs: FoldCalibrationRun[] = [];
  for (let r = 0; r < repetitions; r++) {
    const paired: PairedFold[] = folds.map((f, i) => {
      const [a, b] = [side(f, i, r, 0), side(f, i, r, 1)];
      const seeds = (x: typeof a) => ({ pred: x.map((y) => y.pred), probs: x.map((y) => y.probs) });
      return { labels: f.data.test.y, groups: f.groups, head: seeds(a), reference: seeds(b) };
    });
    const v = pairedVerdict(
      { classes: folds[0].C, folds: paired },
      {
        head: `${kind} head`,
        reference: `${kind} head`,
        metric: cfg.primaryMetric,
        margin: cfg.margin,
        method: 'nadeau-bengio',
        testTrainRatio,
        seed: cfg.firstSeed + r,
      },
    );
    runs.push({ diff: v.diff, ci: v.ci, p: v.p, label: v.label });
    onRepetition(r, v.label);
  }
  return { k, testTrainRatio, runs };
}
