/** Stage `features`: pooled backbone features of every split into RUN/features. */
import { existsSync } from 'node:fs';
import { extractFeatures } from '../../train/index.js';
import type { StageDef } from './types.js';

export const featuresStage: StageDef = {
  name: 'features',
  off: () => null,
  // test-time augmentation changes the features (absent when off, so the hash is what it was)
  config: (cfg) => (cfg.backbone.tta ? { tta: cfg.backbone.tta } : null),
  outputs: (p) => [p.featuresDir],
  done: (p) => ['train', 'val', 'test'].every((s) => existsSync(p.features(s))),
  async run({ run, cfg, log, progress }) {
    await extractFeatures(run, { threads: cfg.threads, progress, log, tta: cfg.backbone.tta });
  },
};
