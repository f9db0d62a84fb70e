/**
 * Circuits as data: the JSON circuit spec used by the CLI, the heads and exports.
 *   { "qubits": 4, "embedding": "X"|"Y"|"Z", "template": "strong"|"basic", "layers": 2,
 *     "weights": L×n×3 (strong) or L×n (basic) nested arrays, "reupload": false,
 *     "noise": {rules, readout}, "profile": "ideal"|"heron"|"eagle"|PATH, "shots": 1000, "seed": 0,
 *     "inputs": B×n, "cotangent": B×n, "gradient": "adjoint"|"parameter-shift" }
 * Every field is validated with an error naming it; unknown keys are rejected.
 */
import type { Circuit } from './circuit.js';
import { adjointVjp } from './adjoint.js';
import { evaluateNoisy } from './density.js';
import { parseNoiseModel, type NoiseModel } from './noise-model.js';
import { exactEvaluator, paramShiftVjp, type Evaluator } from './param-shift.js';
import { loadProfile, profileToNoiseModel } from './profiles.js';
import { headCircuit, templateOf, weightShape, type Rotation, type TemplateName } from './templates/index.js';

export interface CircuitSpec {
  qubits: number;
  embedding: Rotation;
  template: TemplateName;
  layers: number;
  reupload: boolean;
  weights: Float64Array;
  weightShape: number[];
  noise?: NoiseModel;
  profile?: string;
  shots?: number;
  seed: number;
  inputs?: Float64Array;
  batch?: number;
  cotangent?: Float64Array;
  gradient?: 'adjoint' | 'parameter-shift';
}

const KEYS = [
  'qubits',
  'embedding',
  'template',
  'layers',
  'weights',
  'reupload',
  'noise',
  'profile',
  'shots',
  'seed',
  'inputs',
  'cotangent',
  'gradient',
];

function flatten(v: unknown, shape: number[], field: string): Float64Array {
  const out: number[] = [];
  const walk = (x: unknown, depth: number, path: string) => {
    if (depth === shape.length) {
      if (typeof x !== 'number') throw new Error(`${path}: must be a number, got ${JSON.stringify(x)}`);
      if (!Number.isFinite(x)) throw new Error(`${path}: must be finite, got ${x}`);
      out.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth])
      throw new Error(
        `${field}: expected shape [${shape.join(', ')}], ${path} has ${Array.isArray(x) ? `length ${x.length}` : 'no array'} at dimension ${depth}`,
      );
    x.forEach((e, i) => walk(e, depth + 1, `${path}[${i}]`));
  };
  walk(v, 0, field);
  return Float64Array.from(out);
}

function matrix(v: unknown, cols: number, field: string): { data: Float64Array; rows: number } {
  if (!Array.isArray(v) || v.length === 0)
    throw new Error(`${field}: must be a non-empty B×${cols} array of numbers`);
  return { data: flatten(v, [v.length, cols], field), rows: v.length };
}

/** The spec's noise: its device profile's model, then its own `noise` rules (readout: the later wins). */
function specNoise(o: Record<string, unknown>, source: string): NoiseModel | undefined {
  let noise: NoiseModel | undefined;
  if (o.profile !== undefined) {
    if (typeof o.profile !== 'string')
      throw new Error(`${source}: profile: must be a profile name or a JSON file path`);
    try {
      noise = profileToNoiseModel(loadProfile(o.profile));
    } catch (err) {
      throw new Error(`${source}: profile: ${(err as Error).message}`);
    }
  }
  if (o.noise === undefined) return noise;
  const extra = parseNoiseModel(o.noise, `${source}: noise`);
  return noise ? { rules: [...noise.rules, ...extra.rules], readout: extra.readout ?? noise.readout } : extra;
}

export function parseCircuitSpec(json: unknown, source = 'spec'): CircuitSpec {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`${source}: a circuit spec must be a JSON object`);
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!KEYS.includes(k))
      throw new Error(`${source}: ${k}: unknown key (expected one of ${KEYS.join(', ')})`);
  const int = (k: string, lo: number, hi: number, def?: number): number => {
    const v = o[k] ?? def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
      throw new RangeError(
        `${source}: ${k}: must be an integer in [${lo}, ${hi}], got ${JSON.stringify(o[k])}`,
      );
    return v;
  };
  const qubits = int('qubits', 1, 12);
  const layers = int('layers', 1, 100, 1);
  const embedding = (o.embedding ?? 'X') as Rotation;
  if (!['X', 'Y', 'Z'].includes(embedding))
    throw new Error(`${source}: embedding: must be "X", "Y" or "Z", got ${JSON.stringify(o.embedding)}`);
  const template = templateOf(o.template ?? 'strong', `${source}: template`).name as TemplateName;
  if (o.reupload !== undefined && typeof o.reupload !== 'boolean')
    throw new Error(`${source}: reupload: must be true or false`);
  const shape = weightShape(template, layers, qubits);
  if (o.weights === undefined) throw new Error(`${source}: weights: missing (shape [${shape.join(', ')}])`);
  const weights = flatten(o.weights, shape, `${source}: weights`);
  const spec: CircuitSpec = {
    qubits,
    embedding,
    template,
    layers,
    reupload: !!o.reupload,
    weights,
    weightShape: shape,
    seed: o.seed === undefined ? 0 : int('seed', 0, 2 ** 32 - 1),
  };
  if (o.profile !== undefined) spec.profile = o.profile as string;
  const noise = specNoise(o, source);
  if (noise && qubits > 8)
    throw new RangeError(`${source}: qubits: noisy simulation takes at most 8 qubits, got ${qubits}`);
  spec.noise = noise;
  if (o.shots !== undefined) spec.shots = int('shots', 1, 1e8);
  if (o.inputs !== undefined) {
    const m = matrix(o.inputs, qubits, `${source}: inputs`);
    spec.inputs = m.data;
    spec.batch = m.rows;
  }
  if (o.cotangent !== undefined) {
    if (!spec.inputs) throw new Error(`${source}: cotangent: needs inputs`);
    const m = matrix(o.cotangent, qubits, `${source}: cotangent`);
    if (m.rows !== spec.batch)
      throw new Error(`${source}: cotangent: ${m.rows} rows but inputs has ${spec.batch}`);
    spec.cotangent = m.data;
  }
  if (o.gradient !== undefined) {
    if (o.gradient !== 'adjoint' && o.gradient !== 'parameter-shift')
      throw new Error(
        `${source}: gradient: must be "adjoint" or "parameter-shift", got ${JSON.stringify(o.gradient)}`,
      );
    if (o.gradient === 'adjoint' && (spec.noise || spec.shots))
      throw new Error(
        `${source}: gradient: the adjoint method needs an exact statevector; with noise, profile or shots use "parameter-shift"`,
      );
    spec.gradient = o.gradient;
  }
  return spec;
}

export function specCircuit(s: CircuitSpec): Circuit {
  return headCircuit({
    qubits: s.qubits,
    layers: s.layers,
    template: s.template,
    embedding: s.embedding,
    reupload: s.reupload,
  });
}

export function specEvaluator(s: CircuitSpec): Evaluator {
  if (!s.noise && s.shots === undefined) return exactEvaluator;
  return (c, x, w, B) => evaluateNoisy(c, x, w, { noise: s.noise, shots: s.shots, seed: s.seed }, B);
}

const nest = (a: Float64Array, shape: number[]): unknown => {
  if (shape.length === 1) return Array.from(a);
  const step = a.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) =>
    nest(a.subarray(i * step, (i + 1) * step), shape.slice(1)),
  );
};

export interface CircuitEvalResult {
  expval: number[][];
  grad_inputs?: number[][];
  grad_weights?: unknown;
}

/** expval B×n; with a cotangent or a gradient method also grad_inputs (B×n) and grad_weights (weights' shape). */
export function evalCircuitSpec(s: CircuitSpec): CircuitEvalResult {
  if (!s.inputs || !s.batch) throw new Error('inputs: missing (a B×n array of angles)');
  const c = specCircuit(s);
  const B = s.batch;
  const n = s.qubits;
  const ev = specEvaluator(s);
  const rows = (a: Float64Array) => nest(a, [B, n]) as number[][];
  if (!s.cotangent && !s.gradient) return { expval: rows(ev(c, s.inputs, s.weights, B)) };
  const method = s.gradient ?? (ev === exactEvaluator ? 'adjoint' : 'parameter-shift');
  const r =
    method === 'adjoint'
      ? adjointVjp(c, s.inputs, s.weights, s.cotangent, B)
      : paramShiftVjp(c, s.inputs, s.weights, s.cotangent, ev, B);
  return {
    expval: rows(r.expval),
    grad_inputs: rows(r.gradInputs),
    grad_weights: nest(r.gradWeights, s.weightShape),
  };
}
