/** Phase damping(γ), the textbook form: K0 = [1, 0; 0, √(1−γ)], K1 = [0, 0; 0, √γ]. */
import { checkProbability, defineChannel, sweepAfter } from './channel.js';

export const phaseDamping = defineChannel({
  name: 'phase_damping',
  label: 'phase damping',
  options: ['p'],
  validate: (o, field) => void checkProbability(o.p, `${field}.p`),
  kraus: ({ p = 0 }) => [
    [1, 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
    [0, 0, 0, 0, 0, 0, Math.sqrt(p), 0],
  ],
  sweeps: [
    {
      name: 'phase_damping',
      label: 'phase damping after every gate',
      model: sweepAfter('every-gate', 'phase_damping'),
    },
  ],
});
