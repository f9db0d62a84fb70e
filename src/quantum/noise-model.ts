/**
 * A noise model: rules that attach a single-qubit channel after gates, plus readout error.
 *   { "rules": [{ "after": "every-gate" | "1q" | "2q" | GATE_NAME, "channel": NAME, "p": … }],
 *     "readout": 0.02 | [p01, p10] | [[p01, p10], …one pair per qubit] }
 * Embedding rotations count as gates, a Rot counts as one gate, and a channel after a two-qubit gate
 * is the single-qubit channel on each of its wires. Thermal relaxation takes t1, t2 and time instead
 * of p. p01 = P(read 1 | 0), p10 = P(read 0 | 1).
 */
import { GATE_PARAM_COUNT, isTwoQubitGate, type GateName } from './circuit.js';
import { validateChannel, type ChannelSpec } from './channels/index.js';

export type RuleTarget = 'every-gate' | '1q' | '2q' | GateName;

export interface NoiseRule extends ChannelSpec {
  after: RuleTarget;
}

export interface NoiseModel {
  rules: NoiseRule[];
  /** per-qubit [p01, p10]; a single pair applies to every qubit */
  readout?: [number, number] | [number, number][];
}

const RULE_KEYS = new Set(['after', 'channel', 'p', 't1', 't2', 'time']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readoutPair(v: unknown, field: string): [number, number] {
  const pair = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(pair) || pair.length !== 2)
    throw new Error(`${field}: expected a probability or a [p01, p10] pair, got ${JSON.stringify(v)}`);
  pair.forEach((p, i) => {
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1)
      throw new RangeError(`${field}[${i}]: must be in [0, 1], got ${JSON.stringify(p)}`);
  });
  return pair as [number, number];
}

export function parseNoiseModel(json: unknown, fieldPath = 'noise'): NoiseModel {
  if (!isObject(json)) throw new Error(`${fieldPath}: must be an object with "rules" and optional "readout"`);
  for (const k of Object.keys(json))
    if (k !== 'rules' && k !== 'readout') throw new Error(`${fieldPath}.${k}: unknown key`);
  const rulesRaw = json.rules ?? [];
  if (!Array.isArray(rulesRaw)) throw new Error(`${fieldPath}.rules: must be an array`);
  const rules = rulesRaw.map((r, i): NoiseRule => {
    const f = `${fieldPath}.rules[${i}]`;
    if (!isObject(r)) throw new Error(`${f}: must be an object`);
    for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) throw new Error(`${f}.${k}: unknown key`);
    const after = r.after;
    if (
      typeof after !== 'string' ||
      !(after === 'every-gate' || after === '1q' || after === '2q' || after in GATE_PARAM_COUNT)
    )
      throw new Error(
        `${f}.after: must be "every-gate", "1q", "2q" or a gate name, got ${JSON.stringify(after)}`,
      );
    const rule = { after, channel: r.channel, p: r.p, t1: r.t1, t2: r.t2, time: r.time } as NoiseRule;
    validateChannel(rule, f);
    return rule;
  });
  let readout: NoiseModel['readout'];
  if (json.readout !== undefined) {
    const ro = json.readout;
    if (Array.isArray(ro) && ro.length > 0 && Array.isArray(ro[0]))
      readout = ro.map((p, q) => readoutPair(p, `${fieldPath}.readout[${q}]`));
    else readout = readoutPair(ro, `${fieldPath}.readout`);
  }
  return { rules, readout };
}

/** Channels to apply after a gate, each on one wire. */
export function channelsAfter(
  model: NoiseModel,
  gate: GateName,
  wires: readonly number[],
): { wire: number; channel: ChannelSpec }[] {
  const out: { wire: number; channel: ChannelSpec }[] = [];
  const two = isTwoQubitGate(gate);
  for (const r of model.rules) {
    if (
      r.after === 'every-gate' ||
      (r.after === '1q' && !two) ||
      (r.after === '2q' && two) ||
      r.after === gate
    )
      for (const w of wires) out.push({ wire: w, channel: r });
  }
  return out;
}

/** Per-qubit readout confusion [p01, p10] for n qubits (zeros when absent). */
export function readoutFor(model: NoiseModel | undefined, n: number): [number, number][] | null {
  const ro = model?.readout;
  if (!ro) return null;
  if (typeof ro[0] === 'number') return Array.from({ length: n }, () => ro as [number, number]);
  const list = ro as [number, number][];
  if (list.length !== n)
    throw new Error(`noise.readout: ${list.length} per-qubit pairs for a ${n}-qubit circuit`);
  return list;
}
