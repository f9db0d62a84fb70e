/**
 * The noise study's work as a list of independent units in a fixed order: each swept channel × level,
 * each finite-shot setting, each device profile (at every shot count), the noise-aware training. A unit's
 * result depends only on its setting (its shot seeds come from shotSeed tags naming the setting, its
 * bootstrap from the study seed), never on which process makes it or in what order, so
 * `qmri noise --nproc N` hands unit i to worker i mod N (src/util/shard.ts) and merges by index.
 */
import { ownsItem, readShardParts, writeShardPart, type Shard } from '../util/shard.js';
import type { NoiseConfig } from './config.js';
import type { Point } from './points.js';
import type { AwareResult, ProfileRow } from './results.js';
import type { SweepChannel } from './settings.js';
import type { StudyContext } from './study-context.js';
import { runAware } from './study-aware.js';
import type { StudyInputs } from './study-inputs.js';
import { profileUnit } from './study-profiles.js';
import { shotsUnit, sweepLevel } from './study-sweeps.js';

export type StudyUnit =
  | { kind: 'sweep'; channel: SweepChannel; level: number }
  | { kind: 'shots'; shots: number | null }
  | { kind: 'profile'; profile: number }
  | { kind: 'aware' };

/** What a unit made: its points (in the order made) and, by kind, the sweep's raw predictions, the profile rows or the noise-aware result. */
export interface UnitResult {
  points: Point[];
  preds?: Int32Array;
  rows?: ProfileRow[];
  aware?: AwareResult;
}

/** Every unit of a study, in the order its points appear in results.json. */
export function studyUnits(cfg: NoiseConfig, inp: StudyInputs): StudyUnit[] {
  const units: StudyUnit[] = [];
  for (const channel of cfg.channels)
    for (const level of cfg.levels) units.push({ kind: 'sweep', channel, level });
  for (const shots of cfg.shots) units.push({ kind: 'shots', shots });
  for (let profile = 0; profile < inp.profiles.length; profile++) units.push({ kind: 'profile', profile });
  if (inp.aware) units.push({ kind: 'aware' });
  return units;
}

/** What the profile rows are scored against: the noiseless hybrid and the linear head's predictions. */
export interface UnitRefs {
  noiseless: Point;
  linPreds: Int32Array;
}

/** Makes one unit; its points are taken out of ctx.points (the caller keeps them in unit order). */
function runUnit(ctx: StudyContext, inp: StudyInputs, u: StudyUnit, refs: UnitRefs): UnitResult {
  const from = ctx.points.length;
  const r: Omit<UnitResult, 'points'> =
    u.kind === 'sweep'
      ? { preds: sweepLevel(ctx, u.channel, u.level).preds }
      : u.kind === 'shots'
        ? (shotsUnit(ctx, u.shots), {})
        : u.kind === 'profile'
          ? { rows: profileUnit(ctx, inp.profiles[u.profile], u.profile, refs) }
          : { aware: runAware(ctx, inp.q, inp.aware!, inp.test.x, inp.paths) };
  return { ...r, points: ctx.points.splice(from) };
}

const LABELS: Partial<Record<StudyUnit['kind'], string>> = {
  sweep: 'noise sweeps',
  profile: 'device profiles',
};

const SECTION_LOG: Record<StudyUnit['kind'], string> = {
  sweep: 'sweeps',
  shots: 'finite shots',
  profile: 'profiles',
  aware: 'noise-aware training',
};

const secondsSince = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

/** Makes the units this process owns (all of them, unless it is a worker); null for the others. */
function makeUnits(
  ctx: StudyContext,
  inp: StudyInputs,
  units: StudyUnit[],
  refs: UnitRefs,
  shard: Shard | undefined,
): (UnitResult | null)[] {
  const out: (UnitResult | null)[] = [];
  let t0 = performance.now();
  let done = 0;
  for (const [i, u] of units.entries()) {
    if (i === 0 || units[i - 1].kind !== u.kind) {
      const label = LABELS[u.kind];
      if (label) ctx.progress.start(units.filter((x) => x.kind === u.kind).length, label);
      [t0, done] = [performance.now(), 0];
    }
    out.push(ownsItem(shard, i) ? runUnit(ctx, inp, u, refs) : null);
    if (LABELS[u.kind])
      ctx.progress.update(++done, u.kind === 'sweep' ? { channel: u.channel, level: u.level } : {});
    if (i === units.length - 1 || units[i + 1].kind !== u.kind) {
      if (LABELS[u.kind]) ctx.progress.stop();
      ctx.log(`noise: ${SECTION_LOG[u.kind]} done in ${secondsSince(t0)} s`);
    }
  }
  return out;
}

/**
 * Every unit's result in unit order, their points appended to ctx.points in that order: made here
 * (one process), or read from the workers' parts (the merging parent). A worker makes its units,
 * writes them as its part and gets null.
 */
export function studyWork(
  ctx: StudyContext,
  inp: StudyInputs,
  refs: UnitRefs,
  shard?: Shard,
): UnitResult[] | null {
  const units = studyUnits(ctx.cfg, inp);
  const results =
    shard?.role === 'merge'
      ? readShardParts<UnitResult>(shard.dir, shard.worldSize, units.length)
      : makeUnits(ctx, inp, units, refs, shard);
  if (shard?.role === 'worker') {
    writeShardPart(
      shard,
      results.filter((r): r is UnitResult => r !== null),
    );
    return null;
  }
  const all = results as UnitResult[];
  for (const r of all) ctx.points.push(...r.points);
  return all;
}
