/**
 * src/eval — evaluation maths, engine-free: classification metrics (confusion matrix, accuracy,
 * balanced accuracy, macro-F1 over the union of true and predicted classes, per-class precision /
 * recall / specificity), seeded percentile bootstrap CIs, the paired McNemar exact test, mean ± sd
 * and t-intervals over seeds, on probabilities:
 * one-vs-rest ROC curves and AUC, expected calibration error with ECE_BINS reliability-diagram bins.
 *
 * The comparison statistics of issue 17 (pure functions over typed arrays):
 *   paired-data.ts            the input of a paired comparison (folds × groups × seeds), checked
 *   paired-metrics/           registry of metrics a comparison can be decided on (one file per kind)
 *   hierarchical-bootstrap.ts grouped, paired bootstrap over folds × test groups × seeds
 *   head-interval.ts          one head's own interval from that bootstrap (test groups × seeds)
 *   grouped-permutation.ts    grouped sign-flip permutation test: one p-value per comparison
 *   nadeau-bengio.ts          corrected resampled t-test over folds
 *   paired-comparison.ts      pairedVerdict: the method choice and the Verdict object
 *   verdict-object.ts         Verdict, its label from CI vs margin, its sentence, Holm over a family
 *   holm.ts                   Holm's step-down adjustment
 *   distributions.ts          Student t CDF and quantile
 *   break-even-ci.ts          noise break-even level with a grouped bootstrap interval
 *   collapse.ts               detection of heads that failed to train; the representative seed
 */
export * from './metrics.js';
export * from './stats.js';
export * from './probabilistic.js';
export * from './distributions.js';
export * from './holm.js';
export * from './paired-data.js';
export * from './paired-metrics/index.js';
export * from './hierarchical-bootstrap.js';
export * from './head-interval.js';
export * from './grouped-permutation.js';
export * from './nadeau-bengio.js';
export * from './verdict-object.js';
export * from './paired-comparison.js';
export * from './break-even-ci.js';
export * from './collapse.js';
