/**
 * Noise-aware training: the quantum head's circuit weights and post layer, starting from the
 * noiselessly trained head, are fine-tuned with the circuit run on the density-matrix simulator under
 * a noise model and finite shots, with parameter-shift gradients (QuantumLayer 'parameter-shift' with
 * a noisy evaluator) inside the generic training loop (src/train fit: AdamW, cosine schedule, best
 * validation macro-F1 kept). The 1,024→n pre layer stays frozen (it carries the features, not the
 * noise). The starting head is a candidate too: if no epoch beats its validation macro-F1 under the
 * same noise, it is kept (validation data only, never test). Cost is bounded: a seeded subset of the
 * training features and a few epochs; each step costs 2 circuit runs per circuit parameter occurrence.
 */
import { Tensor, noGrad, tidy } from '../engine/index.js';
import { argmaxRows, classificationMetrics } from '../eval/index.js';
import { QuantumHead } from '../nn/index.js';
import { evaluateNoisy, type Evaluator, type NoiseModel } from '../quantum/index.js';
import {
  exportHead,
  importHead,
  headProbs,
  type HeadExport,
  circuitParams,
  hasCircuit,
} from '../heads/index.js';
import { type FeatureSet } from '../run/index.js';
import { fit, type ArraySet, type EpochLog } from '../train/fit.js';
import { Rng } from '../util/rng.js';
import type { AwareConfig } from './config.js';

/** A noisy evaluator whose shot sampler is reseeded deterministically on every call. */
export function noisyEvaluator(noise: NoiseModel, shots: number | null, seed: number): Evaluator {
  let calls = 0;
  const base = new Rng(seed);
  return (c, x, w, B) =>
    evaluateNoisy(c, x, w, { noise, shots: shots ?? undefined, seed: base.fork(calls++).seed }, B);
}

/** A seeded subset of rows (at most `max`), in their original order. */
export function subsetRows(set: FeatureSet, max: number, seed: number): ArraySet {
  const n = set.y.length;
  const keep =
    n <= max
      ? Int32Array.from({ length: n }, (_, i) => i)
      : new Rng(seed).permutation(n).subarray(0, max).sort();
  const x = new Float32Array(keep.length * set.dim);
  const y = new Int32Array(keep.length);
  keep.forEach((r, i) => {
    x.set(set.x.subarray(r * set.dim, (r + 1) * set.dim), i * set.dim);
    y[i] = set.y[r];
  });
  return { x, y, shape: [set.dim] };
}

export interface AwareTrainingResult {
  head: HeadExport;
  epochs: EpochLog[];
  trainSamples: number;
  valSamples: number;
  /** validation macro-F1 under the training noise of the starting head and of the best epoch */
  valMacroF1: { start: number; fineTuned: number };
  /** 'fine-tuned', or 'start' when no epoch beat the starting head on validation */
  selected: 'fine-tuned' | 'start';
}

/** The quantum head with its pre layer frozen: only circuit weights and the post layer train. */
class FrozenPreQuantumHead extends QuantumHead {
  override parameters() {
    return [this.quantum.weights, ...this.post.parameters()];
  }
}

function valMacroF1(head: HeadExport, va: ArraySet, evaluator: Evaluator): number {
  const probs = headProbs(head, va.x, { evaluator });
  return classificationMetrics(va.y, argmaxRows(probs, head.classes), head.classes).macroF1;
}

/**
 * Fine-tunes the quantum head under `noise`. `val` (the validation features) picks the best epoch;
 * without it the last fifth of the training subset is held out for that.
 */
export function trainNoiseAware(
  start: HeadExport,
  train: FeatureSet,
  val: FeatureSet | null,
  noise: NoiseModel,
  cfg: AwareConfig,
  seed: number,
  onEpoch?: (e: EpochLog) => void,
): AwareTrainingResult {
  if (!hasCircuit(start.kind))
    throw new Error(`noise-aware training needs the quantum head, got '${start.kind}'`);
  if (train.dim !== start.inDim)
    throw new Error(`training features have ${train.dim} dims, the quantum head takes ${start.inDim}`);
  let tr = subsetRows(train, cfg.subset, seed);
  let va: ArraySet;
  if (val) va = subsetRows(val, cfg.subset, seed + 1);
  else {
    const nv = Math.max(1, Math.floor(tr.y.length / 5));
    const nt = tr.y.length - nv;
    va = { x: tr.x.slice(nt * train.dim), y: tr.y.slice(nt), shape: tr.shape };
    tr = { x: tr.x.slice(0, nt * train.dim), y: tr.y.slice(0, nt), shape: tr.shape };
  }
  const d = circuitParams(start);
  const evaluator = noisyEvaluator(noise, cfg.shots, seed);
  const head = new FrozenPreQuantumHead(start.inDim, start.classes, {
    qubits: d.nQubits,
    layers: d.circuit.layers,
    template: d.circuit.template,
    embedding: d.circuit.embedding,
    reupload: d.circuit.reupload,
    gradient: 'parameter-shift',
    evaluator,
  });
  const init = importHead(start);
  try {
    const from = init.stateDict();
    noGrad(() => {
      for (const [k, t] of head.stateDict()) tidy(() => t.copy_(from.get(k) as Tensor));
    });
  } finally {
    init.dispose();
  }
  try {
    const epochs = fit(head, tr, va, {
      classes: start.classes,
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      lr: cfg.lr,
      seed,
      onEpoch,
    });
    const tuned = exportHead(head);
    const valEval = noisyEvaluator(noise, cfg.shots, seed + 2);
    const f1Start = valMacroF1(start, va, valEval);
    const f1Tuned = valMacroF1(tuned, va, noisyEvaluator(noise, cfg.shots, seed + 2));
    const keepStart = f1Start >= f1Tuned;
    return {
      head: keepStart ? start : tuned,
      epochs,
      trainSamples: tr.y.length,
      valSamples: va.y.length,
      valMacroF1: { start: f1Start, fineTuned: f1Tuned },
      selected: keepStart ? 'start' : 'fine-tuned',
    };
  } finally {
    head.dispose();
  }
}
