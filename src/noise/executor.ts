/**
 * The hybrid head on a fixed feature set, ready to be run under noise many times: the dressed head's
 * classical pre-layer (features → tanh·π/2 angles) is computed once; each setting then runs only
 * the circuit, batched over the whole set on the density-matrix simulator, optionally folded
 * (zero-noise extrapolation), then readout error, readout mitigation and seeded finite shots are
 * applied to the measured distributions, and the post layer turns ⟨Z⟩ into class predictions.
 * Exact distributions before readout are cached per (gate noise, scale factor), so settings that
 * differ only in readout error or shots share one density-matrix run.
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

const gateKey = (noise: NoiseModel | undefined, scale: number) =>
  `${scale}|${JSON.stringify(noise?.rules ?? [])}`;

export class HybridExecutor {
  readonly circuit: Circuit;
  readonly angles: Float64Array;
  readonly batch: number;
  private cache = new Map<string, Float64Array>();

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

  /** Exact distribution before readout error (cached). */
  distribution(noise: NoiseModel | undefined, scale = 1): Float64Array {
    const key = gateKey(noise, scale);
    let d = this.cache.get(key);
    if (!d) {
      d = exactDistribution(this.circuit, this.angles, this.params.circuit.weights, this.batch, noise, scale);
      this.cache.set(key, d);
    }
    return d;
  }

  /** ⟨Z⟩ per wire (B×n) as measured in one setting. */
  expvals(s: RunSetting = {}): Float64Array {
    const n = this.nQubits;
    let probs = this.distribution(s.noise, s.scale ?? 1);
    const ro = readoutFor(s.noise, n);
    if (ro) probs = applyReadout(probs, n, ro);
    if (s.shots !== undefined && s.shots !== null)
      probs = sampleDistribution(probs, n, s.shots, new Rng(s.seed ?? 0));
    if (s.readoutMitigation && ro) probs = mitigateReadout(probs, n, ro);
    return expvalZFromProbs(probs, n);
  }

  /** Class predictions from ⟨Z⟩ values through the head's post layer. */
  predict(expvals: Float64Array): Int32Array {
    const { probs } = dressedReadout(this.params, expvals, this.batch);
    return argmaxRows(probs, this.params.nClasses);
  }
}
