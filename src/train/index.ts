/**
 * src/train — training: a generic seeded training loop (AdamW, warm-up + cosine, class-weighted
 * cross entropy, early stopping on validation macro-F1), the run folder (where every stage finds its
 * inputs: backbone, features, heads as plain arrays) and the embedded demo job.
 */
export * from './schedule.js';
export * from './fit.js';
export * from './run-folder.js';
export * from './backbone-config.js';
export * from './checkpoint.js';
export * from './backbone.js';
export * from './compare-config.js';
export * from './compare.js';
export * from './finetune.js';
export * from './stages.js';
export * from './demo.js';
