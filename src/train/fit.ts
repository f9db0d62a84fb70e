/**
 * A generic supervised training loop over in-memory arrays: seeded shuffled mini-batches, AdamW with
 * linear warm-up and cosine decay, class-weighted cross entropy with optional label smoothing, and
 * early stopping on validation macro-F1 (the best epoch's weights are restored). Works for any model
 * with forward(x) → logits, including heads whose gradient is partly computed outside libtorch.
 */
import {
  AdamW,
  Tensor,
  crossEntropy,
  interpolateBilinear,
  noGrad,
  tidy,
  trimMemory,
  shardOf,
  type Optimizer,
  type ProcessGroup,
} from '../engine/index.js';
import type { BatchMix } from '../data/index.js';
import { argmaxRows, classificationMetrics } from '../eval/index.js';
import type { Module } from '../nn/index.js';
import { Rng } from '../util/rng.js';
import { classWeights, cosineWithWarmup } from './schedule.js';

export interface TrainableModel extends Module {
  forward(x: Tensor): Tensor;
}

export interface ArraySet {
  /** N × (per-sample shape), flattened */
  x: Float32Array;
  y: Int32Array;
  shape: number[]; // per-sample shape, e.g. [1024] or [3, 64, 64]
}

export interface FitOptions {
  classes: number;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay?: number;
  warmupFraction?: number;
  labelSmoothing?: number;
  patience?: number;
  seed: number;
  onEpoch?: (e: EpochLog) => void;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  valAccuracy: number;
  valMacroF1: number;
  lr: number;
  seconds: number;
}

const per = (s: ArraySet) => s.shape.reduce((a, b) => a * b, 1);

/** Class scores (softmax probabilities) for a whole set, in batches, no grad. */
export function predict(model: TrainableModel, set: ArraySet, classes: number, batchSize = 64): Float32Array {
  const n = set.y.length;
  const out = new Float32Array(n * classes);
  const d = per(set);
  const wasTraining = model.training;
  model.eval();
  for (let s = 0; s < n; s += batchSize) {
    const m = Math.min(batchSize, n - s);
    tidy(() =>
      noGrad(() => {
        const x = Tensor.from(set.x.subarray(s * d, (s + m) * d), [m, ...set.shape]);
        out.set(model.forward(x).softmax(1).toFloat32Array(), s * classes);
      }),
    );
  }
  model.train(wasTraining);
  return out;
}

export interface EpochOptions {
  batchSize: number;
  /** class weights of the cross entropy (classes) */
  weight: Tensor;
  labelSmoothing: number;
  /** learning rate of global step k */
  lrAt: (k: number) => number;
  /** global step number of the epoch's first batch */
  firstStep: number;
  /**
   * in-place augmentation of the m samples in xb (training only); a batch-mixing augmentation
   * (mixup, cutmix) returns how it mixed, and the loss mixes the labels alike (batchLoss)
   */
  augment?: (xb: Float32Array, m: number) => BatchMix | void;
  /** train on the batch downscaled (bilinear) to this many px square; absent: as stored */
  inputSize?: number;
  /** after each batch: samples done in this epoch and the running mean loss */
  onBatch?: (done: number, meanLoss: number) => void;
  /** data parallel: this rank trains on its shard of each global batch; gradients are averaged */
  dist?: ProcessGroup;
}

/**
 * The training loss of a batch: class-weighted cross entropy with label smoothing; for a mixed
 * batch λ·CE(logits, y) + (1−λ)·CE(logits, y[perm]) with the same weights and smoothing.
 */
export function batchLoss(
  logits: Tensor,
  y: readonly number[],
  mix: BatchMix | undefined,
  o: { weight: Tensor; labelSmoothing: number },
): Tensor {
  const ce = (labels: readonly number[]) =>
    crossEntropy(logits, Tensor.int64(labels, [labels.length]), {
      weight: o.weight,
      labelSmoothing: o.labelSmoothing,
    });
  if (!mix) return ce(y);
  const partner = Array.from(mix.perm, (j) => y[j]);
  return ce(y)
    .mul(mix.lambda)
    .add(ce(partner).mul(1 - mix.lambda));
}

/** One pass over `train` in the given sample order; returns the mean loss and the steps taken. */
export function trainOneEpoch(
  model: TrainableModel,
  opt: Optimizer,
  train: ArraySet,
  order: Int32Array,
  o: EpochOptions,
): { loss: number; steps: number } {
  const n = order.length;
  const d = per(train);
  const xb = new Float32Array(o.batchSize * d);
  let lossSum = 0;
  let steps = 0;
  let done = 0;
  model.train();
  for (let s = 0; s < n; s += o.batchSize) {
    const mAll = Math.min(o.batchSize, n - s);
    const { start, end } = o.dist ? shardOf(mAll, o.dist.rank, o.dist.worldSize) : { start: 0, end: mAll };
    const m = end - start;
    const yb = new Array<number>(m);
    for (let i = 0; i < m; i++) {
      const k = order[s + start + i];
      xb.set(train.x.subarray(k * d, (k + 1) * d), i * d);
      yb[i] = train.y[k];
    }
    const mix = o.augment?.(xb.subarray(0, m * d), m) ?? undefined;
    opt.setLr(o.lrAt(o.firstStep + steps++));
    tidy(() => {
      opt.zeroGrad();
      const full = Tensor.from(xb.subarray(0, m * d), [m, ...train.shape]);
      const x = o.inputSize ? interpolateBilinear(full, [o.inputSize, o.inputSize]) : full;
      const loss = batchLoss(model.forward(x), yb, mix, o);
      lossSum += loss.item() * m;
      loss.backward();
      o.dist?.allreduceGrads(model.parameters());
      opt.step();
    });
    done += m;
    o.onBatch?.(s + mAll, lossSum / done);
  }
  return { loss: lossSum / Math.max(1, done), steps };
}

export function fit(model: TrainableModel, train: ArraySet, val: ArraySet, o: FitOptions): EpochLog[] {
  const n = train.y.length;
  if (n === 0) throw new Error('training set is empty');
  const present = new Set(train.y);
  if (present.size < 2) throw new Error(`training set has ${present.size} class(es); at least 2 are needed`);
  const stepsPerEpoch = Math.ceil(n / o.batchSize);
  const total = stepsPerEpoch * o.epochs;
  const warm = Math.floor(total * (o.warmupFraction ?? 0.05));
  const opt = new AdamW(model.parameters(), { lr: o.lr, weightDecay: o.weightDecay ?? 1e-4 });
  const weight = Tensor.from(classWeights(train.y, o.classes), [o.classes]);
  const rng = new Rng(o.seed);
  const logs: EpochLog[] = [];
  let best = -1;
  let bestState: Map<string, Float32Array> | null = null;
  let since = 0;
  let step = 0;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const t0 = performance.now();
      const order = rng.fork(`epoch-${epoch}`).permutation(n);
      const r = trainOneEpoch(model, opt, train, order, {
        batchSize: o.batchSize,
        weight,
        labelSmoothing: o.labelSmoothing ?? 0,
        lrAt: (k) => cosineWithWarmup(k, total, warm, o.lr),
        firstStep: step,
      });
      step += r.steps;
      const probs = predict(model, val, o.classes);
      const vm = classificationMetrics(val.y, argmaxRows(probs, o.classes), o.classes);
      const log = {
        epoch,
        loss: r.loss,
        valAccuracy: vm.accuracy,
        valMacroF1: vm.macroF1,
        lr: opt.lr,
        seconds: (performance.now() - t0) / 1000,
      };
      logs.push(log);
      o.onEpoch?.(log);
      if (vm.macroF1 > best) {
        best = vm.macroF1;
        bestState = new Map(
          [...model.stateDict()]
            .filter(([, t]) => t.dtype === 'float32')
            .map(([k, t]) => [k, t.toFloat32Array()]),
        );
        since = 0;
      } else if (++since >= (o.patience ?? Infinity)) break;
    }
    if (bestState) {
      const own = model.stateDict();
      noGrad(() => {
        for (const [k, v] of bestState!) tidy(() => own.get(k)!.copy_(Tensor.from(v, own.get(k)!.shape)));
      });
    }
  } finally {
    opt.dispose();
    weight.dispose();
    trimMemory();
  }
  return logs;
}
