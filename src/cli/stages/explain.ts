/** Stage `explain`: Grad-CAM / SHAP on cases and the audit (src/explain explainRun). */
import { existsSync } from 'node:fs';
import { withRuntime } from '../../engine/index.js';
import { explainRun } from '../../explain/index.js';
import type { StageDef } from './types.js';

export const explainStage: StageDef = {
  name: 'explain',
  off: (cfg) => (cfg.explain.enabled ? null : 'disabled'),
  config: (cfg) => cfg.explain,
  outputs: (p) => [p.explainDir],
  done: (p) => existsSync(p.explainAudit),
  async run({ run, cfg, log, progress }) {
    const { enabled: _e, ...explain } = cfg.explain;
    const r = await withRuntime({ threads: cfg.threads }, () => explainRun(run, explain, { log, progress }));
    return `${r.cases} cases, ${r.flagged.length} flagged`;
  },
};
