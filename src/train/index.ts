/**
 * src/train — training and the head comparison, on the run folder:
 *   fit.ts              generic seeded loop (AdamW, warm-up + cosine, class-weighted CE, label
 *                       smoothing, early stopping on validation macro-F1) and predict()
 *   backbone*.ts        DenseNet backbone training with an atomic per-epoch checkpoint
 *                       (checkpoint.ts) and bit-exact resume after kill -9; settings validated
 *   ema.ts              an exponential moving average of a model's weights (backbone.ema)
 *   box-guidance.ts     backbone.boxGuidance: the penalty on the true class's CAM outside the tumor box
 *   stages.ts           trainBackbone / extractFeatures: manifest → images → RUN/backbone, RUN/features
 *   calibrate.ts        qmri compare --calibrate N: A/A comparisons of the reference head against itself
 *   calibrate-folds.ts  the same A/A through the fold-level verdict (compare.folds, fold sub-runs' features)
 *   compare*.ts         compareHeads: linear, parameter-matched bottleneck and quantum heads over
 *                       seeds, test metrics, bootstrap CIs, McNemar, low-data study, verdicts
 *   tune.ts             compare.tune: the same seeded random search (lr, epochs, weight decay) for
 *                       every head kind, chosen on the validation primary metric only
 *   finetune.ts         end-to-end fine-tuning of backbone + one frozen head (any kind, one seed)
 *   ensemble.ts         the k-fold backbone ensemble: the folds' softmax averaged on one split
 *   fold-verdicts.ts    compare.folds = k: the verdicts decided over the folds (Nadeau–Bengio; why there)
 *   finetune-control.ts compare.finetune: that control for every head kind × seeds, with verdicts
 */
export * from './schedule.js';
export * from './fit.js';
export * from './box-guidance.js';
export * from './backbone-config.js';
export * from './ema.js';
export * from './checkpoint.js';
export * from './backbone.js';
export * from './compare-config.js';
export * from './compare.js';
export * from './calibrate.js';
export * from './calibrate-folds.js';
export * from './finetune.js';
export * from './fold-verdicts.js';
export * from './ensemble.js';
export * from './finetune-control.js';
export * from './tune.js';
export * from './stages.js';
