/**
 * Stage `compare`: every head kind over seeds on the features, compared (src/train compareHeads);
 * with compare.folds = k ≥ 2 then the k cross-validation folds (../folds.ts, RUN/folds/fold-<i>,
 * each resumable) and the verdicts over the folds.
 */
import { existsSync } from 'node:fs';
import { compareHeads } from '../../train/index.js';
import { crossValidate } from '../folds.js';
import type { StageDef } from './types.js';

export const compareStage: StageDef = {
  name: 'compare',
  off: () => null,
  config: (cfg) => cfg.compare,
  // the fold ensemble's scores (qmri ensemble) are made from the folds, so they go with them
  outputs: (p) => [p.headsDir, p.compareDir, p.foldsDir, p.ensembleDir],
  done: (p) => existsSync(p.compare),
  async run({ run, cfg, log, progress }) {
    const main = await compareHeads(run, { ...cfg.compare, threads: cfg.threads }, { log, progress });
    const r = await crossValidate(run, cfg, main, { log, progress });
    return r.comparisons.map((c) => c.sentence).join(' | ');
  },
};
