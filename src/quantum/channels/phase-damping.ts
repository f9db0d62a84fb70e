/** Phase damping(γ), the textbook form: K0 = [1, 0; 0, √(1−γ)], K1 = [0, 0; 0, √γ]. */
import { everyGateSweep, probabilityChannel } from './channel.js';

export const phaseDamping = probabilityChannel(
  'phase_damping',
  'phase damping',
  (p) => [
    [1, 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
    [0, 0, 0, 0, 0, 0, Math.sqrt(p), 0],
  ],
  everyGateSweep('phase_damping', 'phase damping'),
);
