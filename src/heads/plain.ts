/**
 * Plain-array linear layers shared by the head kinds: export from / import into a libtorch Linear,
 * validation (one layer or a head's named layers), the TypeScript forward (rows through W·x + b,
 * softmax) and the split of a head after its first layer (what SHAP explains through).
 */
import { Tensor, noGrad, tidy, unaryF64InPlace } from '../engine/index.js';
import type { Linear } from '../nn/index.js';
import type { HeadExport, SplitHead } from './types.js';

export interface PlainLinear {
  inDim: number;
  outDim: number;
  /** outDim×inDim, row-major (PyTorch layout) */
  weight: number[];
  bias: number[];
}

export const plainLinear = (l: Linear): PlainLinear => ({
  inDim: l.weight.shape[1],
  outDim: l.weight.shape[0],
  weight: Array.from(l.weight.toFloat32Array()),
  bias: Array.from(l.bias!.toFloat32Array()),
});

/** A linear layer given as typed arrays (e.g. a hybrid head's folded encoder) as a PlainLinear. */
export const plainFrom = (w: { weight: Float32Array; bias: Float32Array }, inDim: number): PlainLinear => ({
  inDim,
  outDim: w.bias.length,
  weight: Array.from(w.weight),
  bias: Array.from(w.bias),
});

export function setLinear(l: Linear, p: PlainLinear): void {
  tidy(() =>
    noGrad(() => {
      l.weight.copy_(Tensor.from(Float32Array.from(p.weight), [p.outDim, p.inDim]));
      l.bias!.copy_(Tensor.from(Float32Array.from(p.bias), [p.outDim]));
    }),
  );
}

export function checkPlain(name: string, l: PlainLinear | undefined, source: string): void {
  if (!l || !Array.isArray(l.weight) || !Array.isArray(l.bias))
    throw new Error(`${source}: head field '${name}' is missing or malformed`);
  if (l.weight.length !== l.inDim * l.outDim || l.bias.length !== l.outDim)
    throw new Error(
      `${source}: head field '${name}' has ${l.weight.length} weights, expected ${l.outDim}×${l.inDim}`,
    );
  if (!l.weight.every(Number.isFinite) || !l.bias.every(Number.isFinite))
    throw new Error(`${source}: head field '${name}' has non-finite values`);
}

/** B rows of x through W·x + b (then `act`), in float64. */
export function linearRows(
  l: PlainLinear,
  x: Float64Array | Float32Array,
  B: number,
  act?: (v: number) => number,
): Float64Array {
  const out = new Float64Array(B * l.outDim);
  for (let b = 0; b < B; b++)
    for (let o = 0; o < l.outDim; o++) {
      let s = l.bias[o];
      const wo = o * l.inDim;
      const xo = b * l.inDim;
      for (let k = 0; k < l.inDim; k++) s += l.weight[wo + k] * x[xo + k];
      out[b * l.outDim + o] = act ? act(s) : s;
    }
  return out;
}

export function softmaxRows(z: Float64Array, C: number): Float64Array {
  const p = new Float64Array(z.length);
  for (let b = 0; b < z.length / C; b++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) mx = Math.max(mx, z[b * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += p[b * C + c] = Math.exp(z[b * C + c] - mx);
    for (let c = 0; c < C; c++) p[b * C + c] /= s;
  }
  return p;
}

/** Row-wise softmax of a B×C batch, in place (the exp of the whole batch in one vectorised call). */
export function softmaxInPlace(z: Float64Array, C: number): Float64Array {
  const B = z.length / C;
  for (let r = 0; r < B; r++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) mx = Math.max(mx, z[r * C + c]);
    for (let c = 0; c < C; c++) z[r * C + c] -= mx;
  }
  unaryF64InPlace('exp', z);
  for (let r = 0; r < B; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += z[r * C + c];
    for (let c = 0; c < C; c++) z[r * C + c] /= s;
  }
  return z;
}

/** A rows×cols row-major matrix transposed, in float64. */
export function transposeF64(w: readonly number[], rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}

/** A head's named plain layers, each checked (checkPlain). */
export function checkLayers<K extends string>(
  e: Record<K, PlainLinear>,
  keys: readonly K[],
  source: string,
): void {
  for (const k of keys) checkPlain(k, e[k], source);
}

/** A head's named plain layers copied into the module's Linear layers of the same names. */
export function setLayers<K extends string>(
  m: Record<K, Linear>,
  e: Record<K, PlainLinear>,
  keys: readonly K[],
): void {
  for (const k of keys) setLinear(m[k], e[k]);
}

/** The head split after its first layer `first` (width: its outputs); `rest` maps those on to probabilities. */
export const splitAfter = (
  e: HeadExport,
  first: PlainLinear,
  width: number,
  rest: SplitHead['rest'],
): SplitHead => ({
  kind: e.kind,
  inDim: e.inDim,
  width,
  classes: e.classes,
  W: Float64Array.from(first.weight),
  b: Float64Array.from(first.bias),
  rest,
});
