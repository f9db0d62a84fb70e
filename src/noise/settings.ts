/**
 * The noise settings a study evaluates: the swept channels (each channel's `sweeps` in the registry
 * src/quantum/channels) and their noise models at a level p,
 * log-spaced levels, and noise specs ("eagle", "path/to/profile.json", "bit_flip@0.01") used by
 * noise-aware training.
 */
import {
  SWEEPS,
  loadProfile,
  profileToNoiseModel,
  type DeviceProfile,
  type NoiseModel,
  type SweepChannel,
} from '../quantum/index.js';

/** The swept channels, in the order of the channel registry (src/quantum/channels). */
export const SWEEP_CHANNELS: readonly SweepChannel[] = SWEEPS.map((s) => s.name);
export type { SweepChannel };

export const SWEEP_LABELS = Object.fromEntries(SWEEPS.map((s) => [s.name, s.label])) as Record<
  SweepChannel,
  string
>;

/** The noise model of one swept channel at level p (p = 0 gives the noiseless model). */
export function sweepNoiseModel(channel: SweepChannel, p: number): NoiseModel {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${channel}: level must be in [0, 1], got ${p}`);
  const sweep = SWEEPS.find((s) => s.name === channel);
  if (!sweep) throw new Error(`unknown swept channel '${channel}' (one of ${SWEEP_CHANNELS.join(', ')})`);
  return sweep.model(p) as NoiseModel;
}

/** `count` levels log-spaced from lo to hi inclusive. */
export function logLevels(lo: number, hi: number, count: number): number[] {
  if (!(lo > 0 && hi > lo && hi <= 1)) throw new RangeError(`levels: need 0 < lo < hi ≤ 1, got ${lo}, ${hi}`);
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`levels: need at least 2, got ${count}`);
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: count }, (_, i) =>
    Number((10 ** (a + ((b - a) * i) / (count - 1))).toPrecision(6)),
  );
}

export interface NamedNoise {
  name: string;
  model: NoiseModel;
  profile?: DeviceProfile;
}

/** A profile name / JSON path, or CHANNEL@LEVEL for one swept channel (e.g. depolarizing_2q@0.03). */
export function parseNoiseSpec(spec: string, field: string): NamedNoise {
  const m = /^([a-z_0-9]+)@([0-9.eE+-]+)$/.exec(spec);
  if (m) {
    const channel = m[1] as SweepChannel;
    if (!SWEEP_CHANNELS.includes(channel))
      throw new Error(
        `${field}: unknown channel '${m[1]}' in '${spec}' (one of ${SWEEP_CHANNELS.join(', ')})`,
      );
    const p = Number(m[2]);
    if (!Number.isFinite(p) || p < 0 || p > 1)
      throw new RangeError(`${field}: level in '${spec}' must be a number in [0, 1]`);
    return { name: spec, model: sweepNoiseModel(channel, p) };
  }
  let profile: DeviceProfile;
  try {
    profile = loadProfile(spec);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(`${field}: ${/no such profile/.test(msg) ? `${msg}, or CHANNEL@LEVEL` : msg}`);
  }
  return { name: profile.name, model: profileToNoiseModel(profile), profile };
}
