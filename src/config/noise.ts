/**
 * The noise section: the NISQ noise study (src/noise noiseStudy). Swept channels come from the
 * channel registry (src/quantum/channels). Input shapes the schema accepts and the study's form:
 * levels as a list or {from, to, count} (log-spaced), shots as counts or null / "exact" / 0 (exact).
 */
import { Type, type Static } from '@sinclair/typebox';
import { SWEEPS, type SweepChannel } from '../quantum/channels/index.js';
import { bool, closed, int, lr, nameList, num, str } from './kit.js';

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

/** Zero-noise-extrapolation scale factors (odd, increasing, from 1). */
export const ZNE_SCALES = [1, 3, 5] as const;
export const MAX_SHOTS = 100_000_000;
const SWEEP_NAMES = SWEEPS.map((s) => s.name) as SweepChannel[];

const shotCount = (def?: number) =>
  Type.Union([int(1, MAX_SHOTS), Type.Null(), Type.Literal('exact'), Type.Literal(0)], {
    description: `a shot count (an integer in [1, ${MAX_SHOTS}]), or null, "exact" or 0 for the exact expectation`,
    ...(def !== undefined ? { default: def } : {}),
  });

const noiseFields = {
  channels: nameList(SWEEP_NAMES, SWEEP_NAMES),
  levels: Type.Union(
    [
      Type.Array(num(0, 1, undefined, 'min'), { minItems: 2 }),
      closed(
        {
          from: Type.Optional(num(0, 1, undefined, 'min')),
          to: Type.Optional(num(0, 1, undefined, 'min')),
          count: Type.Optional(int(2, 100)),
        },
        null,
      ),
    ],
    {
      description:
        'a list of ≥ 2 increasing levels in (0, 1], or { from, to, count } (levels in (0, 1], count in [2, 100])',
      default: logLevels(1e-4, 1e-1, 8),
    },
  ),
  profiles: Type.Array(str(), { minItems: 1, default: ['ideal', 'heron', 'eagle'] }),
  shots: Type.Array(shotCount(), { minItems: 1, default: [100, 1000, 10000, null] }),
  mitigation: closed({
    readout: bool(true),
    zne: bool(true),
    sweeps: bool(true),
    scales: Type.Array(int(1, 99), { minItems: 2, default: [...ZNE_SCALES] }),
  }),
  aware: closed({
    enabled: bool(true),
    /** noise to train under: a profile name / JSON path or CHANNEL@LEVEL */
    noise: str('eagle'),
    shots: shotCount(1000),
    epochs: int(1, 1000, 3),
    /** at most this many training samples (seeded subset) */
    subset: int(4, 100_000_000, 256),
    batchSize: int(1, 4096, 32),
    lr: lr(0.05),
  }),
  bootstrap: closed({ resamples: int(10, 1_000_000, 1000) }),
  seed: int(0, 2 ** 32 - 1, 0),
  /** which quantum / classical head seed to study (default: the lowest present) */
  headSeed: Type.Optional(int(0, 2 ** 31 - 1)),
  /** evaluate on at most this many test samples (seeded subset); default all */
  maxSamples: Type.Optional(int(1, 100_000_000)),
};

/** The noise study's input settings. */
export const NoiseInputSchema = closed(noiseFields);
export type NoiseInput = Static<typeof NoiseInputSchema>;
/** The experiment config's noise section. */
export const NoiseSectionSchema = closed({ enabled: bool(true), ...noiseFields });
export type NoiseSection = Static<typeof NoiseSectionSchema>;

type Shots = Static<ReturnType<typeof shotCount>>;
/** The study's form: levels listed, shots as counts or null (exact). */
export type NoiseConfig = Omit<NoiseInput, 'levels' | 'shots' | 'aware' | 'channels'> & {
  channels: SweepChannel[];
  levels: number[];
  shots: (number | null)[];
  aware: Omit<NoiseInput['aware'], 'shots'> & { shots: number | null };
};

const exactAsNull = (s: Shots): number | null => (s === 'exact' || s === 0 || s === null ? null : s);

/** The study's form of validated input; rules across values (increasing levels, odd scales) named by key. */
export function finishNoise(c: NoiseInput, at: string): NoiseConfig {
  let levels: number[];
  if (Array.isArray(c.levels)) {
    levels = c.levels;
    levels.forEach((p, i) => {
      if (i > 0 && !(p > levels[i - 1])) throw new RangeError(`${at}.levels[${i}]: levels must increase`);
    });
  } else levels = logLevels(c.levels.from ?? 1e-4, c.levels.to ?? 1e-1, c.levels.count ?? 8);
  const scales = c.mitigation.scales;
  if (scales[0] !== 1)
    throw new RangeError(`${at}.mitigation.scales: must be a list of ≥ 2 odd scale factors starting at 1`);
  scales.forEach((v, i) => {
    if (v % 2 !== 1 || (i > 0 && v <= scales[i - 1]))
      throw new RangeError(`${at}.mitigation.scales[${i}]: scale factors must be odd and increasing`);
  });
  return {
    ...c,
    channels: c.channels as SweepChannel[],
    levels,
    shots: c.shots.map(exactAsNull),
    aware: { ...c.aware, shots: exactAsNull(c.aware.shots) },
  };
}
