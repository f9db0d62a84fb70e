/** Stage `compare`: every head kind over seeds on the features, compared (src/train compareHeads). */
import { existsSync } from 'node:fs';
import { compareHeads } from '../../train/index.js';
import type { StageDef } from './types.js';

export const compareStage: StageDef = {
  name: 'compare',
  off: () => null,
  config: (cfg) => cfg.compare,
  outputs: (p) => [p.headsDir, p.compareDir],
  done: (p) => existsSync(p.compare),
  async run({ run, cfg, log, progress }) {
    const r = await compareHeads(run, { ...cfg.compare, threads: cfg.threads }, { log, progress });
    return r.comparisons.map((c) => c.sentence).join(' | ');
  },
};
