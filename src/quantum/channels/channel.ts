/**
 * What a noise channel is: one object per channel (src/quantum/channels/<name>.ts) with its name,
 * label, options and behaviour — Kraus operators for a single-qubit channel applied after gates,
 * or a readout confusion for measurement error — and the swept settings of the noise study it offers
 * (each a name, a label and the noise model at level p). The registry (index.ts) lists them.
 */

/** [ar, ai, br, bi, cr, ci, dr, di]: a complex 2×2 matrix [a, b; c, d], row-major. */
export type Kraus2 = [number, number, number, number, number, number, number, number];

/** The options of a channel as written in a noise-model rule. */
export interface ChannelOptions {
  /** probability / damping parameter for every channel but thermal relaxation */
  p?: number;
  t1?: number;
  t2?: number;
  /** gate time, same unit as t1 and t2 */
  time?: number;
}

/** One swept setting of the noise study: the noise model at level p ∈ [0, 1] (0 = noiseless). */
export interface ChannelSweep {
  name: string;
  label: string;
  /** `rules` attach this channel after gates; `readout` is a symmetric [p01, p10] pair */
  model(p: number): {
    rules: ({ after: '1q' | '2q' | 'every-gate'; channel: string } & ChannelOptions)[];
    readout?: [number, number];
  };
}

export interface NoiseChannel {
  name: string;
  label: string;
  /** the rule keys the channel reads (besides `after` and `channel`) */
  options: readonly (keyof ChannelOptions)[];
  /** Kraus operators of a gate channel (validated options); absent for readout error */
  kraus?(o: ChannelOptions): Kraus2[];
  /** throws, naming `field`, when the options are out of range */
  validate(o: ChannelOptions, field: string): void;
  /** settings the noise study sweeps (in registry order) */
  sweeps: readonly ChannelSweep[];
}

/** A channel, its name and sweep names kept as literal types (the registry derives the unions). */
export const defineChannel = <const C extends NoiseChannel>(c: C): C => c;

/** A probability option in [0, 1]. */
export function checkProbability(v: number | undefined, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`${field}: must be a number in [0, 1], got ${JSON.stringify(v)}`);
  if (v < 0 || v > 1) throw new RangeError(`${field}: must be in [0, 1], got ${v}`);
  return v;
}

/** The channel after every gate of a kind at level p (the common sweep). */
export const sweepAfter =
  <C extends string>(after: '1q' | '2q' | 'every-gate', channel: C) =>
  (p: number) => ({ rules: [{ after, channel, p }] });

/** The one sweep of a channel attached after every gate: named as the channel, "<label> after every gate". */
export const everyGateSweep = <const N extends string>(name: N, label: string) =>
  [{ name, label: `${label} after every gate`, model: sweepAfter('every-gate', name) }] as const;

/**
 * A channel with one probability option p ∈ [0, 1] (every Kraus channel but thermal relaxation):
 * its options, validation and rule reading are shared; each file gives its Kraus operators at p.
 */
export const probabilityChannel = <const N extends string, const S extends readonly ChannelSweep[]>(
  name: N,
  label: string,
  kraus: (p: number) => Kraus2[],
  sweeps: S,
) =>
  defineChannel({
    name,
    label,
    options: ['p'],
    validate: (o: ChannelOptions, field: string) => void checkProbability(o.p, `${field}.p`),
    kraus: ({ p = 0 }: ChannelOptions) => kraus(p),
    sweeps,
  });
