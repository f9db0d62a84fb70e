/**
 * One session of backbone training, as the named steps trainBackboneOnData runs: open (the network,
 * optimizer, EMA of the weights when backbone.ema is set, and state, fresh or resumed from
 * RUN/backbone/checkpoint), the time-limit check before an epoch, one epoch (train, validate, keep
 * the best weights, checkpoint, log), and finish (reload the best epoch's weights, score val and
 * test, with test-time augmentation when backbone.tta is set, write the metrics). With the EMA,
 * the average is what is validated, kept and saved.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import {
  AdamW,
  Tensor,
  manualSeed,
  setNumThreads,
  setRngState,
  trimMemory,
  readSafetensors,
  type ProcessGroup,
} from '../engine/index.js';
import { argmaxRows, classificationMetrics, type Metrics } from '../eval/index.js';
import { viewsOf, type TtaView } from '../data/index.js';
import { DenseNet, type DenseNetConfig } from '../nn/index.js';
import { runPaths, saveBackbone, type BackboneArch, type RunPaths } from '../run/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { Rng } from '../util/rng.js';
import { resumeSettings, type BackboneConfig } from './backbone-config.js';
import type { BackboneData, BackboneHooks, BackboneResult } from './backbone-types.js';
import {
  EMA_PREFIX,
  checkCheckpointFits,
  loadCheckpoint,
  saveCheckpoint,
  type BackboneEpochLog,
  type CheckpointState,
  type LoadedCheckpoint,
} from './checkpoint.js';
import { WeightEma } from './ema.js';
import { predict, trainOneEpoch, type ArraySet } from './fit.js';
import { boostedClassWeights, cosineWithWarmup } from './schedule.js';

export interface Session {
  run: string;
  data: BackboneData;
  cfg: BackboneConfig;
  hooks: BackboneHooks;
  p: RunPaths;
  /** classes, training images, full image size */
  C: number;
  n: number;
  size: number;
  net: DenseNet;
  opt: AdamW;
  /** the EMA of the weights (backbone.ema), or null */
  ema: WeightEma | null;
  weight: Tensor;
  arch: BackboneArch;
  state: CheckpointState;
  total: number;
  warm: number;
  evalBatch: number;
  lead: boolean;
  dist: ProcessGroup | undefined;
  log: (line: string) => void;
  seedRng: Rng;
  resumedFrom: number | null;
}

function freshState(
  densenet: DenseNetConfig,
  classes: string[],
  settings: CheckpointState['settings'],
): CheckpointState {
  return {
    format: 'qmri-backbone-checkpoint',
    version: 1,
    densenet,
    classes,
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
}

/** libtorch's threads and generator are set just before the network is built, where seeded runs have always seeded it */
function buildNet(cfg: BackboneConfig, densenet: DenseNetConfig): { net: DenseNet; opt: AdamW } {
  setNumThreads(cfg.threads);
  manualSeed(cfg.seed);
  const net = new DenseNet(densenet);
  if (cfg.weights) net.loadWeights(cfg.weights, { skipClassifier: true });
  net.setCompute({ bf16: cfg.precision === 'bf16', channelsLast: cfg.channelsLast === true });
  const opt = new AdamW(net.parameters(), { lr: cfg.lr, weightDecay: cfg.weightDecay });
  return { net, opt };
}

export function openSession(
  run: string,
  data: BackboneData,
  cfg: BackboneConfig,
  hooks: BackboneHooks,
): Session {
  const p = runPaths(run);
  const C = data.classes.length;
  const densenet = densenetFor(cfg, C);
  const settings = resumeSettings(cfg);
  const ck = loadCheckpoint(p.checkpoint);
  if (ck) checkCheckpointFits(p.checkpoint, ck.state, densenet, data.classes, settings);
  const log = hooks.log ?? (() => {});
  if (cfg.boxGuidance && data.train.boxes && !data.train.boxes.some((b) => b))
    log(
      'backbone: boxGuidance is on but no training image has a tumor box: it trains on the cross entropy alone',
    );
  const size = data.train.shape[data.train.shape.length - 1];
  if (cfg.progressive && cfg.progressive.size >= size)
    throw new Error(
      `backbone config: 'progressive.size' (${cfg.progressive.size} px) must be below the image size (${size} px)`,
    );
  // before any weight is allocated: an unknown class name in classBoost is an error here
  const classWeight = boostedClassWeights(data.train.y, data.classes, cfg.classBoost);
  const { net, opt } = buildNet(cfg, densenet);
  const n = data.train.y.length;
  const total = Math.ceil(n / cfg.batchSize) * cfg.epochs;
  const dist = hooks.dist;
  const s: Session = {
    ...{ run, data, cfg, hooks, p, C, n, size, net, opt, log, dist, total },
    weight: Tensor.from(classWeight, [C]),
    arch: { densenet, classes: data.classes, preprocess: data.preprocess },
    state: freshState(densenet, data.classes, settings),
    warm: Math.floor(total * cfg.warmupFraction),
    evalBatch: cfg.evalBatchSize ?? 32,
    lead: !dist || dist.rank === 0,
    seedRng: new Rng(cfg.seed),
    resumedFrom: null,
    ema: null,
  };
  // every rank starts from rank 0's weights (the same seed or checkpoint gives them anyway)
  dist?.broadcast([...net.parameters(), ...net.namedBuffers().map(([, b]) => b)], 0);
  if (cfg.ema !== undefined) s.ema = new WeightEma(net, { decay: cfg.ema, warmup: cfg.emaWarmup === true });
  if (ck) resume(s, ck);
  else if (s.lead) {
    mkdirSync(p.backboneDir, { recursive: true });
    for (const f of [p.trainLog, p.backboneMetrics, p.model, p.arch]) rmSync(f, { force: true });
  }
  return s;
}

/** The network, optimizer, EMA, libtorch generator and loop state from the checkpoint. */
function resume(s: Session, ck: LoadedCheckpoint): void {
  const { p, cfg } = s;
  s.net.loadStateDict(ck.model, { source: p.checkpoint });
  s.ema?.load(ck.tensors, EMA_PREFIX, p.checkpoint);
  s.opt.loadStateBytes(ck.optimizer);
  setRngState(ck.torchRng);
  s.state = { ...ck.state, stopped: ck.state.stopped === 'time-limit' ? null : ck.state.stopped };
  s.resumedFrom = s.state.epoch;
  s.log(
    `resuming from ${p.checkpoint}: epoch ${s.state.epoch + 1}/${cfg.epochs}, best val macro-F1 ${s.state.bestMacroF1.toFixed(4)}`,
  );
}

const inputSizeAt = (cfg: BackboneConfig, epoch: number) =>
  cfg.progressive && epoch < cfg.progressive.epochs ? cfg.progressive.size : undefined;

/** True (and the state marked 'time-limit') when the next epoch would overrun the session's time limit */
export function timeIsUp(s: Session, clock: { start: number; firstEpoch: number }): boolean {
  const { cfg, state } = s;
  const epoch = state.epoch;
  const limit = cfg.timeLimitMinutes !== undefined ? cfg.timeLimitMinutes * 60 : Infinity;
  const sessionSeconds = (performance.now() - clock.start) / 1000;
  const next = inputSizeAt(cfg, epoch) ?? s.size;
  const over =
    epoch > clock.firstEpoch && sessionSeconds + nextEpochSeconds(state.logs, next, s.size) > limit;
  if (!anyRank(s.dist, over)) return false;
  state.stopped = 'time-limit';
  s.log(
    `time limit of ${cfg.timeLimitMinutes} min reached before epoch ${epoch + 1} (the checkpoint resumes)`,
  );
  return true;
}

function fitEpoch(s: Session, epoch: number, inputSize: number | undefined, t0: number) {
  const { cfg, state, hooks } = s;
  const order = s.seedRng.fork(`epoch-${epoch}`).permutation(s.n);
  const augRng = s.seedRng.fork(`augment-${epoch}`);
  // the bar's own ETA is this epoch's; the label carries the whole run's from the epochs so far
  const perEpoch = state.logs.length ? state.elapsedSeconds / state.logs.length : 0;
  const runEta = perEpoch ? `, run ETA ${formatMinutes(perEpoch * (cfg.epochs - epoch))}` : '';
  hooks.progress?.start(
    s.n,
    `backbone epoch ${epoch + 1}/${cfg.epochs}${inputSize ? ` at ${inputSize} px` : ''}${runEta}`,
  );
  const r = trainOneEpoch(s.net, s.opt, s.data.train, order, {
    batchSize: cfg.batchSize,
    weight: s.weight,
    labelSmoothing: cfg.labelSmoothing,
    lrAt: (k) => cosineWithWarmup(k, s.total, s.warm, cfg.lr),
    firstStep: state.step,
    inputSize,
    augment:
      cfg.augment && hooks.augment ? (x, m, masks) => hooks.augment!(x, m, s.size, augRng, masks) : undefined,
    onBatch: (done, loss) =>
      hooks.progress?.update(done, {
        loss: loss,
        'img/s': Math.round(done / ((performance.now() - t0) / 1000)),
      }),
    dist: s.dist,
    // data parallel: after the gradient allreduce every rank holds the same parameters, so each rank
    // updates its own shadow and the shadow parameters stay identical across ranks
    afterStep: s.ema ? (k) => s.ema!.update(s.net, k) : undefined,
    boxGuidance: cfg.boxGuidance,
  });
  // batch-norm statistics are per rank during an epoch: rank 0's (and its shadow's) are broadcast
  if (s.dist)
    s.dist.broadcast([...s.net.namedBuffers().map(([, b]) => b), ...(s.ema?.buffers(s.net) ?? [])], 0);
  hooks.progress?.stop();
  return r;
}

/** one epoch: train, validate, keep the best weights, early stop, log and checkpoint */
export function trainEpoch(s: Session): void {
  const { cfg, state, p } = s;
  const epoch = state.epoch;
  const inputSize = inputSizeAt(cfg, epoch);
  const t0 = performance.now();
  const r = fitEpoch(s, epoch, inputSize, t0);
  const trainSeconds = (performance.now() - t0) / 1000;
  const vm = withWeights(s, () => evaluate(s.net, s.data.val, s.C, s.evalBatch));
  const entry: BackboneEpochLog = {
    epoch,
    loss: r.loss,
    valAccuracy: vm.accuracy,
    valMacroF1: vm.macroF1,
    lr: s.opt.lr,
    seconds: (performance.now() - t0) / 1000,
    imagesPerSecond: s.n / trainSeconds,
    ...(inputSize ? { inputSize } : {}),
    ...(r.boxPenalty !== undefined ? { boxPenalty: r.boxPenalty } : {}),
  };
  state.logs.push(entry);
  state.step += r.steps;
  state.epoch = epoch + 1;
  state.elapsedSeconds += entry.seconds;
  if (vm.macroF1 > state.bestMacroF1) {
    state.bestMacroF1 = vm.macroF1;
    state.bestEpoch = epoch;
    state.since = 0;
    if (s.lead) withWeights(s, () => saveBackbone(s.run, s.net, s.arch));
  } else if (cfg.patience > 0 && ++state.since >= cfg.patience) state.stopped = 'early-stop';
  if (state.stopped === null && state.epoch >= cfg.epochs) state.stopped = 'epochs';
  if (s.lead) {
    writeFileAtomic(p.trainLog, state.logs.map((l) => JSON.stringify(l) + '\n').join(''));
    saveCheckpoint(p.checkpoint, p.checkpointState, s.net, s.opt, state, s.ema ?? undefined);
  }
  trimMemory(); // the epoch's freed activations go back to the system (engine/runtime.ts)
  s.log(
    `epoch ${epoch + 1}/${cfg.epochs}: loss ${r.loss.toFixed(4)}, val acc ${(100 * vm.accuracy).toFixed(2)}%, val macro-F1 ${vm.macroF1.toFixed(4)}, ${entry.imagesPerSecond.toFixed(1)} img/s${inputSize ? ` at ${inputSize} px` : ''}${r.boxPenalty !== undefined ? `, CAM outside box ${(100 * r.boxPenalty).toFixed(1)}%` : ''}, ${entry.seconds.toFixed(0)} s${state.bestEpoch === epoch ? ' (best)' : ''}${state.epoch < cfg.epochs ? `, at most ${formatMinutes((state.elapsedSeconds / state.logs.length) * (cfg.epochs - state.epoch))} to go` : ''}`,
  );
}

/** the best epoch's weights become the backbone; val and test scored, metrics written */
export function finishSession(s: Session): BackboneResult {
  const { state, p, data, lead } = s;
  if (lead && state.stopped === 'time-limit')
    saveCheckpoint(p.checkpoint, p.checkpointState, s.net, s.opt, state, s.ema ?? undefined);
  s.dist?.barrier(); // rank 0's files are written before any rank reads them
  if (!existsSync(p.model)) throw new Error(`${p.model}: no epoch finished within the time limit`);
  s.net.loadStateDict(readSafetensors(p.model).tensors, { source: p.model });
  // the final scores with test-time augmentation when backbone.tta is set
  const views = viewsOf(s.cfg.tta);
  const val = evaluate(s.net, data.val, s.C, s.evalBatch, views);
  const test = evaluate(s.net, data.test, s.C, s.evalBatch, views);
  const proxy = data.proxy ? evaluate(s.net, data.proxy, s.C, s.evalBatch, views) : undefined;
  const result: BackboneResult = {
    epochsDone: state.epoch,
    bestEpoch: state.bestEpoch,
    stopped: state.stopped,
    elapsedSeconds: state.elapsedSeconds,
    resumedFrom: s.resumedFrom,
    val,
    test,
    ...(proxy ? { proxy } : {}),
    logs: state.logs,
  };
  if (lead)
    writeJsonAtomic(p.backboneMetrics, {
      ...result,
      classes: data.classes,
      images: {
        train: s.n,
        val: data.val.y.length,
        test: data.test.y.length,
        ...(data.proxy ? { proxy: data.proxy.y.length } : {}),
      },
      config: s.cfg,
    });
  s.log(
    `backbone: best epoch ${state.bestEpoch + 1}, test accuracy ${(100 * test.accuracy).toFixed(2)}%, macro-F1 ${test.macroF1.toFixed(4)}${proxy ? `, cross-source proxy accuracy ${(100 * proxy.accuracy).toFixed(2)}%` : ''} (${state.stopped})`,
  );
  return result;
}

function densenetFor(cfg: BackboneConfig, classes: number): DenseNetConfig {
  const net = new DenseNet({ ...(cfg.densenet ?? {}), numClasses: classes });
  const c = net.config;
  net.dispose();
  return { ...c, blockConfig: [...c.blockConfig] };
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

/** fn with the weights that are validated and saved: the EMA's when it is on, else the live ones */
function withWeights<T>(s: Session, fn: () => T): T {
  return s.ema ? s.ema.withShadow(s.net, fn) : fn();
}

function evaluate(
  net: DenseNet,
  set: ArraySet,
  C: number,
  batch: number,
  views: readonly TtaView[] | null = null,
): Metrics {
  return classificationMetrics(set.y, argmaxRows(predict(net, set, C, batch, views), C), C);
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
