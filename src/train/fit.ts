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
import type { BatchMix, Box } from '../data/index.js';
import { argmaxRows, classificationMetrics } from '../eval/index.js';
import type { Module } from '../nn/index.js';
import { Rng } from '../util/rng.js';
import { meanOverViews, type TtaView } from '../data/tta/index.js';
import { batchGuide, type BatchGuide, type BoxGuidanceOptions } from './box-guidance.js';
import { classWeights, cosineWithWarmup } from './schedule.js';

export interface TrainableModel extends Module {
  forward(x: Tensor): Tensor;
}

export interface ArraySet {
  /** N × (per-sample shape), flattened */
  x: Float32Array;
  y: Int32Array;
  shape: number[]; // per-sample shape, e.g. [1024] or [3, 64, 64]
  /** per sample: the tumor box (normalised, in the image), or null; images only, for box guidance */
  boxes?: readonly (Box | null)[];
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

/**
 * Class scores (softmax probabilities) for a whole set, in batches, no grad; with test-time
 * augmentation views, each image's probabilities averaged over the views (src/data/tta).
 */
export function predict(
  model: TrainableModel,
  set: ArraySet,
  classes: number,
  batchSize = 64,
  views: readonly TtaView[] | null = null,
): Float32Array {
  const n = set.y.length;
  const out = new Float32Array(n * classes);
  const d = per(set);
  const wasTraining = model.training;
  model.eval();
  for (let s = 0; s < n; s += batchSize) {
    const m = Math.min(batchSize, n - s);
    const probs = (x: Float32Array) =>
      tidy(() =>
        noGrad(() =>
          model
            .forward(Tensor.from(x, [m, ...set.shape]))
            .softmax(1)
            .toFloat32Array(),
        ),
      );
    const x = set.x.subarray(s * d, (s + m) * d);
    out.set(views ? meanOverViews(x, m, set.shape, views, probs) : probs(x), s * classes);
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
   * in-place augmentation of the m samples in xb (training only); `masks` (m×S×S, with box
   * guidance) get the same geometry; a batch-mixing augmentation (mixup, cutmix) returns how it
   * mixed, and the loss mixes the labels alike (batchLoss)
   */
  augment?: (xb: Float32Array, m: number, masks?: Float32Array) => BatchMix | void;
  /** train on the batch downscaled (bilinear) to this many px square; absent: as stored */
  inputSize?: number;
  /** after each batch: samples done in this epoch and the running mean loss */
  onBatch?: (done: number, meanLoss: number) => void;
  /** data parallel: this rank trains on its shard of each global batch; gradients are averaged */
  dist?: ProcessGroup;
  /** after each optimizer step, with that step's global number (e.g. an EMA of the weights) */
  afterStep?: (k: number) => void;
  /** box-guided training (box-guidance.ts): needs `train.boxes` and a DenseNet; absent = plain CE */
  boxGuidance?: BoxGuidanceOptions;
}

/** What one epoch gives: mean loss, steps, and with box guidance the mean penalty over boxed images. */
export interface EpochResult {
  loss: number;
  steps: number;
  boxPenalty?: number;
}

/**
 * The loss of one batch: batchLoss (cross entropy, label-mixed for a mixed batch), plus under box
 * guidance λ · the box penalty (each image's own class and box; cutmix pastes the partner's mask with
 * its pixels, mixup leaves the masks as they are).
 */
function guidedLoss(
  model: TrainableModel,
  x: Tensor,
  yb: number[],
  mix: BatchMix | undefined,
  o: EpochOptions,
  guide: { g: BatchGuide; boxed: number[] } | null,
): { loss: Tensor; penalty: Tensor | null } {
  if (!guide) return { loss: batchLoss(model.forward(x), yb, mix, o), penalty: null };
  const r = guide.g.forward(x, Tensor.int64(yb, [yb.length]), guide.boxed);
  const loss = batchLoss(r.logits, yb, mix, o);
  return { loss: r.penalty ? loss.add(r.penalty.mul(guide.g.weight)) : loss, penalty: r.penalty };
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
): EpochResult {
  const n = order.length;
  const d = per(train);
  const xb = new Float32Array(o.batchSize * d);
  const S = train.shape[train.shape.length - 1];
  const g = o.boxGuidance ? batchGuide(model, train.boxes, S, o.batchSize, o.boxGuidance) : null;
  let lossSum = 0;
  let steps = 0;
  let done = 0;
  const pen = { sum: 0, images: 0 };
  model.train();
  for (let s = 0; s < n; s += o.batchSize) {
    const mAll = Math.min(o.batchSize, n - s);
    const { start, end } = o.dist ? shardOf(mAll, o.dist.rank, o.dist.worldSize) : { start: 0, end: mAll };
    const m = end - start;
    const rows = order.subarray(s + start, s + end);
    const yb = new Array<number>(m);
    for (let i = 0; i < m; i++) {
      const k = rows[i];
      xb.set(train.x.subarray(k * d, (k + 1) * d), i * d);
      yb[i] = train.y[k];
    }
    const boxed = g ? g.fill(rows) : [];
    const mix = o.augment?.(xb.subarray(0, m * d), m, g?.masks.subarray(0, m * S * S)) ?? undefined;
    const step = o.firstStep + steps++;
    opt.setLr(o.lrAt(step));
    tidy(() => {
      opt.zeroGrad();
      const full = Tensor.from(xb.subarray(0, m * d), [m, ...train.shape]);
      const x = o.inputSize ? interpolateBilinear(full, [o.inputSize, o.inputSize]) : full;
      const { loss, penalty } = guidedLoss(model, x, yb, mix, o, g && { g, boxed });
      lossSum += loss.item() * m;
      if (penalty) {
        pen.sum += penalty.item() * boxed.length;
        pen.images += boxed.length;
      }
      loss.backward();
      o.dist?.allreduceGrads(model.parameters());
      opt.step();
    });
    o.afterStep?.(step);
    done += m;
    o.onBatch?.(s + mAll, lossSum / done);
  }
  const loss = lossSum / Math.max(1, done);
  return g ? { loss, steps, boxPenalty: pen.images ? pen.sum / pen.images : 0 } : { loss, steps };
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
