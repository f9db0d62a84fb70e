/**
 * src/eval — evaluation maths, engine-free: classification metrics (confusion matrix, accuracy,
 * balanced accuracy, macro-F1, per-class precision / recall / specificity), seeded percentile
 * bootstrap CIs, the paired McNemar exact test, mean ± sd and t-intervals over seeds, and the
 * verdict sentence built from those numbers; on probabilities: one-vs-rest ROC curves and AUC,
 * expected calibration error with reliability-diagram bins.
 */
export * from './metrics.js';
export * from './stats.js';
export * from './probabilistic.js';
