/** Stage `noise`: the quantum head under NISQ noise (src/noise noiseStudy). */
import { existsSync } from 'node:fs';
import { withRuntime } from '../../engine/index.js';
import { hasCircuit } from '../../heads/index.js';
import { noiseStudy } from '../../noise/index.js';
import type { StageDef } from './types.js';

export const noiseStage: StageDef = {
  name: 'noise',
  off: (cfg) =>
    !cfg.noise.enabled
      ? 'disabled'
      : cfg.compare.heads.some(hasCircuit)
        ? null
        : 'no quantum head in compare.heads',
  config: (cfg) => cfg.noise,
  outputs: (p) => [p.noiseDir],
  done: (p) => existsSync(p.noiseResults),
  async run({ run, cfg, log, progress }) {
    const { enabled: _e, ...noise } = cfg.noise;
    await withRuntime({ threads: cfg.threads }, () => noiseStudy(run, noise, { log, progress }));
  },
};
