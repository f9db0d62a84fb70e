/**
 * The noise study's sweeps: each swept channel at one level (with readout mitigation or ZNE when
 * configured), a channel's levels put together with the level where the hybrid falls to each
 * classical reference (break-even), and the finite-shot points without noise.
 */
import { breakEven } from './break-even.js';
import { accuracyBreakEvenInterval } from './break-even-interval.js';
import type { Point } from './points.js';
import type { SweepResult } from './results.js';
import { SWEEP_LABELS, sweepNoiseModel, type SweepChannel } from './settings.js';
import { shotSeed, type StudyContext } from './study-context.js';

/** the points of one level, and the unmitigated predictions (for the break-even interval) */
export function sweepLevel(
  ctx: StudyContext,
  channel: SweepChannel,
  level: number,
): { sp: Point[]; preds: Int32Array } {
  const { cfg, exec } = ctx;
  const noise = sweepNoiseModel(channel, level);
  const plain = ctx.zPoint('sweep', channel, exec.expvals({ noise }), { level });
  const sp = [plain.point];
  if (!cfg.mitigation.sweeps) return { sp, preds: plain.preds };
  if (channel === 'readout' && cfg.mitigation.readout) {
    const z = exec.expvals({ noise, readoutMitigation: true });
    sp.push(ctx.zPoint('sweep', channel, z, { level, mitigation: 'readout' }).point);
  }
  if (channel !== 'readout' && cfg.mitigation.zne) {
    const z = ctx.zne((scale) => exec.expvals({ noise, scale }));
    sp.push(ctx.zPoint('sweep', channel, z.linear, { level, mitigation: 'zne-linear' }).point);
    sp.push(ctx.zPoint('sweep', channel, z.richardson, { level, mitigation: 'zne-richardson' }).point);
  }
  return { sp, preds: plain.preds };
}

/** what the break-even interval resamples: test groups, the noiseless and each reference's predictions */
export interface IntervalInputs {
  groups: string[];
  refs: { kind: string; preds: Int32Array }[];
  noiselessPreds: Int32Array;
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

/** one channel swept over the configured levels: its levels' points and raw predictions (in level order) put together */
export function sweepResult(
  ctx: StudyContext,
  channel: SweepChannel,
  levels: { sp: Point[]; preds: Int32Array }[],
  noiseless: Point,
  references: Point[],
  iv: IntervalInputs,
): SweepResult {
  const { cfg } = ctx;
  const sp = levels.flatMap((l) => l.sp);
  const at = {
    labels: ctx.labels,
    groups: iv.groups,
    levels: cfg.levels,
    noiseless: iv.noiselessPreds,
    atLevel: levels.map((l) => l.preds),
  };
  const interval = Object.fromEntries(
    iv.refs.map((r) => [r.kind, accuracyBreakEvenInterval({ ...at, reference: r.preds }, ctx.so)]),
  );
  return {
    channel,
    label: SWEEP_LABELS[channel],
    points: sp,
    breakEven: breakEvens(cfg.levels, sp, noiseless, references),
    breakEvenInterval: interval,
  };
}

/** finite shots alone, without noise (exact for null) */
export function shotsUnit(ctx: StudyContext, s: number | null): Point {
  return ctx.zPoint(
    'profile',
    'shots-only',
    ctx.exec.expvals({ shots: s, seed: shotSeed(ctx.cfg.seed, `shots|${s}`) }),
    {
      shots: s,
    },
  ).point;
}
