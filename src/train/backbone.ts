/**
 * Backbone training on in-memory image arrays: DenseNet (DenseNet121 unless a reduced one is asked
 * for) with its linear classifier, from scratch or from imported torchvision weights; AdamW, linear
 * warm-up + cosine decay, class-weighted cross entropy with label smoothing, early stopping on
 * validation macro-F1, optional progressive resizing (the first epochs on downscaled images, for
 * more epochs in a time budget), a progress sink with live metrics, a JSONL log, and a checkpoint written
 * atomically after every epoch. A killed run resumes from its last checkpoint and ends with the same
 * weights as an uninterrupted run of the same seed (the data order and augmentation of epoch e are
 * drawn from streams derived from (seed, e), and the optimizer and libtorch RNG states are restored).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import {
  AdamW,
  Tensor,
  manualSeed,
  setNumThreads,
  setRngState,
  readSafetensors,
  withRuntime,
  type ProcessGroup,
} from '../engine/index.js';
import { argmaxRows, classificationMetrics, type Metrics } from '../eval/index.js';
import { DenseNet, type DenseNetConfig } from '../nn/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import type { ProgressSink } from '../util/progress.js';
import { Rng } from '../util/rng.js';
import { resolveBackboneConfig, resumeSettings, type BackboneConfig } from './backbone-config.js';
import {
  checkCheckpointFits,
  loadCheckpoint,
  saveCheckpoint,
  type BackboneEpochLog,
  type CheckpointState,
} from './checkpoint.js';
import { predict, trainOneEpoch, type ArraySet } from './fit.js';
import { runPaths, saveBackbone, type BackboneArch } from '../run/index.js';
import { classWeights, cosineWithWarmup } from './schedule.js';

export interface BackboneData {
  train: ArraySet;
  val: ArraySet;
  test: ArraySet;
  classes: string[];
  /** the preprocessing the images went through (stored in arch.json) */
  preprocess: BackboneArch['preprocess'];
}

export interface BackboneHooks {
  log?: (line: string) => void;
  progress?: ProgressSink;
  /** in-place augmentation of the first m images of a training batch */
  augment?: (x: Float32Array, m: number, size: number, rng: Rng) => void;
  /**
   * data parallel (src/engine/distributed.ts): each rank trains on its shard of every global batch,
   * gradients are averaged; batch-norm statistics are per rank during an epoch and rank 0's running
   * statistics are broadcast after it; only rank 0 writes files. The checkpoint does not depend on the
   * number of ranks, so a run resumes with a different --nproc.
   */
  dist?: ProcessGroup;
}

export interface BackboneResult {
  epochsDone: number;
  bestEpoch: number;
  stopped: CheckpointState['stopped'];
  /** seconds of training over every session (this run folder) */
  elapsedSeconds: number;
  resumedFrom: number | null;
  val: Metrics;
  test: Metrics;
  logs: BackboneEpochLog[];
}

/** Every split has every class, and there are at least two classes (checked before any training). */
export function checkClassCoverage(data: Pick<BackboneData, 'train' | 'val' | 'test' | 'classes'>): void {
  const C = data.classes.length;
  if (C < 2)
    throw new Error(
      `the dataset has ${C} class(es) (${data.classes.join(', ') || 'none'}); at least 2 are needed`,
    );
  for (const split of ['train', 'val', 'test'] as const) {
    const set = data[split];
    const counts = new Array<number>(C).fill(0);
    for (const y of set.y) {
      if (!(y >= 0 && y < C)) throw new Error(`${split} split: label ${y} is outside 0..${C - 1}`);
      counts[y]++;
    }
    const empty = data.classes.filter((_, c) => counts[c] === 0);
    if (empty.length)
      throw new Error(
        `${split} split has no image of class ${empty.map((e) => `'${e}'`).join(', ')} (${set.y.length} images); change the split or add data`,
      );
  }
}

function densenetFor(cfg: BackboneConfig, classes: number): DenseNetConfig {
  const net = new DenseNet({ ...(cfg.densenet ?? {}), numClasses: classes });
  const c = net.config;
  net.dispose();
  return { ...c, blockConfig: [...c.blockConfig] };
}

/**
 * Trains the backbone on in-memory splits into RUN/backbone (resuming its checkpoint); libtorch's
 * thread count and generator are set from the config (just before the network is built, where
 * seeded runs have always seeded it) and restored after the call.
 */
export function trainBackboneOnData(
  run: string,
  data: BackboneData,
  partial: Partial<BackboneConfig>,
  hooks: BackboneHooks = {},
): BackboneResult {
  const cfg = resolveBackboneConfig(partial);
  return withRuntime({}, () => trainWithin(run, data, cfg, hooks));
}

function trainWithin(
  run: string,
  data: BackboneData,
  cfg: BackboneConfig,
  hooks: BackboneHooks,
): BackboneResult {
  checkClassCoverage(data);
  const p = runPaths(run);
  const C = data.classes.length;
  const densenet = densenetFor(cfg, C);
  const settings = resumeSettings(cfg);
  const ck = loadCheckpoint(p.checkpoint);
  if (ck) checkCheckpointFits(p.checkpoint, ck.state, densenet, data.classes, settings);
  const log = hooks.log ?? (() => {});
  const arch: BackboneArch = { densenet, classes: data.classes, preprocess: data.preprocess };
  const size = data.train.shape[data.train.shape.length - 1];
  if (cfg.progressive && cfg.progressive.size >= size)
    throw new Error(
      `backbone config: 'progressive.size' (${cfg.progressive.size} px) must be below the image size (${size} px)`,
    );

  setNumThreads(cfg.threads);
  manualSeed(cfg.seed);
  const net = new DenseNet(densenet);
  if (cfg.weights) net.loadWeights(cfg.weights, { skipClassifier: true });
  const opt = new AdamW(net.parameters(), { lr: cfg.lr, weightDecay: cfg.weightDecay });
  const n = data.train.y.length;
  const stepsPerEpoch = Math.ceil(n / cfg.batchSize);
  const total = stepsPerEpoch * cfg.epochs;
  const warm = Math.floor(total * cfg.warmupFraction);
  const weight = Tensor.from(classWeights(data.train.y, C), [C]);
  const evalBatch = cfg.evalBatchSize ?? 32;

  let state: CheckpointState = {
    format: 'qmri-backbone-checkpoint',
    version: 1,
    densenet,
    classes: data.classes,
    settings,
    epoch: 0,
    step: 0,
    bestMacroF1: -1,
    bestEpoch: -1,
    since: 0,
    stopped: null,
    elapsedSeconds: 0,
    logs: [],
  };
  const dist = hooks.dist;
  const lead = !dist || dist.rank === 0;
  // every rank starts from rank 0's weights (the same seed or checkpoint gives them anyway)
  dist?.broadcast([...net.parameters(), ...net.namedBuffers().map(([, b]) => b)], 0);
  let resumedFrom: number | null = null;
  if (ck) {
    net.loadStateDict(ck.model, { source: p.checkpoint });
    opt.loadStateBytes(ck.optimizer);
    setRngState(ck.torchRng);
    state = { ...ck.state, stopped: ck.state.stopped === 'time-limit' ? null : ck.state.stopped };
    resumedFrom = state.epoch;
    log(
      `resuming from ${p.checkpoint}: epoch ${state.epoch + 1}/${cfg.epochs}, best val macro-F1 ${state.bestMacroF1.toFixed(4)}`,
    );
  } else if (lead) {
    mkdirSync(p.backboneDir, { recursive: true });
    for (const f of [p.trainLog, p.backboneMetrics, p.model, p.arch]) rmSync(f, { force: true });
  }
  const seedRng = new Rng(cfg.seed);
  const session0 = performance.now();
  const limit = cfg.timeLimitMinutes !== undefined ? cfg.timeLimitMinutes * 60 : Infinity;
  // every session trains at least one epoch, so a limit shorter than an epoch still makes progress
  const firstEpochOfSession = state.epoch;
  try {
    while (state.stopped === null && state.epoch < cfg.epochs) {
      const epoch = state.epoch;
      const sessionSeconds = (performance.now() - session0) / 1000;
      const inputSize = cfg.progressive && epoch < cfg.progressive.epochs ? cfg.progressive.size : undefined;
      if (
        anyRank(
          dist,
          epoch > firstEpochOfSession &&
            sessionSeconds + nextEpochSeconds(state.logs, inputSize ?? size, size) > limit,
        )
      ) {
        state.stopped = 'time-limit';
        log(
          `time limit of ${cfg.timeLimitMinutes} min reached before epoch ${epoch + 1} (the checkpoint resumes)`,
        );
        break;
      }
      const t0 = performance.now();
      const order = seedRng.fork(`epoch-${epoch}`).permutation(n);
      const augRng = seedRng.fork(`augment-${epoch}`);
      // the bar's own ETA is this epoch's; the label carries the whole run's from the epochs so far
      const perEpoch = state.logs.length ? state.elapsedSeconds / state.logs.length : 0;
      const runEta = perEpoch ? `, run ETA ${formatMinutes(perEpoch * (cfg.epochs - epoch))}` : '';
      hooks.progress?.start(
        n,
        `backbone epoch ${epoch + 1}/${cfg.epochs}${inputSize ? ` at ${inputSize} px` : ''}${runEta}`,
      );
      const r = trainOneEpoch(net, opt, data.train, order, {
        batchSize: cfg.batchSize,
        weight,
        labelSmoothing: cfg.labelSmoothing,
        lrAt: (k) => cosineWithWarmup(k, total, warm, cfg.lr),
        firstStep: state.step,
        inputSize,
        augment: cfg.augment && hooks.augment ? (x, m) => hooks.augment!(x, m, size, augRng) : undefined,
        onBatch: (done, loss) =>
          hooks.progress?.update(done, {
            loss: loss,
            'img/s': Math.round(done / ((performance.now() - t0) / 1000)),
          }),
        dist,
      });
      if (dist)
        dist.broadcast(
          net.namedBuffers().map(([, b]) => b),
          0,
        );
      hooks.progress?.stop();
      const trainSeconds = (performance.now() - t0) / 1000;
      const vm = evaluate(net, data.val, C, evalBatch);
      const entry: BackboneEpochLog = {
        epoch,
        loss: r.loss,
        valAccuracy: vm.accuracy,
        valMacroF1: vm.macroF1,
        lr: opt.lr,
        seconds: (performance.now() - t0) / 1000,
        imagesPerSecond: n / trainSeconds,
        ...(inputSize ? { inputSize } : {}),
      };
      state.logs.push(entry);
      state.step += r.steps;
      state.epoch = epoch + 1;
      state.elapsedSeconds += entry.seconds;
      if (vm.macroF1 > state.bestMacroF1) {
        state.bestMacroF1 = vm.macroF1;
        state.bestEpoch = epoch;
        state.since = 0;
        if (lead) saveBackbone(run, net, arch);
      } else if (cfg.patience > 0 && ++state.since >= cfg.patience) state.stopped = 'early-stop';
      if (state.stopped === null && state.epoch >= cfg.epochs) state.stopped = 'epochs';
      if (lead) {
        writeFileAtomic(p.trainLog, state.logs.map((l) => JSON.stringify(l) + '\n').join(''));
        saveCheckpoint(p.checkpoint, p.checkpointState, net, opt, state);
      }
      log(
        `epoch ${epoch + 1}/${cfg.epochs}: loss ${r.loss.toFixed(4)}, val acc ${(100 * vm.accuracy).toFixed(2)}%, val macro-F1 ${vm.macroF1.toFixed(4)}, ${entry.imagesPerSecond.toFixed(1)} img/s${inputSize ? ` at ${inputSize} px` : ''}, ${entry.seconds.toFixed(0)} s${state.bestEpoch === epoch ? ' (best)' : ''}${state.epoch < cfg.epochs ? `, at most ${formatMinutes((state.elapsedSeconds / state.logs.length) * (cfg.epochs - state.epoch))} to go` : ''}`,
      );
    }
    if (lead && state.stopped === 'time-limit')
      saveCheckpoint(p.checkpoint, p.checkpointState, net, opt, state);
    dist?.barrier(); // rank 0's files are written before any rank reads them
    if (!existsSync(p.model)) throw new Error(`${p.model}: no epoch finished within the time limit`);
    // the best epoch's weights are the backbone
    net.loadStateDict(readSafetensors(p.model).tensors, { source: p.model });
    const val = evaluate(net, data.val, C, evalBatch);
    const test = evaluate(net, data.test, C, evalBatch);
    const result: BackboneResult = {
      epochsDone: state.epoch,
      bestEpoch: state.bestEpoch,
      stopped: state.stopped,
      elapsedSeconds: state.elapsedSeconds,
      resumedFrom,
      val,
      test,
      logs: state.logs,
    };
    if (lead)
      writeJsonAtomic(p.backboneMetrics, {
        ...result,
        classes: data.classes,
        images: { train: n, val: data.val.y.length, test: data.test.y.length },
        config: cfg,
      });
    log(
      `backbone: best epoch ${state.bestEpoch + 1}, test accuracy ${(100 * test.accuracy).toFixed(2)}%, macro-F1 ${test.macroF1.toFixed(4)} (${state.stopped})`,
    );
    return result;
  } finally {
    weight.dispose();
    net.dispose();
  }
}

/**
 * The expected length of the next epoch for the time limit, from a non-empty log (the limit is only
 * checked once the session has trained an epoch): the last epoch at the same training size, else the
 * last epoch scaled by the pixel ratio (progressive resizing's first full-size epoch).
 */
function nextEpochSeconds(logs: readonly BackboneEpochLog[], nextSize: number, fullSize: number): number {
  for (let k = logs.length - 1; k >= 0; k--)
    if ((logs[k].inputSize ?? fullSize) === nextSize) return logs[k].seconds;
  const last = logs[logs.length - 1];
  return last.seconds * (nextSize / (last.inputSize ?? fullSize)) ** 2;
}

function evaluate(net: DenseNet, set: ArraySet, C: number, batch: number): Metrics {
  return classificationMetrics(set.y, argmaxRows(predict(net, set, C, batch), C), C);
}

/** True when `flag` holds on any rank (so every rank takes the same branch). */
function anyRank(dist: ProcessGroup | undefined, flag: boolean): boolean {
  if (!dist) return flag;
  const t = Tensor.from([flag ? 1 : 0], [1]);
  dist.allreduce([t]);
  const any = t.item() > 0;
  t.dispose();
  return any;
}

/** 95 → '1.6 min'; 20 → '20 s' */
function formatMinutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;
}
