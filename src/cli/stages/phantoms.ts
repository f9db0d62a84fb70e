/** Stage `phantoms`: generated phantom images (data.synthetic) into RUN/data/phantoms. */
import { existsSync, rmSync } from 'node:fs';
import { writePhantomDataset } from '../../data/index.js';
import type { StageDef } from './types.js';

export const phantomsStage: StageDef = {
  name: 'phantoms',
  off: (cfg) => (cfg.data.synthetic ? null : 'data.dir given'),
  config: (cfg) => cfg.data.synthetic ?? null,
  outputs: (p) => [p.phantomsDir],
  done: (p) => existsSync(p.phantomsDir),
  async run({ cfg, paths, progress }) {
    const s = cfg.data.synthetic!;
    const dir = paths.phantomsDir;
    rmSync(dir, { recursive: true, force: true });
    progress.start(s.n, 'phantoms');
    await writePhantomDataset(dir, { ...s, onProgress: (d) => progress.update(d) });
    progress.stop();
    return `${s.n} phantoms at ${s.size} px in ${dir}`;
  },
};
