/** Amplitude damping(γ), the textbook form: K0 = [1, 0; 0, √(1−γ)], K1 = [0, √γ; 0, 0]. */
import { everyGateSweep, probabilityChannel } from './channel.js';

export const amplitudeDamping = probabilityChannel(
  'amplitude_damping',
  'amplitude damping',
  (p) => [
    [1, 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
    [0, 0, Math.sqrt(p), 0, 0, 0, 0, 0],
  ],
  everyGateSweep('amplitude_damping', 'amplitude damping'),
);
