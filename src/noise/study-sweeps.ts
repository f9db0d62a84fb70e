/**
 * The noise study's sweeps: each swept channel at each level (with readout mitigation or ZNE when
 * configured), the level where the hybrid falls to each classical reference (break-even), and the
 * finite-shot points without noise.
 */
import { breakEven } from './break-even.js';
import type { Point } from './points.js';
import type { SweepResult } from './results.js';
import { SWEEP_LABELS, sweepNoiseModel, type SweepChannel } from './settings.js';
import { shotSeed, type StudyContext } from './study-context.js';

function sweepLevel(ctx: StudyContext, channel: SweepChannel, level: number): Point[] {
  const { cfg, exec } = ctx;
  const noise = sweepNoiseModel(channel, level);
  const sp = [ctx.zPoint('sweep', channel, exec.expvals({ noise }), { level }).point];
  if (!cfg.mitigation.sweeps) return sp;
  if (channel === 'readout' && cfg.mitigation.readout) {
    const z = exec.expvals({ noise, readoutMitigation: true });
    sp.push(ctx.zPoint('sweep', channel, z, { level, mitigation: 'readout' }).point);
  }
  if (channel !== 'readout' && cfg.mitigation.zne) {
    const z = ctx.zne((scale) => exec.expvals({ noise, scale }));
    sp.push(ctx.zPoint('sweep', channel, z.linear, { level, mitigation: 'zne-linear' }).point);
    sp.push(ctx.zPoint('sweep', channel, z.richardson, { level, mitigation: 'zne-richardson' }).point);
  }
  return sp;
}

function breakEvens(
  levels: number[],
  sp: Point[],
  noiseless: Point,
  references: Point[],
): SweepResult['breakEven'] {
  const raw = sp.filter((p) => p.mitigation === 'none');
  const be: SweepResult['breakEven'] = {};
  for (const r of references)
    be[r.setting] = {
      accuracy: breakEven(
        noiseless.accuracy,
        levels,
        raw.map((p) => p.accuracy),
        r.accuracy,
      ),
      macroF1: breakEven(
        noiseless.macroF1,
        levels,
        raw.map((p) => p.macroF1),
        r.macroF1,
      ),
    };
  return be;
}

/** every configured channel swept over every configured level */
export function runSweeps(ctx: StudyContext, noiseless: Point, references: Point[]): SweepResult[] {
  const { cfg, progress } = ctx;
  const sweeps: SweepResult[] = [];
  progress.start(cfg.channels.length * cfg.levels.length, 'noise sweeps');
  let done = 0;
  for (const channel of cfg.channels) {
    const sp: Point[] = [];
    for (const level of cfg.levels) {
      sp.push(...sweepLevel(ctx, channel, level));
      progress.update(++done, { channel, level });
    }
    const be = breakEvens(cfg.levels, sp, noiseless, references);
    sweeps.push({ channel, label: SWEEP_LABELS[channel], points: sp, breakEven: be });
  }
  progress.stop();
  return sweeps;
}

/** finite shots alone, without noise */
export function runShotsOnly(ctx: StudyContext): Point[] {
  const { cfg, exec } = ctx;
  return cfg.shots.map(
    (s) =>
      ctx.zPoint(
        'profile',
        'shots-only',
        exec.expvals({ shots: s, seed: shotSeed(cfg.seed, `shots|${s}`) }),
        {
          shots: s,
        },
      ).point,
  );
}
