/**
 * `qmri run`: the whole pipeline from one resolved experiment config, into one run folder.
 * Stages in order (the registry src/cli/stages) — phantoms (when data.synthetic) → data → backbone →
 * features → compare → explain → noise → report. Each stage's config hash (chained with the stages before it) is kept in
 * RUN/stages.json: a stage whose outputs exist for the same hash is skipped, so a rerun resumes
 * (the backbone stage also resumes its own last checkpoint after a kill); a stage whose config
 * changed is redone, and its old outputs and those of every later stage are removed first.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { configHash } from '../report/index.js';
import { lockRun, readStageRecords, runPaths, writeStageRecords, type StageRecords } from '../run/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { nullProgress, type ProgressSink } from '../util/progress.js';
import type { ExperimentConfig } from './config.js';
import { STAGE_DEFS, type StageContext, type StageDef } from './stages/index.js';

export { STAGES, dataConfigOf } from './stages/index.js';

export type StageName = string;

export interface StageOutcome {
  stage: StageName;
  /** done: ran now; skipped: outputs already there for this config; off: disabled or not applicable */
  state: 'done' | 'skipped' | 'off';
  seconds: number;
  note?: string;
}

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

/** The stage walk's state: the records of RUN/stages.json, the hash chain, the first redone stage. */
interface Walk {
  ctx: StageContext;
  records: StageRecords;
  chain: string;
  redoing: boolean;
}

/** When a stage's config or inputs changed: removes its outputs and those of every later stage. */
function redoFrom(w: Walk, i: number, why = 'config changed since the last run'): void {
  w.redoing = true;
  w.ctx.log(
    `${STAGE_DEFS[i].name}: ${why}: redoing ${STAGE_DEFS.slice(i)
      .map((s) => s.name)
      .join(', ')}`,
  );
  for (const later of STAGE_DEFS.slice(i)) {
    for (const f of later.outputs(w.ctx.paths)) rmSync(f, { recursive: true, force: true });
    delete w.records[later.name];
  }
}

/** Runs one stage, recording it unfinished then finished in RUN/stages.json. */
async function runStage(w: Walk, stage: StageDef): Promise<StageOutcome> {
  const { ctx, records } = w;
  const s0 = performance.now();
  const rec = records[stage.name];
  ctx.log(`${stage.name}: ${rec && !rec.finished ? 'resuming' : 'running'}`);
  records[stage.name] = { hash: w.chain, finished: false };
  writeStageRecords(ctx.run, records);
  let note: string | void;
  try {
    note = await stage.run(ctx);
  } finally {
    ctx.progress.stop();
  }
  records[stage.name] = { hash: w.chain, finished: true };
  writeStageRecords(ctx.run, records);
  const seconds = (performance.now() - s0) / 1000;
  ctx.log(`${stage.name}: done in ${seconds.toFixed(1)} s${note ? ` — ${note}` : ''}`);
  return { stage: stage.name, state: 'done', seconds, ...(note ? { note } : {}) };
}

/** One stage of the walk: off, skipped (same config, outputs there) or run. */
async function visitStage(w: Walk, i: number): Promise<StageOutcome> {
  const stage = STAGE_DEFS[i];
  const off = stage.off(w.ctx.cfg);
  if (off !== null) return { stage: stage.name, state: 'off', seconds: 0, note: off };
  w.chain = configHash({ previous: w.chain, stage: stage.name, config: stage.config(w.ctx.cfg) });
  const rec = w.records[stage.name];
  const changed = rec !== undefined && rec.hash !== w.chain;
  if (changed && !w.redoing) redoFrom(w, i);
  const stale = !changed && !w.redoing && rec?.finished ? (stage.stale?.(w.ctx.paths) ?? null) : null;
  if (stale) redoFrom(w, i, stale);
  if (!changed && !stale && rec?.finished && stage.done(w.ctx.paths)) {
    w.ctx.log(`${stage.name}: up to date, skipped`);
    return { stage: stage.name, state: 'skipped', seconds: 0 };
  }
  return runStage(w, stage);
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
  const w: Walk = { ctx, records: readStageRecords(run), chain: '', redoing: false };
  const stages: StageOutcome[] = [];
  for (let i = 0; i < STAGE_DEFS.length; i++) stages.push(await visitStage(w, i));
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
