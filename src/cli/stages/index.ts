/**
 * The pipeline stages of `qmri run`, in order: one file per stage (a StageDef, types.ts), one line
 * here. Adding a stage = one new file + one line in STAGE_DEFS (at its place in the order).
 */
import { backboneStage } from './backbone.js';
import { compareStage } from './compare.js';
import { dataStage } from './data.js';
import { explainStage } from './explain.js';
import { featuresStage } from './features.js';
import { noiseStage } from './noise.js';
import { phantomsStage } from './phantoms.js';
import { reportStage } from './report.js';
import type { StageDef } from './types.js';

export type { StageContext, StageDef } from './types.js';
export { dataConfigOf, prepareRunData } from './data.js';

export const STAGE_DEFS: readonly StageDef[] = [
  phantomsStage,
  dataStage,
  backboneStage,
  featuresStage,
  compareStage,
  explainStage,
  noiseStage,
  reportStage,
];

export const STAGES: readonly string[] = STAGE_DEFS.map((s) => s.name);
