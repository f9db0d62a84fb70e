/** Stage `backbone`: DenseNet training with per-epoch checkpoints (resumes after a kill). */
import { existsSync } from 'node:fs';
import { trainBackbone } from '../../train/index.js';
import type { StageDef } from './types.js';

export const backboneStage: StageDef = {
  name: 'backbone',
  off: () => null,
  config: (cfg) => ({ ...cfg.backbone, seed: cfg.seed }),
  outputs: (p) => [p.backboneDir],
  done: (p) => existsSync(p.backboneMetrics) && existsSync(p.model) && existsSync(p.arch),
  async run({ run, cfg, log, progress }) {
    const r = await trainBackbone(
      run,
      { ...cfg.backbone, seed: cfg.seed, threads: cfg.threads },
      { log, progress },
    );
    const proxy = r.proxy ? `, cross-source proxy accuracy ${(100 * r.proxy.accuracy).toFixed(1)}%` : '';
    return `best epoch ${r.bestEpoch + 1}, test accuracy ${(100 * r.test.accuracy).toFixed(1)}%${proxy}`;
  },
};
