/**
 * Single-qubit noise channels as Kraus operators (complex 2×2, row-major [a, b; c, d] with separate
 * real and imaginary parts). Conventions: depolarizing(p) follows PennyLane,
 * ρ → (1−p)ρ + (p/3)(XρX + YρY + ZρZ); amplitude damping(γ) and phase damping(γ) the textbook
 * forms; thermal relaxation(T1, T2, t) at zero temperature is amplitude damping with
 * γ₁ = 1 − e^{−t/T1} followed by the pure dephasing that brings coherences to e^{−t/T2}
 * (requires T2 ≤ 2·T1).
 */

export type ChannelName =
  'depolarizing' | 'amplitude_damping' | 'phase_damping' | 'bit_flip' | 'phase_flip' | 'thermal_relaxation';
export const CHANNEL_NAMES: readonly ChannelName[] = [
  'depolarizing',
  'amplitude_damping',
  'phase_damping',
  'bit_flip',
  'phase_flip',
  'thermal_relaxation',
];

/** [ar, ai, br, bi, cr, ci, dr, di] */
export type Kraus2 = [number, number, number, number, number, number, number, number];

export interface ChannelSpec {
  channel: ChannelName;
  /** probability / damping parameter for every channel but thermal relaxation */
  p?: number;
  t1?: number;
  t2?: number;
  /** gate time, same unit as t1 and t2 */
  time?: number;
}

function prob(v: number | undefined, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`${field}: must be a number in [0, 1], got ${JSON.stringify(v)}`);
  if (v < 0 || v > 1) throw new RangeError(`${field}: must be in [0, 1], got ${v}`);
  return v;
}

export function validateChannel(c: ChannelSpec, field = 'channel'): void {
  if (!CHANNEL_NAMES.includes(c.channel))
    throw new Error(
      `${field}.channel: unknown channel ${JSON.stringify(c.channel)} (one of ${CHANNEL_NAMES.join(', ')})`,
    );
  if (c.channel === 'thermal_relaxation') {
    for (const k of ['t1', 't2', 'time'] as const) {
      const v = c[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (k !== 'time' && v === 0))
        throw new RangeError(
          `${field}.${k}: must be a ${k === 'time' ? 'non-negative' : 'positive'} number, got ${JSON.stringify(v)}`,
        );
    }
    if (c.t2! > 2 * c.t1!)
      throw new RangeError(`${field}.t2: T2 (${c.t2}) must not exceed 2·T1 (${2 * c.t1!})`);
  } else prob(c.p, `${field}.p`);
}

export function krausOperators(c: ChannelSpec): Kraus2[] {
  validateChannel(c);
  const p = c.p ?? 0;
  switch (c.channel) {
    case 'depolarizing': {
      const a = Math.sqrt(1 - p);
      const b = Math.sqrt(p / 3);
      return [
        [a, 0, 0, 0, 0, 0, a, 0],
        [0, 0, b, 0, b, 0, 0, 0],
        [0, 0, 0, -b, 0, b, 0, 0],
        [b, 0, 0, 0, 0, 0, -b, 0],
      ];
    }
    case 'bit_flip':
      return [
        [Math.sqrt(1 - p), 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
        [0, 0, Math.sqrt(p), 0, Math.sqrt(p), 0, 0, 0],
      ];
    case 'phase_flip':
      return [
        [Math.sqrt(1 - p), 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
        [Math.sqrt(p), 0, 0, 0, 0, 0, -Math.sqrt(p), 0],
      ];
    case 'amplitude_damping':
      return [
        [1, 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
        [0, 0, Math.sqrt(p), 0, 0, 0, 0, 0],
      ];
    case 'phase_damping':
      return [
        [1, 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
        [0, 0, 0, 0, 0, 0, Math.sqrt(p), 0],
      ];
    case 'thermal_relaxation': {
      const { t1, t2, time } = c as Required<ChannelSpec>;
      const g1 = 1 - Math.exp(-time / t1);
      // coherence after AD(γ1) is √(1−γ1) = e^{−t/2T1}; PD(γφ) multiplies by √(1−γφ) to reach e^{−t/T2}
      const gphi = Math.max(0, 1 - Math.exp((-2 * time) / t2 + time / t1));
      return composeKraus(
        krausOperators({ channel: 'amplitude_damping', p: g1 }),
        krausOperators({ channel: 'phase_damping', p: gphi }),
      );
    }
  }
}

function mul(a: Kraus2, b: Kraus2): Kraus2 {
  const m = (ar: number, ai: number, br: number, bi: number) => [ar * br - ai * bi, ar * bi + ai * br];
  const add = (x: number[], y: number[]) => [x[0] + y[0], x[1] + y[1]];
  const e00 = add(m(a[0], a[1], b[0], b[1]), m(a[2], a[3], b[4], b[5]));
  const e01 = add(m(a[0], a[1], b[2], b[3]), m(a[2], a[3], b[6], b[7]));
  const e10 = add(m(a[4], a[5], b[0], b[1]), m(a[6], a[7], b[4], b[5]));
  const e11 = add(m(a[4], a[5], b[2], b[3]), m(a[6], a[7], b[6], b[7]));
  return [e00[0], e00[1], e01[0], e01[1], e10[0], e10[1], e11[0], e11[1]];
}

/** Kraus operators of "first A, then B": {B_j A_i}. */
export function composeKraus(first: Kraus2[], then: Kraus2[]): Kraus2[] {
  const out: Kraus2[] = [];
  for (const b of then) for (const a of first) out.push(mul(b, a));
  return out;
}
