/**
 * Noise channels: the registry of single-qubit Kraus channels a noise-model rule can attach after
 * gates, readout error, and the settings the noise study sweeps (each channel's `sweeps`, in
 * registry order). Kraus operators are complex 2×2, row-major [a, b; c, d], real and imaginary parts
 * apart (Kraus2).
 *   channel.ts  what a channel is (NoiseChannel, ChannelSweep)     compose.ts  composeKraus
 *   depolarizing.ts, amplitude-damping.ts, phase-damping.ts, bit-flip.ts, phase-flip.ts,
 *   thermal-relaxation.ts (Kraus channels), readout.ts (measurement error)
 * Adding a channel = one file exporting `defineChannel({ name, label, options, validate, kraus?,
 * sweeps })` — or, for a channel with one probability p, `probabilityChannel(name, label, (p) => kraus,
 * sweeps)` — and one line in CHANNELS below; noise models, the study's sweeps, its labels, plots,
 * the config schema and the CLI pick it up by name.
 */
import { amplitudeDamping } from './amplitude-damping.js';
import { bitFlip } from './bit-flip.js';
import type { ChannelOptions, ChannelSweep, Kraus2 } from './channel.js';
import { depolarizing } from './depolarizing.js';
import { phaseDamping } from './phase-damping.js';
import { phaseFlip } from './phase-flip.js';
import { readout } from './readout.js';
import { thermalRelaxation } from './thermal-relaxation.js';

export { composeKraus } from './compose.js';
export {
  defineChannel,
  probabilityChannel,
  type ChannelOptions,
  type ChannelSweep,
  type Kraus2,
  type NoiseChannel,
} from './channel.js';

/** Every channel, in the order the noise study sweeps them. */
export const CHANNELS = [
  depolarizing,
  amplitudeDamping,
  phaseDamping,
  bitFlip,
  phaseFlip,
  thermalRelaxation,
  readout,
] as const;

type Channel = (typeof CHANNELS)[number];
/** The channels a rule can attach after gates (those with Kraus operators). */
export type ChannelName = Extract<Channel, { kraus: unknown }>['name'];
export const CHANNEL_NAMES = CHANNELS.filter((c) => 'kraus' in c).map((c) => c.name) as ChannelName[];

/** A swept setting of the noise study (e.g. depolarizing_2q, readout). */
export type SweepChannel = Channel['sweeps'][number]['name'];
export const SWEEPS = CHANNELS.flatMap((c) => c.sweeps as readonly ChannelSweep[]) as (ChannelSweep & {
  name: SweepChannel;
})[];

export interface ChannelSpec extends ChannelOptions {
  channel: ChannelName;
}

/** The Kraus channel called `name`, or undefined. */
const krausChannel = (name: unknown) =>
  CHANNELS.find((c) => c.name === name && 'kraus' in c) as Extract<Channel, { kraus: unknown }> | undefined;

export function validateChannel(c: ChannelSpec, field = 'channel'): void {
  const ch = krausChannel(c.channel);
  if (!ch)
    throw new Error(
      `${field}.channel: unknown channel ${JSON.stringify(c.channel)} (one of ${CHANNEL_NAMES.join(', ')})`,
    );
  ch.validate(c, field);
}

export function krausOperators(c: ChannelSpec): Kraus2[] {
  validateChannel(c);
  return krausChannel(c.channel)!.kraus(c);
}
