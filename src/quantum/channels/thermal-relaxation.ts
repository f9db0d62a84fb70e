/**
 * Thermal relaxation(T1, T2, t) at zero temperature: amplitude damping with γ₁ = 1 − e^{−t/T1}
 * followed by the pure dephasing that brings coherences to e^{−t/T2} (requires T2 ≤ 2·T1).
 * Takes t1, t2 and time (same unit) instead of p; not swept by the noise study.
 */
import { amplitudeDamping } from './amplitude-damping.js';
import { composeKraus } from './compose.js';
import { defineChannel, type ChannelOptions } from './channel.js';
import { phaseDamping } from './phase-damping.js';

export const thermalRelaxation = defineChannel({
  name: 'thermal_relaxation',
  label: 'thermal relaxation',
  options: ['t1', 't2', 'time'],
  validate: (c, field) => {
    for (const k of ['t1', 't2', 'time'] as const) {
      const v = c[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (k !== 'time' && v === 0))
        throw new RangeError(
          `${field}.${k}: must be a ${k === 'time' ? 'non-negative' : 'positive'} number, got ${JSON.stringify(v)}`,
        );
    }
    if (c.t2! > 2 * c.t1!)
      throw new RangeError(`${field}.t2: T2 (${c.t2}) must not exceed 2·T1 (${2 * c.t1!})`);
  },
  kraus: (c) => {
    const { t1, t2, time } = c as Required<ChannelOptions>;
    const g1 = 1 - Math.exp(-time / t1);
    // coherence after AD(γ1) is √(1−γ1) = e^{−t/2T1}; PD(γφ) multiplies by √(1−γφ) to reach e^{−t/T2}
    const gphi = Math.max(0, 1 - Math.exp((-2 * time) / t2 + time / t1));
    return composeKraus(amplitudeDamping.kraus({ p: g1 }), phaseDamping.kraus({ p: gphi }));
  },
  sweeps: [],
});
