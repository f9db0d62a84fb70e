/**
 * The embedded default job (`qmri demo`): synthetic phantoms → DenseNet121 trained from scratch →
 * frozen pooled features → classical linear, parameter-matched bottleneck and dressed quantum heads
 * trained on the same features over several seeds → test metrics with bootstrap CIs, paired McNemar
 * tests and the verdict sentence. Everything is written atomically into the run folder.
 *
 * In this build the demo is the smallest end-to-end job: the data pipeline, Grad-CAM/SHAP audit,
 * noise sweep and HTML report stages of the full demo are not written yet (see the issues).
 */
import { join } from 'node:path';
import { Tensor, manualSeed, noGrad, setNumThreads, tidy } from '../engine/index.js';
import {
  argmaxRows,
  bootstrapCI,
  classificationMetrics,
  mcnemarExact,
  summarize,
  verdict,
  type Metrics,
} from '../eval/index.js';
import {
  BottleneckHead,
  DenseNet,
  LinearHead,
  QuantumHead,
  matchedHiddenSize,
  quantumHeadParamCount,
  type HeadModule,
} from '../nn/index.js';
import { makePhantomSet, toTensorData, PHANTOM_CLASSES } from '../data/index.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { fit, predict, type ArraySet, type EpochLog } from './fit.js';

export interface DemoOptions {
  out: string;
  quick?: boolean;
  seed?: number;
  threads?: number;
  log?: (line: string) => void;
}

export interface HeadResult {
  head: string;
  params: number;
  perSeed: { seed: number; accuracy: number; macroF1: number; balancedAccuracy: number }[];
  accuracy: ReturnType<typeof summarize>;
  macroF1: ReturnType<typeof summarize>;
  /** bootstrap 95% CI of the first seed's test accuracy */
  bootstrapAccuracy: { estimate: number; lo: number; hi: number };
}

export interface DemoResult {
  config: Record<string, unknown>;
  backbone: { epochs: EpochLog[]; test: Metrics };
  heads: HeadResult[];
  comparisons: {
    head: string;
    reference: string;
    mcnemar: { seed: number; b: number; c: number; p: number }[];
    verdict: string;
  }[];
  seconds: number;
}

function split(x: Float32Array, y: Int32Array, shape: number[], idx: number[]): ArraySet {
  const d = shape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(idx.length * d);
  const ys = new Int32Array(idx.length);
  idx.forEach((k, i) => {
    xs.set(x.subarray(k * d, (k + 1) * d), i * d);
    ys[i] = y[k];
  });
  return { x: xs, y: ys, shape };
}

function features(net: DenseNet, set: ArraySet, batch = 32): ArraySet {
  const n = set.y.length;
  const d = set.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * net.numFeatures);
  net.eval();
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    tidy(() =>
      noGrad(() =>
        out.set(
          net.embed(Tensor.from(set.x.subarray(s * d, (s + m) * d), [m, ...set.shape])).toFloat32Array(),
          s * net.numFeatures,
        ),
      ),
    );
  }
  return { x: out, y: set.y, shape: [net.numFeatures] };
}

export function runDemo(o: DemoOptions): DemoResult {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const quick = !!o.quick;
  const seed = o.seed ?? 7;
  setNumThreads(o.threads ?? 2);
  const cfg = {
    quick,
    seed,
    images: quick ? 320 : 800,
    size: quick ? 64 : 96,
    backboneEpochs: quick ? 6 : 8,
    backboneBatch: 16,
    backboneLr: 1e-3,
    headEpochs: quick ? 15 : 30,
    headSeeds: quick ? 3 : 10,
    headLr: 1e-2,
    qubits: 4,
    layers: 2,
  };
  log(`phantoms: ${cfg.images} images at ${cfg.size}×${cfg.size}`);
  const phantoms = makePhantomSet(cfg.images, cfg.size, seed);
  const x = toTensorData(phantoms, cfg.size);
  const y = Int32Array.from(phantoms.map((p) => p.label));
  const shape = [3, cfg.size, cfg.size];
  // phantoms are independent draws: a seeded stratified 70/15/15 split by index
  const idx = { train: [] as number[], val: [] as number[], test: [] as number[] };
  y.forEach((_, i) => {
    const r = Math.floor(i / 4) % 20;
    (r < 14 ? idx.train : r < 17 ? idx.val : idx.test).push(i);
  });
  const train = split(x, y, shape, idx.train);
  const val = split(x, y, shape, idx.val);
  const test = split(x, y, shape, idx.test);
  const C = PHANTOM_CLASSES.length;

  manualSeed(seed);
  const net = new DenseNet({ numClasses: C });
  log(
    `DenseNet121 (${net.parameterCount().toLocaleString('en')} parameters): ${cfg.backboneEpochs} epochs on ${train.y.length} images`,
  );
  const epochs = fit(net, train, val, {
    classes: C,
    epochs: cfg.backboneEpochs,
    batchSize: cfg.backboneBatch,
    lr: cfg.backboneLr,
    seed,
    onEpoch: (e) =>
      log(
        `  epoch ${e.epoch + 1}: loss ${e.loss.toFixed(3)}, val acc ${(100 * e.valAccuracy).toFixed(1)}%, ${e.seconds.toFixed(1)} s`,
      ),
  });
  const backboneTest = classificationMetrics(test.y, argmaxRows(predict(net, test, C, 32), C), C);
  log(`backbone test accuracy ${(100 * backboneTest.accuracy).toFixed(1)}%`);
  const ftrain = features(net, train);
  const fval = features(net, val);
  const ftest = features(net, test);
  net.dispose();

  const qParams = quantumHeadParamCount(1024, C, { qubits: cfg.qubits, layers: cfg.layers });
  const hidden = matchedHiddenSize(1024, cfg.qubits, C, qParams);
  const makers: [string, () => HeadModule][] = [
    ['linear', () => new LinearHead(1024, C)],
    ['bottleneck', () => new BottleneckHead(1024, cfg.qubits, hidden, C)],
    ['quantum', () => new QuantumHead(1024, C, { qubits: cfg.qubits, layers: cfg.layers })],
  ];
  const preds = new Map<string, Int32Array[]>();
  const heads: HeadResult[] = [];
  for (const [name, make] of makers) {
    const perSeed: HeadResult['perSeed'] = [];
    const list: Int32Array[] = [];
    let params = 0;
    for (let s = 0; s < cfg.headSeeds; s++) {
      manualSeed(1000 + s);
      const head = make();
      params = head.parameterCount();
      fit(head, ftrain, fval, {
        classes: C,
        epochs: cfg.headEpochs,
        batchSize: 32,
        lr: cfg.headLr,
        seed: 1000 + s,
        patience: 10,
      });
      const p = argmaxRows(predict(head, ftest, C), C);
      head.dispose();
      list.push(p);
      const m = classificationMetrics(ftest.y, p, C);
      perSeed.push({
        seed: 1000 + s,
        accuracy: m.accuracy,
        macroF1: m.macroF1,
        balancedAccuracy: m.balancedAccuracy,
      });
    }
    preds.set(name, list);
    const first = list[0];
    heads.push({
      head: name,
      params,
      perSeed,
      accuracy: summarize(perSeed.map((r) => r.accuracy)),
      macroF1: summarize(perSeed.map((r) => r.macroF1)),
      bootstrapAccuracy: bootstrapCI(
        ftest.y.length,
        (ix) => ix.reduce((a, i) => a + (first[i] === ftest.y[i] ? 1 : 0), 0) / ix.length,
        { seed },
      ),
    });
    const h = heads[heads.length - 1];
    log(
      `${name} head (${params} parameters): test accuracy ${(100 * h.accuracy.mean).toFixed(1)}% ± ${(100 * h.accuracy.sd).toFixed(1)} over ${cfg.headSeeds} seeds`,
    );
  }
  const comparisons: DemoResult['comparisons'] = [];
  for (const ref of ['linear', 'bottleneck']) {
    const q = preds.get('quantum')!;
    const r = preds.get(ref)!;
    const mcnemar = q.map((qp, s) => ({ seed: 1000 + s, ...mcnemarExact(ftest.y, qp, r[s]) }));
    const acc = (p: Int32Array) => p.reduce((a, v, i) => a + (v === ftest.y[i] ? 1 : 0), 0) / p.length;
    const diffs = q.map((qp, s) => acc(qp) - acc(r[s]));
    const v = verdict(
      'quantum head',
      `${ref} head`,
      diffs,
      mcnemar.map((m) => m.p),
    );
    comparisons.push({ head: 'quantum', reference: ref, mcnemar, verdict: v });
    log(v);
  }
  const result: DemoResult = {
    config: cfg,
    backbone: { epochs, test: backboneTest },
    heads,
    comparisons,
    seconds: (performance.now() - t0) / 1000,
  };
  writeJsonAtomic(join(o.out, 'results.json'), result);
  log(`results: ${join(o.out, 'results.json')} (${result.seconds.toFixed(0)} s)`);
  return result;
}
