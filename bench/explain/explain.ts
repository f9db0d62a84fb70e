/**
 * Explain benchmark (issue #6): per image, median of `--reps` images after a warm-up.
 *   Grad-CAM (+ Grad-CAM++ from the same backward) on DenseNet121 at 224 px, classical (linear)
 *   and hybrid (4-qubit quantum head, gradient through the circuit) models;
 *   Kernel SHAP on 1,024 pooled features, 2,048 coalitions, 50 background rows, for the linear,
 *   bottleneck and quantum heads; Permutation SHAP (one antithetic pair) and the exact circuit-input
 *   Shapley values likewise; Partition SHAP on DenseNet121 at 224 px (8×8 grid, 128 masked images).
 * Random weights (timing does not depend on training); features are ReLU-like non-negative vectors.
 *   source scripts/env.sh && node --import tsx bench/explain/explain.ts [--threads 1] [--reps 5] [--shap-only] [--json]
 * Peer (Kernel SHAP as the `shap` library computes it, in NumPy):
 *   OPENBLAS_NUM_THREADS=1 python3 bench/explain/kernel_shap_numpy.py [reps]
 */
import { Tensor, manualSeed, noGrad, setNumThreads, tidy } from '../../src/engine/index.js';
import {
  BottleneckHead,
  LinearHead,
  QuantumHead,
  densenet121,
  matchedHiddenSize,
  quantumHeadParamCount,
  type HeadModule,
} from '../../src/nn/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportHead, headProbs, splitHead } from '../../src/heads/index.js';
import { openRun, runPaths, saveBackbone, saveFeatures, saveHead } from '../../src/run/index.js';
import {
  MaskedHead,
  activations,
  analyzeCase,
  circuitInputShap,
  gradCam,
  gradCamPlusPlus,
  kernelShap,
  partitionShap,
  permutationShap,
} from '../../src/explain/index.js';
import { Rng } from '../../src/util/rng.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const threads = arg('threads', 1);
const reps = arg('reps', 5);
const json = process.argv.includes('--json');
/** --shap-only: skip the DenseNet121 parts (for interleaving with the NumPy peer) */
const shapOnly = process.argv.includes('--shap-only');
setNumThreads(threads);
manualSeed(0);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
// wall time, and this process's CPU time (robust when other jobs share the cores; threads = 1)
const cpuSecs: number[] = [];
const time = (fn: () => void) => {
  const t = performance.now();
  const c = process.cpuUsage();
  fn();
  const u = process.cpuUsage(c);
  cpuSecs.push((u.user + u.system) / 1e6);
  return (performance.now() - t) / 1000;
};
const results: Record<string, { wall: number; worstWall: number; cpu: number }> = {};
const report = (name: string, secs: number[]) => {
  const cpu = median(cpuSecs.slice(-secs.length));
  const worstWall = Math.max(...secs);
  results[name] = { wall: median(secs), worstWall, cpu };
  if (!json)
    console.log(
      `${name.padEnd(52)} wall ${median(secs).toFixed(3)} s (worst ${worstWall.toFixed(3)} s), CPU ${cpu.toFixed(3)} s per image (median of ${secs.length})`,
    );
};

const D = 1024;
const q = { qubits: 4, layers: 2 };
const heads: Record<string, HeadModule> = {
  linear: new LinearHead(D, 4),
  bottleneck: new BottleneckHead(D, 4, matchedHiddenSize(D, 4, 4, quantumHeadParamCount(D, 4, q)), 4),
  quantum: new QuantumHead(D, 4, q),
};
const rng = new Rng(1);
const feats = (n: number) => Float64Array.from({ length: n * D }, () => Math.max(0, rng.normal(0.3, 0.5)));
const bg = feats(50);

// SHAP on the pooled features
for (const [kind, h] of Object.entries(heads)) {
  const e = exportHead(h);
  const split = splitHead(e);
  const xs = feats(reps + 1);
  const ks: number[] = [];
  const ps: number[] = [];
  const cs: number[] = [];
  let addErr = 0;
  const kc: number[] = [];
  const pc: number[] = [];
  const cc: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const x = xs.subarray(r * D, (r + 1) * D);
    let res: ReturnType<typeof kernelShap> | undefined;
    const tk = time(() => (res = kernelShap(new MaskedHead(split, x, bg), { nsamples: 2048, seed: r })));
    const ck = cpuSecs[cpuSecs.length - 1];
    const tp = time(() => permutationShap(new MaskedHead(split, x, bg), { permutations: 1, seed: r }));
    const cp = cpuSecs[cpuSecs.length - 1];
    const tc = kind === 'quantum' ? time(() => circuitInputShap(e, x, bg)) : 0;
    const c3 = cpuSecs[cpuSecs.length - 1];
    addErr = Math.max(addErr, res!.additivityError);
    if (r > 0) {
      ks.push(tk);
      ps.push(tp);
      cs.push(tc);
      kc.push(ck);
      pc.push(cp);
      cc.push(c3);
    }
  }
  cpuSecs.push(...kc);
  report(`kernel SHAP ${kind} (1024 f, 2048 coal, 50 bg)`, ks);
  cpuSecs.push(...pc);
  report(`permutation SHAP ${kind} (1 pair, 50 bg)`, ps);
  if (kind === 'quantum') {
    cpuSecs.push(...cc);
    report('exact circuit-input SHAP quantum (2^4, 50 bg)', cs);
  }
  if (!json) console.log(`  kernel SHAP ${kind}: max additivity error ${addErr.toExponential(1)}`);
}

// Grad-CAM on DenseNet121 at 224 px
if (shapOnly) {
  if (json) console.log(JSON.stringify({ threads, reps, results }));
  process.exit(0);
}
const net = densenet121(4);
net.eval();
const S = 224;
const img = () => Float32Array.from({ length: 3 * S * S }, () => rng.normal());
for (const kind of ['linear', 'quantum']) {
  const h = heads[kind];
  const ts: number[] = [];
  cpuSecs.length = 0;
  for (let r = 0; r <= Math.min(reps, 3); r++) {
    const x = img();
    const t = time(() => {
      const a = activations(net, h, x, S, { classes: 4 });
      gradCam(a, S);
      gradCamPlusPlus(a, S);
    });
    if (r > 0) ts.push(t);
    else cpuSecs.length = 0;
  }
  report(`Grad-CAM + Grad-CAM++ ${kind === 'linear' ? 'classical' : 'hybrid'} (DenseNet121 224 px)`, ts);
}

// Partition SHAP on DenseNet121 at 224 px
{
  const e = exportHead(heads.linear);
  const model = (images: Float32Array, B: number) =>
    headProbs(
      e,
      tidy(() => noGrad(() => net.embed(Tensor.from(images, [B, 3, S, S])).toFloat32Array())),
    );
  const ts: number[] = [];
  cpuSecs.length = 0;
  for (let r = 0; r < 2; r++) {
    const x = img();
    ts.push(time(() => partitionShap(model, x, S, { grid: 8, maxEvals: 128, batchSize: 16 })));
  }
  report('partition SHAP classical (8×8 grid, 128 evals, 224 px)', ts);
}

// analyzeCase with its default (fast) methods on a DenseNet121 run folder: what `qmri predict` and
// the web viewer pay per image (classical + hybrid: Grad-CAM, Grad-CAM++, Kernel SHAP 512, SHAP-CAM, PNGs)
{
  const run = mkdtempSync(join(tmpdir(), 'qmri-bench-explain-'));
  saveBackbone(run, net, {
    densenet: net.config,
    classes: ['a', 'b', 'c', 'd'],
    preprocess: { size: S, brainCrop: false, normalize: 'zscore' },
  });
  saveHead(runPaths(run).head('linear', 0), exportHead(heads.linear));
  saveHead(runPaths(run).head('quantum', 0), exportHead(heads.quantum));
  saveFeatures(runPaths(run).features('train'), {
    x: Float32Array.from(bg),
    y: new Int32Array(50),
    dim: D,
    files: Array.from({ length: 50 }, (_, i) => `#${i}`),
  });
  const open = openRun(run);
  const ts: number[] = [];
  cpuSecs.length = 0;
  for (let r = 0; r <= Math.min(reps, 3); r++) {
    const x = img();
    const prepared = {
      input: x,
      display: new Float32Array(S * S).fill(0.5),
      size: S,
      box: null,
      source: `#${r}`,
    };
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await analyzeCase(open, prepared);
    const u = process.cpuUsage(c0);
    if (r > 0) {
      ts.push((performance.now() - t0) / 1000);
      cpuSecs.push((u.user + u.system) / 1e6);
    }
  }
  report('analyzeCase default methods, classical + hybrid (224 px)', ts);
  open.net.dispose();
  rmSync(run, { recursive: true, force: true });
}
if (json) console.log(JSON.stringify({ threads, reps, results }));
