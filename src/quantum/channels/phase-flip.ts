/** Phase flip(p): Z with probability p (not swept by the noise study). */
import { probabilityChannel } from './channel.js';

export const phaseFlip = probabilityChannel(
  'phase_flip',
  'phase flip',
  (p) => [
    [Math.sqrt(1 - p), 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
    [Math.sqrt(p), 0, 0, 0, 0, 0, -Math.sqrt(p), 0],
  ],
  [],
);
