/** Stage `report`: the self-contained HTML report (always redone when enabled). */
import { writeReport } from '../../report/index.js';
import type { StageDef } from './types.js';

export const reportStage: StageDef = {
  name: 'report',
  off: (cfg) => (cfg.report.enabled ? null : 'disabled'),
  config: (cfg) => cfg.report,
  outputs: (p) => [p.report, p.reportDir],
  done: () => false,
  run: ({ run, cfg }) => writeReport(run, { title: cfg.report.title, gallery: cfg.report.gallery }),
};
