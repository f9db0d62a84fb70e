/**
 * The noise study's device profiles: a profile at each shot count, raw and with the configured
 * mitigations (readout inversion, ZNE, both), scored against the noiseless hybrid and, paired,
 * against the linear head.
 */
import type { NoiseModel } from '../quantum/index.js';
import type { Mitigation, Point } from './points.js';
import type { ProfileResult, ProfileRow } from './results.js';
import { accuracyDelta } from './scoring.js';
import type { NamedNoise } from './settings.js';
import { shotSeed, type StudyContext } from './study-context.js';

const r6 = (v: number) => Number(v.toFixed(6));

/** ⟨Z⟩ under the profile at these shots: raw, then each configured mitigation */
function variants(
  ctx: StudyContext,
  prof: NamedNoise,
  pi: number,
  s: number | null,
): [Mitigation, Float64Array][] {
  const { cfg, exec } = ctx;
  const noise: NoiseModel = prof.model;
  const at = (scale: number, readoutMitigation = false) =>
    exec.expvals({
      noise,
      scale,
      shots: s,
      seed: shotSeed(cfg.seed, `${prof.name}|${pi}|${s}|${scale}`),
      readoutMitigation,
    });
  const out: [Mitigation, Float64Array][] = [['none', at(1)]];
  const hasReadout = !!noise.readout;
  const hasGateNoise = noise.rules.length > 0;
  if (cfg.mitigation.readout && hasReadout) out.push(['readout', at(1, true)]);
  if (cfg.mitigation.zne && hasGateNoise) {
    const z = ctx.zne((scale) => at(scale));
    out.push(['zne-linear', z.linear], ['zne-richardson', z.richardson]);
    if (cfg.mitigation.readout && hasReadout)
      out.push(['readout+zne-richardson', ctx.zne((scale) => at(scale, true)).richardson]);
  }
  return out;
}

function profileRow(
  ctx: StudyContext,
  prof: NamedNoise,
  s: number | null,
  mitigation: Mitigation,
  z: Float64Array,
  noiseless: Point,
  linPreds: Int32Array,
): ProfileRow {
  const { point, preds } = ctx.zPoint('profile', prof.name, z, { shots: s, mitigation });
  const d = accuracyDelta(ctx.labels, preds, linPreds, ctx.so);
  return {
    shots: s,
    mitigation,
    point,
    dropAccuracy: r6(noiseless.accuracy - point.accuracy),
    dropMacroF1: r6(noiseless.macroF1 - point.macroF1),
    vsLinear: { estimate: r6(d.estimate), lo: r6(d.lo), hi: r6(d.hi) },
  };
}

/**
 * one device profile at every configured shot count (in shot order): raw and mitigated rows; one
 * unit of work, so its shot counts share the profile's density-matrix run (the executor's cache)
 */
export function profileUnit(
  ctx: StudyContext,
  prof: NamedNoise,
  pi: number,
  refs: { noiseless: Point; linPreds: Int32Array },
): ProfileRow[] {
  return ctx.cfg.shots.flatMap((s) =>
    variants(ctx, prof, pi, s).map(([mitigation, z]) =>
      profileRow(ctx, prof, s, mitigation, z, refs.noiseless, refs.linPreds),
    ),
  );
}

/** a device profile's rows put together */
export function profileResult(
  ctx: StudyContext,
  prof: NamedNoise,
  pi: number,
  rows: ProfileRow[],
): ProfileResult {
  return {
    name: prof.name,
    spec: ctx.cfg.profiles[pi],
    description: prof.profile?.description ?? null,
    rows,
  };
}
