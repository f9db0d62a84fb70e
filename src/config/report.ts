/** The report section: the HTML report (src/report writeReport). */
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { bool, closed, int } from './kit.js';

export const ReportSchema = closed({
  enabled: bool(true),
  title: Type.String({ default: 'qmri report' }),
  /** cases shown in the report's gallery */
  gallery: int(0, 1000, 12),
});
export type ReportSection = Static<typeof ReportSchema>;
