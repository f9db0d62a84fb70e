/** RUN/features/<split>.safetensors: pooled features, labels and source files of one split. */
import { existsSync } from 'node:fs';
import { readSafetensors, writeSafetensors, type StEntry } from '../engine/index.js';

export interface FeatureSet {
  /** N×dim pooled features */
  x: Float32Array;
  y: Int32Array;
  dim: number;
  /** source file of each row (same order), or synthetic ids */
  files: string[];
}

export function saveFeatures(path: string, f: FeatureSet): void {
  const n = f.y.length;
  if (f.x.length !== n * f.dim)
    throw new RangeError(`features: x has ${f.x.length} values, expected ${n}×${f.dim}`);
  if (f.files.length !== n) throw new RangeError(`features: ${f.files.length} file names for ${n} rows`);
  const entries = new Map<string, StEntry>([
    ['x', { dtype: 'F32', shape: [n, f.dim], data: f.x }],
    ['y', { dtype: 'I64', shape: [n], data: BigInt64Array.from(f.y, (v) => BigInt(v)) }],
  ]);
  writeSafetensors(path, entries, { files: JSON.stringify(f.files) });
}

export function loadFeatures(path: string): FeatureSet {
  if (!existsSync(path)) throw new Error(`${path}: feature file not found (run the training stage first)`);
  const st = readSafetensors(path);
  const x = st.tensors.get('x');
  const y = st.tensors.get('y');
  if (!x || x.dtype !== 'F32' || x.shape.length !== 2)
    throw new Error(`${path}: not a qmri feature file (no F32 tensor 'x' of shape N×D)`);
  if (!y || y.dtype !== 'I64' || y.shape.length !== 1 || y.shape[0] !== x.shape[0])
    throw new Error(`${path}: not a qmri feature file (no I64 tensor 'y' of length N)`);
  let files: string[];
  try {
    files = JSON.parse(st.metadata.files ?? '[]') as string[];
  } catch {
    throw new Error(`${path}: metadata 'files' is not valid JSON`);
  }
  if (files.length !== x.shape[0]) files = Array.from({ length: x.shape[0] }, (_, i) => `#${i}`);
  return {
    x: x.data as Float32Array,
    y: Int32Array.from(y.data as BigInt64Array, (v) => Number(v)),
    dim: x.shape[1],
    files,
  };
}
