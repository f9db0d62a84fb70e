/** Bit flip(p): X with probability p. */
import { everyGateSweep, probabilityChannel } from './channel.js';

export const bitFlip = probabilityChannel(
  'bit_flip',
  'bit flip',
  (p) => [
    [Math.sqrt(1 - p), 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
    [0, 0, Math.sqrt(p), 0, Math.sqrt(p), 0, 0, 0],
  ],
  everyGateSweep('bit_flip', 'bit flip'),
);
