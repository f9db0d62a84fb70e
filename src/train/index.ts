/**
 * src/train — training: a generic seeded training loop (AdamW, warm-up + cosine, class-weighted
 * cross entropy, early stopping on validation macro-F1) and the embedded demo job. Checkpointing,
 * resume after kill -9, the feature cache and the multi-seed comparison command of issue #5 are not
 * written yet.
 */
export * from './schedule.js';
export * from './fit.js';
export * from './demo.js';
