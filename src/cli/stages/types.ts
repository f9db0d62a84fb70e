/** What a pipeline stage is (StageDef): one file per stage in this folder, listed once in index.ts. */
import type { RunPaths } from '../../run/index.js';
import type { ProgressSink } from '../../util/progress.js';
import type { ExperimentConfig } from '../config.js';

export interface StageContext {
  run: string;
  cfg: ExperimentConfig;
  paths: RunPaths;
  log: (line: string) => void;
  progress: ProgressSink;
  /** local worker processes for the stages that shard their work (`qmri run --nproc N`; noise) */
  nproc?: number;
}

export interface StageDef {
  name: string;
  /** why the stage does not run for this config (disabled, not applicable), or null */
  off(cfg: ExperimentConfig): string | null;
  /** the part of the config the stage depends on (hashed, chained with the stages before it) */
  config(cfg: ExperimentConfig): unknown;
  /** what the stage owns in the run folder (removed when its config changes) */
  outputs(p: RunPaths): string[];
  /** whether its outputs are all there (a finished stage with the same hash is then skipped) */
  done(p: RunPaths): boolean;
  /** why a finished stage's inputs outside the config changed since it ran (edited images), or null */
  stale?(p: RunPaths): string | null;
  /** runs the stage; returns a one-line note for the log and RUN/run.json */
  run(ctx: StageContext): Promise<string | void>;
}
