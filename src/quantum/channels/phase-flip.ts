/** Phase flip(p): Z with probability p (not swept by the noise study). */
import { checkProbability, defineChannel } from './channel.js';

export const phaseFlip = defineChannel({
  name: 'phase_flip',
  label: 'phase flip',
  options: ['p'],
  validate: (o, field) => void checkProbability(o.p, `${field}.p`),
  kraus: ({ p = 0 }) => [
    [Math.sqrt(1 - p), 0, 0, 0, 0, 0, Math.sqrt(1 - p), 0],
    [Math.sqrt(p), 0, 0, 0, 0, 0, -Math.sqrt(p), 0],
  ],
  sweeps: [],
});
