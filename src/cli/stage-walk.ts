/**
 * The stage walk of a run folder: a list of stages (StageDef, cli/stages/types.ts) visited in order
 * against RUN/stages.json. Each stage's config hash is chained with the stages before it; a stage
 * whose outputs exist for the same hash is skipped (resume), a stage whose config or inputs changed
 * is redone, and its old outputs and those of every later stage in the list are removed first.
 * `qmri run` walks the registry (pipeline.ts); a cross-validation fold walks its own short list in
 * its sub-run folder (folds.ts).
 */
import { rmSync } from 'node:fs';
import { configHash } from '../report/index.js';
import { readStageRecords, writeStageRecords, type StageRecords } from '../run/index.js';
import type { StageContext, StageDef } from './stages/types.js';

export type StageName = string;

export interface StageOutcome {
  stage: StageName;
  /** done: ran now; skipped: outputs already there for this config; off: disabled or not applicable */
  state: 'done' | 'skipped' | 'off';
  seconds: number;
  note?: string;
}

/** The walk's state: the stages, the records of RUN/stages.json, the hash chain, the first redone stage. */
interface Walk {
  defs: readonly StageDef[];
  ctx: StageContext;
  records: StageRecords;
  chain: string;
  redoing: boolean;
}

/** When a stage's config or inputs changed: removes its outputs and those of every later stage. */
function redoFrom(w: Walk, i: number, why = 'config changed since the last run'): void {
  w.redoing = true;
  w.ctx.log(
    `${w.defs[i].name}: ${why}: redoing ${w.defs
      .slice(i)
      .map((s) => s.name)
      .join(', ')}`,
  );
  for (const later of w.defs.slice(i)) {
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
  const stage = w.defs[i];
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

/** Visits every stage of `defs` in order in ctx.run (its RUN/stages.json); the outcome of each. */
export async function walkStages(ctx: StageContext, defs: readonly StageDef[]): Promise<StageOutcome[]> {
  const w: Walk = { defs, ctx, records: readStageRecords(ctx.run), chain: '', redoing: false };
  const stages: StageOutcome[] = [];
  for (let i = 0; i < defs.length; i++) stages.push(await visitStage(w, i));
  return stages;
}
