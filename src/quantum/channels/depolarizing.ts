/**
 * Depolarizing(p), PennyLane's convention: ρ → (1−p)ρ + (p/3)(XρX + YρY + ZρZ). Swept after
 * one-qubit gates and, separately, after two-qubit gates (on each wire).
 */
import { probabilityChannel, sweepAfter } from './channel.js';

export const depolarizing = probabilityChannel(
  'depolarizing',
  'depolarizing',
  (p) => {
    const a = Math.sqrt(1 - p);
    const b = Math.sqrt(p / 3);
    return [
      [a, 0, 0, 0, 0, 0, a, 0],
      [0, 0, b, 0, b, 0, 0, 0],
      [0, 0, 0, -b, 0, b, 0, 0],
      [b, 0, 0, 0, 0, 0, -b, 0],
    ];
  },
  [
    {
      name: 'depolarizing_1q',
      label: 'depolarizing after 1q gates',
      model: sweepAfter('1q', 'depolarizing'),
    },
    {
      name: 'depolarizing_2q',
      label: 'depolarizing after 2q gates (each wire)',
      model: sweepAfter('2q', 'depolarizing'),
    },
  ],
);
