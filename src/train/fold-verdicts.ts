/**
 * The fold level of the verdicts (compare.folds = k ≥ 2, issue 17 item 4): the one-split comparison
 * (RUN/compare/results.json) plus k fold comparisons (each fold's backbone, features and heads over
 * seeds, tested on its held-out groups) become one result whose verdicts are decided over the folds.
 *
 * Method (the choice, justified). In grouped k-fold cross-validation every group is tested exactly
 * once: the folds' test sets partition the data, so the k fold differences (seed-mean head −
 * reference on each fold's test set) together use every group once and their spread already holds
 * test-set, seed, split and backbone variance. Two candidates:
 *  - a hierarchical bootstrap over folds × groups × seeds treats the k folds as independent draws.
 *    They are not: any two folds' training sets share (k − 2)/(k − 1) of the data, so their
 *    differences are positively correlated and a bootstrap of them is too narrow; resampling groups
 *    inside folds on top would count the test-set level twice (it is already in the fold spread,
 *    the test sets being disjoint pieces of one sample); and a percentile interval over 3–5 fold
 *    values has too few distinct resamples (10 for k = 3) to mean anything.
 *  - the Nadeau–Bengio corrected resampled t-test (src/eval/nadeau-bengio.ts) takes the fold spread
 *    s² as it is and inflates the variance of the mean from s²/k to (1/k + n_test/n_train)·s² for
 *    the training-set overlap, with a t quantile on k − 1 degrees of freedom, honest at k = 3..5.
 *    Because the test sets are disjoint (a partition), the only correlation left is the training
 *    overlap; the correction was derived for random subsampling, where test sets overlap as well,
 *    so here it is expected to over- rather than under-state the correlation (the test leans
 *    conservative). The partition is also why no group level is added: each group's test-set noise
 *    enters the fold spread exactly once.
 * So the verdicts (primary and secondary metrics) use Nadeau–Bengio over the folds, with n_test /
 * n_train the folds' actual image counts (the val part is held out of training, so this is a little
 * above 1/(k − 1)); the hierarchical bootstrap over folds × groups × seeds is kept per head pair as
 * a sensitivity check (`folds.pairs[].bootstrap`, outside the Holm family). With k = 3 the t has 2
 * degrees of freedom (t = 4.30): intervals are wide, and `inconclusive` is the honest label unless
 * the folds agree closely. The one-split verdicts stay in every comparison as `oneSplit`; Holm is
 * redone over the new family (fold-level comparisons × metrics, plus the one-split low-data points).
 */
import type { FoldScope } from '../config/index.js';
import {
  foldDifferences,
  METRIC_NAMES,
  pairedVerdict,
  type MetricName,
  type PairedData,
  type Verdict,
} from '../eval/index.js';
import type { CompareResult, HeadComparison, HeadSummary } from './compare.js';
import { adjustFamily } from './compare-verdicts.js';

/** One fold's sub-run as the fold level reads it: its comparison and its backbone's metrics. */
export interface FoldRecord {
  result: CompareResult;
  backbone: { bestEpoch: number; testAccuracy: number } | null;
}

export interface FoldSummary {
  /** 1-based, as in RUN/folds/fold-<i> */
  fold: number;
  images: { train: number; val: number; test: number };
  testGroups: number;
  backbone: FoldRecord['backbone'];
  /** each head's seed-mean test metrics on this fold, and its collapsed seeds */
  heads: { kind: string; accuracy: number; balancedAccuracy: number; collapsed: number[] }[];
}

export interface FoldStudy {
  k: number;
  /** how the folds were made */
  assignment: string;
  /** Σ test images / Σ train images over the folds: Nadeau–Bengio's n_test / n_train */
  testTrainRatio: number;
  folds: FoldSummary[];
  /** per head pair (in the order of comparisons): the primary metric's fold differences, and the bootstrap sensitivity check */
  pairs: { head: string; reference: string; perFold: number[]; bootstrap: Verdict }[];
}

/** A comparison of a k-fold run: the fold-level verdicts, the one-split ones kept alongside. */
export type FoldedHeadComparison = HeadComparison & {
  oneSplit?: { verdict: Verdict; secondary: Verdict[]; sentence: string };
};

export type FoldedCompareResult = Omit<CompareResult, 'comparisons'> & {
  comparisons: FoldedHeadComparison[];
  folds?: FoldStudy;
};

export const FOLD_ASSIGNMENT =
  'grouped k-fold: whole manifest groups, class-stratified, seeded by data.split.seed; every group tested exactly once; the other folds split into train and val in the train : val proportion';

/** How the folds were made under compare.foldScope (absent = 'all'). */
export const foldAssignment = (scope: FoldScope | undefined): string =>
  scope === 'trainval'
    ? `${FOLD_ASSIGNMENT}; re-split from the train and val images only (compare.foldScope: trainval), the run's test split held out of every fold`
    : FOLD_ASSIGNMENT;

const headOf = (r: CompareResult, kind: string, fold: number): HeadSummary => {
  const h = r.heads.find((x) => x.kind === kind);
  if (!h) throw new Error(`fold ${fold}: no '${kind}' head in its comparison`);
  return h;
};

/** The paired input of one head pair over the folds (each fold's test cases, groups, seeds). */
export function foldPairData(folds: readonly FoldRecord[], head: string, reference: string): PairedData {
  const seeds = (h: HeadSummary) => ({
    pred: h.predictions.map((p) => p.pred),
    probs: h.predictions.map((p) => p.probs),
  });
  return {
    classes: folds[0].result.classes.length,
    folds: folds.map(({ result: r }, i) => ({
      labels: r.test.labels,
      groups: r.test.groups,
      head: seeds(headOf(r, head, i + 1)),
      reference: seeds(headOf(r, reference, i + 1)),
    })),
  };
}

function foldSummary({ result: r, backbone }: FoldRecord, i: number): FoldSummary {
  return {
    fold: i + 1,
    images: r.images,
    testGroups: new Set(r.test.groups).size,
    backbone,
    heads: r.heads.map((h) => ({
      kind: h.kind,
      accuracy: h.accuracy.mean,
      balancedAccuracy: h.balancedAccuracy.mean,
      collapsed: h.collapsed,
    })),
  };
}

/**
 * The one-split result with its verdicts decided over the folds (Nadeau–Bengio), the one-split
 * verdicts kept as `oneSplit`, Holm redone over the family, and the fold study. Idempotent: a result
 * that already carries fold verdicts starts again from its `oneSplit` ones.
 */
export function applyFolds(main: FoldedCompareResult, folds: readonly FoldRecord[]): FoldedCompareResult {
  const k = folds.length;
  if (k < 2) throw new RangeError(`fold verdicts: need ≥ 2 folds, got ${k}`);
  const cfg = main.config;
  const sum = (f: (r: CompareResult) => number) => folds.reduce((a, x) => a + f(x.result), 0);
  const testTrainRatio = sum((r) => r.images.test) / sum((r) => r.images.train);
  const primary = cfg.primaryMetric as MetricName;
  const verdictOf = (
    data: PairedData,
    c: HeadComparison,
    metric: MetricName,
    method: 'auto' | 'hierarchical-bootstrap',
  ) =>
    pairedVerdict(data, {
      head: `${c.head} head`,
      reference: `${c.reference} head`,
      metric,
      margin: cfg.margin,
      seed: cfg.firstSeed,
      method,
      testTrainRatio,
    });
  const pairs: FoldStudy['pairs'] = [];
  const comparisons = main.comparisons.map((c) => {
    const oneSplit = c.oneSplit ?? { verdict: c.verdict, secondary: c.secondary, sentence: c.sentence };
    const data = foldPairData(folds, c.head, c.reference);
    pairs.push({
      head: c.head,
      reference: c.reference,
      perFold: foldDifferences(data, primary),
      bootstrap: verdictOf(data, c, primary, 'hierarchical-bootstrap'),
    });
    return {
      ...c,
      verdict: verdictOf(data, c, primary, 'auto'),
      secondary: METRIC_NAMES.filter((m) => m !== primary).map((m) => verdictOf(data, c, m, 'auto')),
      sentence: '',
      oneSplit,
    };
  });
  const lowData = main.lowData.map((p) => ({ ...p }));
  // the fine-tuning control (one split: folds run no fine-tuning) stays in the one Holm family
  const finetune = main.finetune && {
    ...main.finetune,
    comparisons: main.finetune.comparisons.map((c) => ({ ...c })),
    gains: main.finetune.gains.map((c) => ({ ...c })),
  };
  const family = adjustFamily({ comparisons, lowData, finetune });
  return {
    ...main,
    comparisons,
    lowData,
    ...(finetune ? { finetune } : {}),
    verdicts: { ...main.verdicts, family },
    folds: {
      k,
      assignment: foldAssignment(cfg.foldScope),
      testTrainRatio,
      folds: folds.map(foldSummary),
      pairs,
    },
  };
}
