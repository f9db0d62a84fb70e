/** Amplitude damping(γ), the textbook form: K0 = [1, 0; 0, √(1−γ)], K1 = [0, √γ; 0, 0]. */
import { checkProbability, defineChannel, sweepAfter } from './channel.js';

export const amplitudeDamping = defineChannel({
  name: 'amplitude_damping',
  label: 'amplitude damping',
  options: ['p'],
  validate: (o, field) => void checkProbability(o.p, `${field}.p`),
  kraus: ({ p = 0 }) => [
    [1, 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
    [0, 0, Math.sqrt(p), 0, 0, 0, 0, 0],
  ],
  sweeps: [
    {
      name: 'amplitude_damping',
      label: 'amplitude damping after every gate',
      model: sweepAfter('every-gate', 'amplitude_damping'),
    },
  ],
});
