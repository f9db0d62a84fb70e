/**
 * The noise study's configuration, its defaults and validation (every error names the field). JSON
 * shape: { channels, levels | {from, to, count}, profiles, shots (null = exact), mitigation: {readout,
 * zne, sweeps, scales}, aware: {enabled, noise, shots, epochs, subset, batchSize, lr},
 * bootstrap: {resamples}, seed, headSeed, maxSamples }.
 */
import { ZNE_SCALES } from './fold.js';
import { SWEEP_CHANNELS, logLevels, type SweepChannel } from './settings.js';

export interface AwareConfig {
  enabled: boolean;
  /** noise to train under: a profile name / JSON path or CHANNEL@LEVEL */
  noise: string;
  shots: number | null;
  epochs: number;
  /** at most this many training samples (seeded subset) */
  subset: number;
  batchSize: number;
  lr: number;
}

export interface NoiseConfig {
  channels: SweepChannel[];
  levels: number[];
  profiles: string[];
  /** finite shot counts; null (or "exact" or 0 in input) = exact expectation */
  shots: (number | null)[];
  mitigation: { readout: boolean; zne: boolean; sweeps: boolean; scales: number[] };
  aware: AwareConfig;
  bootstrap: { resamples: number };
  seed: number;
  /** which quantum / classical head seed to study (default: the lowest present) */
  headSeed?: number;
  /** evaluate on at most this many test samples (seeded subset); default all */
  maxSamples?: number;
}

export const DEFAULT_NOISE_CONFIG: NoiseConfig = {
  channels: [...SWEEP_CHANNELS],
  levels: logLevels(1e-4, 1e-1, 8),
  profiles: ['ideal', 'heron', 'eagle'],
  shots: [100, 1000, 10000, null],
  mitigation: { readout: true, zne: true, sweeps: true, scales: [...ZNE_SCALES] },
  aware: { enabled: true, noise: 'eagle', shots: 1000, epochs: 3, subset: 256, batchSize: 32, lr: 0.05 },
  bootstrap: { resamples: 1000 },
  seed: 0,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function int(v: unknown, f: string, lo: number, hi = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw new RangeError(`${f}: must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  return v;
}

function bool(v: unknown, f: string): boolean {
  if (typeof v !== 'boolean') throw new Error(`${f}: must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function keys(o: Obj, allowed: string[], f: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new Error(`${f}.${k}: unknown key`);
}

function parseLevels(v: unknown, f: string): number[] {
  if (isObj(v)) {
    keys(v, ['from', 'to', 'count'], f);
    const from = v.from ?? 1e-4;
    const to = v.to ?? 1e-1;
    if (typeof from !== 'number' || typeof to !== 'number')
      throw new Error(`${f}: from and to must be numbers`);
    return logLevels(from, to, int(v.count ?? 8, `${f}.count`, 2, 100));
  }
  if (!Array.isArray(v) || v.length < 2)
    throw new Error(`${f}: must be a list of ≥ 2 levels or {from, to, count}`);
  v.forEach((p, i) => {
    if (typeof p !== 'number' || !(p > 0 && p <= 1))
      throw new RangeError(`${f}[${i}]: must be a number in (0, 1], got ${JSON.stringify(p)}`);
    if (i > 0 && !(p > (v[i - 1] as number))) throw new RangeError(`${f}[${i}]: levels must increase`);
  });
  return v as number[];
}

function parseShots(v: unknown, f: string): number | null {
  if (v === null || v === 'exact' || v === 0) return null;
  return int(v, f, 1, 100_000_000);
}

/** Merges a partial config over the defaults and validates it. */
export function resolveNoiseConfig(raw: unknown = {}, f = 'noise'): NoiseConfig {
  if (!isObj(raw)) throw new Error(`${f}: must be an object`);
  keys(
    raw,
    [
      'channels',
      'levels',
      'profiles',
      'shots',
      'mitigation',
      'aware',
      'bootstrap',
      'seed',
      'headSeed',
      'maxSamples',
    ],
    f,
  );
  const d = DEFAULT_NOISE_CONFIG;
  const cfg: NoiseConfig = structuredClone(d);
  if (raw.channels !== undefined) {
    if (!Array.isArray(raw.channels)) throw new Error(`${f}.channels: must be a list`);
    cfg.channels = raw.channels.map((c, i) => {
      if (!SWEEP_CHANNELS.includes(c as SweepChannel))
        throw new Error(
          `${f}.channels[${i}]: unknown channel ${JSON.stringify(c)} (one of ${SWEEP_CHANNELS.join(', ')})`,
        );
      return c as SweepChannel;
    });
  }
  if (raw.levels !== undefined) cfg.levels = parseLevels(raw.levels, `${f}.levels`);
  if (raw.profiles !== undefined) {
    if (!Array.isArray(raw.profiles) || raw.profiles.some((p) => typeof p !== 'string' || !p))
      throw new Error(`${f}.profiles: must be a list of profile names or JSON paths`);
    cfg.profiles = raw.profiles as string[];
  }
  if (raw.shots !== undefined) {
    if (!Array.isArray(raw.shots) || raw.shots.length === 0)
      throw new Error(`${f}.shots: must be a non-empty list of shot counts (null or "exact" for exact)`);
    cfg.shots = raw.shots.map((s, i) => parseShots(s, `${f}.shots[${i}]`));
  }
  if (raw.mitigation !== undefined) {
    const m = raw.mitigation;
    if (!isObj(m)) throw new Error(`${f}.mitigation: must be an object`);
    keys(m, ['readout', 'zne', 'sweeps', 'scales'], `${f}.mitigation`);
    if (m.readout !== undefined) cfg.mitigation.readout = bool(m.readout, `${f}.mitigation.readout`);
    if (m.zne !== undefined) cfg.mitigation.zne = bool(m.zne, `${f}.mitigation.zne`);
    if (m.sweeps !== undefined) cfg.mitigation.sweeps = bool(m.sweeps, `${f}.mitigation.sweeps`);
    if (m.scales !== undefined) {
      if (!Array.isArray(m.scales) || m.scales.length < 2 || m.scales[0] !== 1)
        throw new Error(`${f}.mitigation.scales: must be a list of ≥ 2 odd scale factors starting at 1`);
      cfg.mitigation.scales = m.scales.map((s, i) => {
        const v = int(s, `${f}.mitigation.scales[${i}]`, 1, 99);
        if (v % 2 !== 1 || (i > 0 && v <= (m.scales as number[])[i - 1]))
          throw new RangeError(`${f}.mitigation.scales[${i}]: scale factors must be odd and increasing`);
        return v;
      });
    }
  }
  if (raw.aware !== undefined) {
    const a = raw.aware;
    if (!isObj(a)) throw new Error(`${f}.aware: must be an object`);
    keys(a, ['enabled', 'noise', 'shots', 'epochs', 'subset', 'batchSize', 'lr'], `${f}.aware`);
    const fa = `${f}.aware`;
    if (a.enabled !== undefined) cfg.aware.enabled = bool(a.enabled, `${fa}.enabled`);
    if (a.noise !== undefined) {
      if (typeof a.noise !== 'string' || !a.noise) throw new Error(`${fa}.noise: must be a non-empty string`);
      cfg.aware.noise = a.noise;
    }
    if (a.shots !== undefined) cfg.aware.shots = parseShots(a.shots, `${fa}.shots`);
    if (a.epochs !== undefined) cfg.aware.epochs = int(a.epochs, `${fa}.epochs`, 1, 1000);
    if (a.subset !== undefined) cfg.aware.subset = int(a.subset, `${fa}.subset`, 4);
    if (a.batchSize !== undefined) cfg.aware.batchSize = int(a.batchSize, `${fa}.batchSize`, 1, 4096);
    if (a.lr !== undefined) {
      if (typeof a.lr !== 'number' || !(a.lr > 0 && a.lr < 10))
        throw new RangeError(`${fa}.lr: must be a number in (0, 10), got ${JSON.stringify(a.lr)}`);
      cfg.aware.lr = a.lr;
    }
  }
  if (raw.bootstrap !== undefined) {
    const b = raw.bootstrap;
    if (!isObj(b)) throw new Error(`${f}.bootstrap: must be an object`);
    keys(b, ['resamples'], `${f}.bootstrap`);
    if (b.resamples !== undefined)
      cfg.bootstrap.resamples = int(b.resamples, `${f}.bootstrap.resamples`, 10, 1_000_000);
  }
  if (raw.seed !== undefined) cfg.seed = int(raw.seed, `${f}.seed`, 0, 2 ** 32 - 1);
  if (raw.headSeed !== undefined) cfg.headSeed = int(raw.headSeed, `${f}.headSeed`, 0);
  if (raw.maxSamples !== undefined) cfg.maxSamples = int(raw.maxSamples, `${f}.maxSamples`, 1);
  return cfg;
}
