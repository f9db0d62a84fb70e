/**
 * Readout error: a classical confusion of the measured bit (p01 = P(read 1 | 0), p10 = P(read 0 | 1)),
 * set by a noise model's `readout` field rather than by a rule after gates. Swept symmetric.
 */
import { defineChannel } from './channel.js';

export const readout = defineChannel({
  name: 'readout',
  label: 'readout error',
  options: [],
  validate: () => {},
  sweeps: [
    { name: 'readout', label: 'symmetric readout error', model: (p) => ({ rules: [], readout: [p, p] }) },
  ],
});
