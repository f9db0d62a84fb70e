/** Bit flip(p): X with probability p. */
import { checkProbability, defineChannel, sweepAfter } from './channel.js';

export const bitFlip = defineChannel({
  name: 'bit_flip',
  label: 'bit flip',
  options: ['p'],
  validate: (o, field) => void checkProbability(o.p, `${field}.p`),
  kraus: ({ p = 0 }) => [
    [Math.sqrt(1 - p), 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
    [0, 0, Math.sqrt(p), 0, Math.sqrt(p), 0, 0, 0],
  ],
  sweeps: [
    { name: 'bit_flip', label: 'bit flip after every gate', model: sweepAfter('every-gate', 'bit_flip') },
  ],
});
