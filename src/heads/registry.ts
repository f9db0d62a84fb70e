/**
 * The head-kind registry: HEADS (linear, bottleneck, quantum, in that order) and everything the rest
 * of the system asks of a head through it — create/export/import/split/validate by kind, the
 * baseline and circuit kinds, probabilities on features, the comparison pairs. Adding a head kind =
 * one new file + one line in HEADS (or registerHead at run time).
 */
import type { HeadModule } from '../nn/index.js';
import type { DressedHeadParams, Evaluator } from '../quantum/index.js';
import { bottleneckHead } from './bottleneck.js';
import { linearHead } from './linear.js';
import { quantumHead } from './quantum.js';
import type { HeadDef, HeadExport, SplitHead } from './types.js';

/** A head kind's name (the registry key). */
export type HeadKind = string;

const HEADS = new Map<string, HeadDef>(
  [linearHead, bottleneckHead, quantumHead].map((d) => [d.kind, d as unknown as HeadDef]),
);

/**
 * Adds a head kind (extensions, tests); returns the function that removes it again. The kind must
 * be a lower-case file-name stem and new.
 */
export function registerHead<E extends HeadExport>(def: HeadDef<E>): () => void {
  if (!/^[a-z][a-z0-9]*$/.test(def.kind)) throw new Error(`head kind '${def.kind}': use [a-z][a-z0-9]*`);
  if (HEADS.has(def.kind)) throw new Error(`head kind '${def.kind}' is already registered`);
  HEADS.set(def.kind, def as unknown as HeadDef);
  return () => void HEADS.delete(def.kind);
}

/** Every registered kind, in registry order. */
export const headKinds = (): string[] => [...HEADS.keys()];

export function headDef(kind: string): HeadDef {
  const d = HEADS.get(kind);
  if (!d) throw new Error(`unknown head kind '${kind}' (known: ${headKinds().join(', ')})`);
  return d;
}

/** The baseline kind (linear): the classical reference of comparisons and the noise study. */
export const baselineKind = (): string => [...HEADS.values()].find((d) => d.baseline)!.kind;

/** Whether heads of this kind run a quantum circuit (noise study, circuit SHAP, viewer). */
export const hasCircuit = (kind: string): boolean => !!HEADS.get(kind)?.circuit;

/** The first registered kind with a quantum circuit (the hybrid model's head). */
export const circuitKind = (): string => [...HEADS.values()].find((d) => d.circuit)!.kind;

export const exportHead = (m: HeadModule): HeadExport => headDef(m.kind).export(m);
export const importHead = (e: HeadExport): HeadModule => headDef(e.kind).import(e);
export const splitHead = (e: HeadExport): SplitHead => headDef(e.kind).split(e);

/** The circuit parameters of a head with a quantum circuit (validated); throws for the others. */
export function circuitParams(e: HeadExport): DressedHeadParams {
  const d = headDef(e.kind);
  if (!d.circuit) throw new Error(`head is '${e.kind}', which has no quantum circuit`);
  return d.circuit(e);
}

export function validateHeadExport(raw: unknown, source: string): HeadExport {
  const e = raw as HeadExport;
  if (!e || typeof e !== 'object') throw new Error(`${source}: head file is not a JSON object`);
  const d = HEADS.get(e.kind);
  if (!d) throw new Error(`${source}: unknown head kind '${(e as { kind?: unknown }).kind}'`);
  d.validate(e, source);
  return e;
}

/**
 * Class probabilities (B×classes) of a head on features (B×inDim), in plain TypeScript (no libtorch).
 * For a quantum head an evaluator (noisy, finite shots) may replace the exact statevector.
 */
export function headProbs(
  e: HeadExport,
  x: Float32Array | Float64Array,
  opts: { evaluator?: Evaluator } = {},
): Float64Array {
  if (x.length % e.inDim !== 0)
    throw new RangeError(`features: length ${x.length} is not a multiple of ${e.inDim}`);
  return headDef(e.kind).probs(e, x, x.length / e.inDim, opts);
}

/**
 * [candidate, reference] pairs of a comparison: every head with a circuit against every head
 * without; with no circuit head, every other head against the baseline.
 */
export function comparisonPairs(kinds: readonly string[]): [string, string][] {
  const quantum = kinds.filter(hasCircuit);
  const classical = kinds.filter((k) => !hasCircuit(k));
  if (quantum.length) return quantum.flatMap((q) => classical.map((k) => [q, k] as [string, string]));
  const base = kinds.find((k) => headDef(k).baseline);
  return base ? kinds.filter((k) => k !== base).map((k) => [k, base] as [string, string]) : [];
}
