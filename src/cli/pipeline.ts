/**
 * `qmri run`: the whole pipeline from one resolved experiment config, into one run folder.
 * Stages in order (the registry src/cli/stages) — phantoms (when data.synthetic) → data → backbone →
 * features → compare → explain → noise → report. Each stage's config hash (chained with the stages before it) is kept in
 * RUN/stages.json: a stage whose outputs exist for the same hash is skipped, so a rerun resumes
 * (the backbone stage also resumes its own last checkpoint after a kill); a stage whose config
 * changed is redone, and its old outputs and those of every later stage are removed first (the walk
 * itself: stage-walk.ts).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { configHash } from '../report/index.js';
import { lockRun, runPaths } from '../run/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { nullProgress, type ProgressSink } from '../util/progress.js';
import type { ExperimentConfig } from './config.js';
import { walkStages, type StageOutcome } from './stage-walk.js';
import { STAGE_DEFS, type StageContext } from './stages/index.js';

export { STAGES, dataConfigOf } from './stages/index.js';
export type { StageName, StageOutcome } from './stage-walk.js';

export interface RunOutcome {
  run: string;
  report: string | null;
  configHash: string;
  stages: StageOutcome[];
  seconds: number;
}

export interface RunHooks {
  log?: (line: string) => void;
  progress?: ProgressSink;
  /** local worker processes for the stages that shard their work (the noise study) */
  nproc?: number;
}

/** Files the config names, checked before the run folder is touched. */
export function preflight(cfg: ExperimentConfig): void {
  const need = (field: string, path: string | undefined, kind: 'folder' | 'file') => {
    if (path === undefined) return;
    if (!existsSync(path)) throw new Error(`${field}: ${path}: ${kind} not found`);
    if ((kind === 'folder') !== statSync(path).isDirectory())
      throw new Error(`${field}: ${path}: not a ${kind}`);
  };
  need('data.dir', cfg.data.dir, 'folder');
  need('backbone.weights', cfg.backbone.weights, 'file');
  cfg.explain.images?.forEach((f, i) => need(`explain.images[${i}]`, f, 'file'));
  if (existsSync(cfg.out) && !statSync(cfg.out).isDirectory())
    throw new Error(`out: ${cfg.out}: not a folder`);
}

/** Runs (or resumes) every stage of an experiment into cfg.out. */
export async function runExperiment(cfg: ExperimentConfig, hooks: RunHooks = {}): Promise<RunOutcome> {
  const t0 = performance.now();
  preflight(cfg);
  const run = resolve(cfg.out);
  mkdirSync(run, { recursive: true });
  const unlock = lockRun(run);
  try {
    return await runStages(run, cfg, hooks, t0);
  } finally {
    unlock();
  }
}

async function runStages(
  run: string,
  cfg: ExperimentConfig,
  hooks: RunHooks,
  t0: number,
): Promise<RunOutcome> {
  const paths = runPaths(run);
  writeJsonAtomic(paths.config, cfg);
  const ctx: StageContext = {
    run,
    cfg,
    paths,
    log: hooks.log ?? (() => {}),
    progress: hooks.progress ?? nullProgress,
    nproc: hooks.nproc,
  };
  const stages = await walkStages(ctx, STAGE_DEFS);
  const outcome: RunOutcome = {
    run,
    report: existsSync(paths.report) ? paths.report : null,
    configHash: configHash(cfg),
    stages,
    seconds: (performance.now() - t0) / 1000,
  };
  writeJsonAtomic(paths.outcome, outcome);
  return outcome;
}
