/**
 * Device profiles: JSON files with 1q / 2q gate error, gate times, T1, T2 and readout error, turned
 * into a noise model: depolarizing after every 1q gate (p = 1q error) and 2q gate (p = 2q error, as
 * a single-qubit channel on each wire — an approximation of two-qubit depolarizing), thermal
 * relaxation for the gate's duration, and symmetric readout error. Shipped: ideal, heron (IBM
 * Heron-class), eagle (IBM Eagle-class); any user JSON of the same shape is validated.
 * Every gate of the circuit counts, embedding rotations included (on IBM hardware RZ is virtual and
 * error-free, so this is conservative for Z embeddings).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NoiseModel, NoiseRule } from './noise-model.js';

export interface DeviceProfile {
  name: string;
  description?: string;
  gate_error_1q: number;
  gate_error_2q: number;
  gate_time_1q_ns: number;
  gate_time_2q_ns: number;
  t1_us: number | null;
  t2_us: number | null;
  readout_error: number;
  sources?: Record<string, string>;
}

export const BUILTIN_PROFILES = ['ideal', 'heron', 'eagle'] as const;
const KEYS = new Set([
  'name',
  'description',
  'gate_error_1q',
  'gate_error_2q',
  'gate_time_1q_ns',
  'gate_time_2q_ns',
  't1_us',
  't2_us',
  'readout_error',
  'sources',
]);

export function validateProfile(raw: unknown, source: string): DeviceProfile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${source}: a profile must be a JSON object`);
  const p = raw as Record<string, unknown>;
  for (const k of Object.keys(p)) if (!KEYS.has(k)) throw new Error(`${source}: ${k}: unknown key`);
  if (typeof p.name !== 'string' || !p.name) throw new Error(`${source}: name: must be a non-empty string`);
  const num = (k: string, lo: number, hi: number) => {
    const v = p[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
      throw new RangeError(`${source}: ${k}: must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  };
  num('gate_error_1q', 0, 1);
  num('gate_error_2q', 0, 1);
  num('readout_error', 0, 1);
  num('gate_time_1q_ns', 0, 1e9);
  num('gate_time_2q_ns', 0, 1e9);
  const t1 = p.t1_us;
  const t2 = p.t2_us;
  if ((t1 === null) !== (t2 === null))
    throw new Error(`${source}: t1_us and t2_us must both be numbers or both null`);
  if (t1 !== null) {
    num('t1_us', 1e-9, 1e12);
    num('t2_us', 1e-9, 1e12);
    if ((t2 as number) > 2 * (t1 as number))
      throw new RangeError(`${source}: t2_us: T2 (${t2}) must not exceed 2·T1 (${2 * (t1 as number)})`);
  }
  return p as unknown as DeviceProfile;
}

/** Loads a built-in profile by name or a user profile from a JSON file. */
export function loadProfile(nameOrPath: string): DeviceProfile {
  const builtin = (BUILTIN_PROFILES as readonly string[]).includes(nameOrPath);
  const path = builtin
    ? fileURLToPath(new URL(`./profiles/${nameOrPath}.json`, import.meta.url))
    : nameOrPath;
  if (!existsSync(path))
    throw new Error(
      `${nameOrPath}: no such profile (built-in: ${BUILTIN_PROFILES.join(', ')}; or a JSON file path)`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  return validateProfile(raw, path);
}

export function profileToNoiseModel(p: DeviceProfile): NoiseModel {
  const rules: NoiseRule[] = [];
  if (p.gate_error_1q > 0) rules.push({ after: '1q', channel: 'depolarizing', p: p.gate_error_1q });
  if (p.gate_error_2q > 0) rules.push({ after: '2q', channel: 'depolarizing', p: p.gate_error_2q });
  if (p.t1_us !== null && p.t2_us !== null) {
    if (p.gate_time_1q_ns > 0)
      rules.push({
        after: '1q',
        channel: 'thermal_relaxation',
        t1: p.t1_us,
        t2: p.t2_us,
        time: p.gate_time_1q_ns / 1000,
      });
    if (p.gate_time_2q_ns > 0)
      rules.push({
        after: '2q',
        channel: 'thermal_relaxation',
        t1: p.t1_us,
        t2: p.t2_us,
        time: p.gate_time_2q_ns / 1000,
      });
  }
  return { rules, readout: p.readout_error > 0 ? [p.readout_error, p.readout_error] : undefined };
}
