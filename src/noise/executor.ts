/**
 * The hybrid head on a fixed feature set, ready to be run under noise many times: the dressed head's
 * classical pre-layer (features → tanh·π/2 angles) is computed once; each setting then runs only
 * the circuit, batched over the whole set on the density-matrix simulator, optionally folded
 * (zero-noise extrapolation), then readout error, readout mitigation and seeded finite shots are
 * applied to the measured distributions, and the post layer turns ⟨Z⟩ into class predictions.
 * Exact distributions before readout are cached per (gate noise, scale factor), so settings that
 * differ only in readout error or shots share one density-matrix run; measured distributions are
 * cached per (gate noise, scale, readout, shots, seed), so mitigated variants reuse the same shots.
 */
import { argmaxRows } from '../eval/index.js';
import {
  applyReadout,
  densityProbabilities,
  dressedAngles,
  dressedCircuit,
  dressedReadout,
  expvalZFromProbs,
  readoutFor,
  runDensity,
  sampleDistribution,
  type Circuit,
  type DressedHeadParams,
  type NoiseModel,
} from '../quantum/index.js';
import { Rng } from '../util/rng.js';
import { foldCircuit, foldedParams } from './fold.js';
import { mitigateReadout } from './mitigation.js';

export interface RunSetting {
  noise?: NoiseModel;
  /** gate-folding scale factor (odd, default 1) */
  scale?: number;
  /** finite shots per sample; undefined / null = exact expectation */
  shots?: number | null;
  /** seed of the shot sampler */
  seed?: number;
  /** invert the noise model's readout confusion on the measured distribution */
  readoutMitigation?: boolean;
}

/** Bytes of density matrices held at once while running a batch in chunks. */
const CHUNK_BYTES = 32 * 1024 * 1024;

/** The exact basis distribution (B×2ⁿ) of a circuit under gate noise, in memory-bounded chunks. */
export function exactDistribution(
  c: Circuit,
  angles: Float64Array,
  weights: Float64Array,
  batch: number,
  noise: NoiseModel | undefined,
  scale = 1,
): Float64Array {
  const n = c.nQubits;
  const dim = 1 << n;
  const folded = scale === 1 ? null : foldCircuit(c, scale);
  const chunk = Math.max(1, Math.min(1024, Math.floor(CHUNK_BYTES / (16 * dim * dim))));
  const out = new Float64Array(batch * dim);
  for (let s = 0; s < batch; s += chunk) {
    const m = Math.min(chunk, batch - s);
    const x = angles.subarray(s * c.nInputs, (s + m) * c.nInputs);
    let rho;
    if (folded) {
      const p = foldedParams(x, weights, c.nInputs, m);
      rho = runDensity(folded, p.inputs, p.weights, noise, m);
    } else rho = runDensity(c, x, weights, noise, m);
    out.set(densityProbabilities(rho), s * dim);
  }
  return out;
}

/** A small least-recently-used cache (Map keeps insertion order). */
class Lru<V> {
  private map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

const gateKey = (noise: NoiseModel | undefined, scale: number) =>
  `${scale}|${JSON.stringify(noise?.rules ?? [])}`;

export class HybridExecutor {
  readonly circuit: Circuit;
  readonly angles: Float64Array;
  readonly batch: number;
  private exact = new Lru<Float64Array>(16);
  private measuredCache = new Lru<Float64Array>(8);

  constructor(
    readonly params: DressedHeadParams,
    features: Float32Array | Float64Array,
  ) {
    this.circuit = dressedCircuit(params);
    this.batch = features.length / params.inDim;
    if (!Number.isInteger(this.batch) || this.batch < 1)
      throw new RangeError(`features: length ${features.length} is not a multiple of ${params.inDim}`);
    this.angles = dressedAngles(params, features, this.batch);
  }

  get nQubits(): number {
    return this.circuit.nQubits;
  }

  /** Exact distribution before readout error (cached, least recently used first out). */
  distribution(noise: NoiseModel | undefined, scale = 1): Float64Array {
    const key = gateKey(noise, scale);
    let d = this.exact.get(key);
    if (!d) {
      d = exactDistribution(this.circuit, this.angles, this.params.circuit.weights, this.batch, noise, scale);
      this.exact.set(key, d);
    }
    return d;
  }

  /** The measured distribution (after readout error and shots), cached: mitigated variants reuse it. */
  measured(s: RunSetting = {}): Float64Array {
    const n = this.nQubits;
    const scale = s.scale ?? 1;
    const ro = readoutFor(s.noise, n);
    const shots = s.shots ?? null;
    const key = `${gateKey(s.noise, scale)}|${JSON.stringify(ro)}|${shots}|${shots === null ? '' : (s.seed ?? 0)}`;
    let probs = this.measuredCache.get(key);
    if (!probs) {
      probs = this.distribution(s.noise, scale);
      if (ro) probs = applyReadout(probs, n, ro);
      if (shots !== null) probs = sampleDistribution(probs, n, shots, new Rng(s.seed ?? 0));
      this.measuredCache.set(key, probs);
    }
    return probs;
  }

  /** ⟨Z⟩ per wire (B×n) as measured in one setting. */
  expvals(s: RunSetting = {}): Float64Array {
    const n = this.nQubits;
    let probs = this.measured(s);
    const ro = readoutFor(s.noise, n);
    if (s.readoutMitigation && ro) probs = mitigateReadout(probs, n, ro);
    return expvalZFromProbs(probs, n);
  }

  /** Class predictions from ⟨Z⟩ values through the head's post layer. */
  predict(expvals: Float64Array): Int32Array {
    const { probs } = dressedReadout(this.params, expvals, this.batch);
    return argmaxRows(probs, this.params.nClasses);
  }
}
