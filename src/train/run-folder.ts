/**
 * The run folder: one directory holds everything a run produces, so every later stage (compare,
 * explain, noise, report, predict, serve) and every rerun finds its inputs by name. Layout:
 *
 *   RUN/config.json                     resolved experiment config
 *   RUN/data/manifest.json              data manifest (file, label, group, split, sha256, box)
 *   RUN/data/audit.json                 dataset audit
 *   RUN/backbone/arch.json              BackboneArch: DenseNet config, class names, preprocessing
 *   RUN/backbone/model.safetensors      best backbone weights (DenseNet state dict incl. classifier)
 *   RUN/backbone/checkpoint.*           last-epoch checkpoint for resume (weights, optimizer, state)
 *   RUN/backbone/log.jsonl              one JSON line per epoch
 *   RUN/features/<split>.safetensors    pooled features x (N×D, F32) and labels y (N, I64);
 *                                       metadata.files = JSON list of source files
 *   RUN/features/<split>-maps.safetensors  optional final feature maps N×D×h×w (Grad-CAM without
 *                                       re-running the backbone)
 *   RUN/heads/<kind>-seed<k>.json       HeadExport (plain arrays) of each trained head
 *   RUN/compare/results.json            the head comparison
 *   RUN/explain/…, RUN/noise/…          explanation audit, noise study
 *   RUN/report.html                     the self-contained report
 *
 * Heads are stored as plain arrays (HeadExport) so they run without libtorch (headProbs), which is
 * what SHAP, the noise study and the web viewer need, and rebuild into libtorch modules (importHead).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, noGrad, readSafetensors, writeSafetensors, type StEntry } from '../engine/index.js';
import {
  BottleneckHead,
  DenseNet,
  LinearHead,
  QuantumHead,
  type DenseNetConfig,
  type HeadModule,
  type Linear,
} from '../nn/index.js';
import {
  dressedHeadForward,
  validateDressedHead,
  type DressedHeadParams,
  type Evaluator,
} from '../quantum/index.js';
import { writeJsonAtomic } from '../util/atomic.js';

export function runPaths(run: string) {
  return {
    root: run,
    config: join(run, 'config.json'),
    manifest: join(run, 'data', 'manifest.json'),
    audit: join(run, 'data', 'audit.json'),
    backboneDir: join(run, 'backbone'),
    arch: join(run, 'backbone', 'arch.json'),
    model: join(run, 'backbone', 'model.safetensors'),
    checkpoint: join(run, 'backbone', 'checkpoint.safetensors'),
    checkpointState: join(run, 'backbone', 'checkpoint.json'),
    trainLog: join(run, 'backbone', 'log.jsonl'),
    backboneMetrics: join(run, 'backbone', 'metrics.json'),
    featuresDir: join(run, 'features'),
    features: (split: string) => join(run, 'features', `${split}.safetensors`),
    /** final DenseNet feature maps (N×D×h×w, F32 'maps') of a split, when extracted with `maps` */
    featureMaps: (split: string) => join(run, 'features', `${split}-maps.safetensors`),
    headsDir: join(run, 'heads'),
    head: (kind: string, seed: number) => join(run, 'heads', `${kind}-seed${seed}.json`),
    compareDir: join(run, 'compare'),
    compare: join(run, 'compare', 'results.json'),
    explainDir: join(run, 'explain'),
    noiseDir: join(run, 'noise'),
    report: join(run, 'report.html'),
  };
}
export type RunPaths = ReturnType<typeof runPaths>;

// ---------------------------------------------------------------- features

export interface FeatureSet {
  /** N×dim pooled features */
  x: Float32Array;
  y: Int32Array;
  dim: number;
  /** source file of each row (same order), or synthetic ids */
  files: string[];
}

export function saveFeatures(path: string, f: FeatureSet): void {
  const n = f.y.length;
  if (f.x.length !== n * f.dim)
    throw new RangeError(`features: x has ${f.x.length} values, expected ${n}×${f.dim}`);
  if (f.files.length !== n) throw new RangeError(`features: ${f.files.length} file names for ${n} rows`);
  const entries = new Map<string, StEntry>([
    ['x', { dtype: 'F32', shape: [n, f.dim], data: f.x }],
    ['y', { dtype: 'I64', shape: [n], data: BigInt64Array.from(f.y, (v) => BigInt(v)) }],
  ]);
  writeSafetensors(path, entries, { files: JSON.stringify(f.files) });
}

export function loadFeatures(path: string): FeatureSet {
  if (!existsSync(path)) throw new Error(`${path}: feature file not found (run the training stage first)`);
  const st = readSafetensors(path);
  const x = st.tensors.get('x');
  const y = st.tensors.get('y');
  if (!x || x.dtype !== 'F32' || x.shape.length !== 2)
    throw new Error(`${path}: not a qmri feature file (no F32 tensor 'x' of shape N×D)`);
  if (!y || y.dtype !== 'I64' || y.shape.length !== 1 || y.shape[0] !== x.shape[0])
    throw new Error(`${path}: not a qmri feature file (no I64 tensor 'y' of length N)`);
  let files: string[];
  try {
    files = JSON.parse(st.metadata.files ?? '[]') as string[];
  } catch {
    throw new Error(`${path}: metadata 'files' is not valid JSON`);
  }
  if (files.length !== x.shape[0]) files = Array.from({ length: x.shape[0] }, (_, i) => `#${i}`);
  return {
    x: x.data as Float32Array,
    y: Int32Array.from(y.data as BigInt64Array, (v) => Number(v)),
    dim: x.shape[1],
    files,
  };
}

// ---------------------------------------------------------------- heads as plain arrays

interface PlainLinear {
  inDim: number;
  outDim: number;
  weight: number[]; // outDim×inDim, row-major (PyTorch layout)
  bias: number[];
}

export type HeadKind = 'linear' | 'bottleneck' | 'quantum';

export type HeadExport =
  | { kind: 'linear'; classes: number; inDim: number; fc: PlainLinear }
  | {
      kind: 'bottleneck';
      classes: number;
      inDim: number;
      n: number;
      hiddenSize: number;
      pre: PlainLinear;
      hidden: PlainLinear;
      post: PlainLinear;
    }
  | {
      kind: 'quantum';
      classes: number;
      inDim: number;
      dressed: Omit<DressedHeadParams, 'pre' | 'post' | 'circuit'> & {
        pre: { weight: number[]; bias: number[] };
        post: { weight: number[]; bias: number[] };
        circuit: Omit<DressedHeadParams['circuit'], 'weights'> & { weights: number[] };
      };
    };

const plain = (l: Linear): PlainLinear => ({
  inDim: l.weight.shape[1],
  outDim: l.weight.shape[0],
  weight: Array.from(l.weight.toFloat32Array()),
  bias: Array.from(l.bias!.toFloat32Array()),
});

export function exportHead(h: HeadModule): HeadExport {
  if (h instanceof LinearHead)
    return { kind: 'linear', classes: h.fc.weight.shape[0], inDim: h.fc.weight.shape[1], fc: plain(h.fc) };
  if (h instanceof BottleneckHead)
    return {
      kind: 'bottleneck',
      classes: h.post.weight.shape[0],
      inDim: h.pre.weight.shape[1],
      n: h.n,
      hiddenSize: h.hiddenSize,
      pre: plain(h.pre),
      hidden: plain(h.hidden),
      post: plain(h.post),
    };
  if (h instanceof QuantumHead) {
    const d = h.toDressed();
    return {
      kind: 'quantum',
      classes: h.classes,
      inDim: h.inDim,
      dressed: {
        ...d,
        pre: { weight: Array.from(d.pre.weight), bias: Array.from(d.pre.bias) },
        post: { weight: Array.from(d.post.weight), bias: Array.from(d.post.bias) },
        circuit: { ...d.circuit, weights: Array.from(d.circuit.weights) },
      },
    };
  }
  throw new Error(`exportHead: unknown head kind '${(h as HeadModule).kind}'`);
}

/** The quantum head's plain-array parameters, as the TypeScript simulator runs them. */
export function dressedParams(e: HeadExport): DressedHeadParams {
  if (e.kind !== 'quantum') throw new Error(`head is '${e.kind}', not 'quantum'`);
  const d = e.dressed;
  const p: DressedHeadParams = {
    inDim: d.inDim,
    nQubits: d.nQubits,
    nClasses: d.nClasses,
    pre: { weight: Float32Array.from(d.pre.weight), bias: Float32Array.from(d.pre.bias) },
    post: { weight: Float32Array.from(d.post.weight), bias: Float32Array.from(d.post.bias) },
    circuit: { ...d.circuit, weights: Float64Array.from(d.circuit.weights) },
  };
  validateDressedHead(p);
  return p;
}

function checkPlain(name: string, l: PlainLinear | undefined, source: string): void {
  if (!l || !Array.isArray(l.weight) || !Array.isArray(l.bias))
    throw new Error(`${source}: head field '${name}' is missing or malformed`);
  if (l.weight.length !== l.inDim * l.outDim || l.bias.length !== l.outDim)
    throw new Error(
      `${source}: head field '${name}' has ${l.weight.length} weights, expected ${l.outDim}×${l.inDim}`,
    );
  if (!l.weight.every(Number.isFinite) || !l.bias.every(Number.isFinite))
    throw new Error(`${source}: head field '${name}' has non-finite values`);
}

export function validateHeadExport(raw: unknown, source: string): HeadExport {
  const e = raw as HeadExport;
  if (!e || typeof e !== 'object') throw new Error(`${source}: head file is not a JSON object`);
  if (e.kind === 'linear') checkPlain('fc', e.fc, source);
  else if (e.kind === 'bottleneck')
    for (const k of ['pre', 'hidden', 'post'] as const) checkPlain(k, e[k], source);
  else if (e.kind === 'quantum') {
    try {
      dressedParams(e);
    } catch (err) {
      throw new Error(`${source}: quantum head: ${(err as Error).message}`);
    }
  } else throw new Error(`${source}: unknown head kind '${(e as { kind?: unknown }).kind}'`);
  return e;
}

export function saveHead(path: string, e: HeadExport): void {
  writeJsonAtomic(path, e);
}

export function loadHead(path: string): HeadExport {
  if (!existsSync(path)) throw new Error(`${path}: head file not found`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return validateHeadExport(raw, path);
}

function setLinear(l: Linear, p: PlainLinear): void {
  noGrad(() => {
    l.weight.copy_(Tensor.from(Float32Array.from(p.weight), [p.outDim, p.inDim]));
    l.bias!.copy_(Tensor.from(Float32Array.from(p.bias), [p.outDim]));
  });
}

/** Rebuilds a libtorch head module (for Grad-CAM through the head, fine-tuning, prediction). */
export function importHead(e: HeadExport): HeadModule {
  if (e.kind === 'linear') {
    const h = new LinearHead(e.inDim, e.classes);
    setLinear(h.fc, e.fc);
    return h;
  }
  if (e.kind === 'bottleneck') {
    const h = new BottleneckHead(e.inDim, e.n, e.hiddenSize, e.classes);
    setLinear(h.pre, e.pre);
    setLinear(h.hidden, e.hidden);
    setLinear(h.post, e.post);
    return h;
  }
  const d = e.dressed;
  const h = new QuantumHead(e.inDim, e.classes, {
    qubits: d.nQubits,
    layers: d.circuit.layers,
    template: d.circuit.template,
    embedding: d.circuit.embedding,
    reupload: d.circuit.reupload,
  });
  setLinear(h.pre, { inDim: d.inDim, outDim: d.nQubits, ...d.pre });
  setLinear(h.post, { inDim: d.nQubits, outDim: d.nClasses, ...d.post });
  noGrad(() =>
    h.quantum.weights.copy_(Tensor.from(Float32Array.from(d.circuit.weights), h.quantum.weights.shape)),
  );
  return h;
}

function linearRows(
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

function softmaxRows(z: Float64Array, C: number): Float64Array {
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

/**
 * Class probabilities (B×classes) of a head on features (B×inDim), in plain TypeScript (no libtorch).
 * For the quantum head an evaluator (noisy, finite shots) may replace the exact statevector.
 */
export function headProbs(
  e: HeadExport,
  x: Float32Array | Float64Array,
  opts: { evaluator?: Evaluator } = {},
): Float64Array {
  if (x.length % e.inDim !== 0)
    throw new RangeError(`features: length ${x.length} is not a multiple of ${e.inDim}`);
  const B = x.length / e.inDim;
  if (e.kind === 'linear') return softmaxRows(linearRows(e.fc, x, B), e.classes);
  if (e.kind === 'bottleneck') {
    const h1 = linearRows(e.pre, x, B, Math.tanh);
    const h2 = linearRows(e.hidden, h1, B, Math.tanh);
    return softmaxRows(linearRows(e.post, h2, B), e.classes);
  }
  return dressedHeadForward(dressedParams(e), x, { batch: B, evaluator: opts.evaluator }).probs;
}

// ---------------------------------------------------------------- backbone

export interface BackboneArch {
  /** DenseNet configuration (DENSENET121 unless a reduced one was asked for) */
  densenet: DenseNetConfig;
  classes: string[];
  /** the preprocessing the backbone was trained with (src/data PreprocessConfig) */
  preprocess: Record<string, unknown> & { size: number };
}

export function loadArch(run: string): BackboneArch {
  const p = runPaths(run).arch;
  if (!existsSync(p)) throw new Error(`${p}: no trained backbone in this run (run 'qmri train' first)`);
  let a: BackboneArch;
  try {
    a = JSON.parse(readFileSync(p, 'utf8')) as BackboneArch;
  } catch (err) {
    throw new Error(`${p}: not valid JSON (${(err as Error).message})`);
  }
  if (!a.densenet || !Array.isArray(a.classes) || !a.preprocess || !Number.isInteger(a.preprocess.size))
    throw new Error(`${p}: malformed backbone description (needs densenet, classes, preprocess.size)`);
  return a;
}

export function saveBackbone(run: string, net: DenseNet, arch: BackboneArch): void {
  const p = runPaths(run);
  net.save(p.model, { format: 'qmri-densenet' });
  writeJsonAtomic(p.arch, arch);
}

/** The trained backbone (with its linear classifier), in eval mode. */
export function loadBackbone(run: string): { net: DenseNet; arch: BackboneArch } {
  const arch = loadArch(run);
  const p = runPaths(run);
  if (!existsSync(p.model)) throw new Error(`${p.model}: backbone weights not found`);
  const net = new DenseNet(arch.densenet);
  try {
    net.load(p.model);
  } catch (err) {
    net.dispose();
    throw new Error(`${p.model}: does not fit the architecture in ${p.arch}: ${(err as Error).message}`);
  }
  net.eval();
  return { net, arch };
}

// ---------------------------------------------------------------- a whole trained run

export interface OpenRun {
  dir: string;
  arch: BackboneArch;
  /** backbone with its own linear classifier, eval mode (dispose() when done) */
  net: DenseNet;
  /** one exported head per kind present in RUN/heads (the lowest seed), keyed by kind */
  heads: Map<HeadKind, { seed: number; head: HeadExport }>;
}

/** Every head file in RUN/heads, as {kind, seed, path}, sorted by kind then seed. */
export function listHeads(run: string): { kind: HeadKind; seed: number; path: string }[] {
  const dir = runPaths(run).headsDir;
  if (!existsSync(dir)) return [];
  const out: { kind: HeadKind; seed: number; path: string }[] = [];
  for (const f of readdirSync(dir)) {
    const m = /^(linear|bottleneck|quantum)-seed(\d+)\.json$/.exec(f);
    if (m) out.push({ kind: m[1] as HeadKind, seed: Number(m[2]), path: join(dir, f) });
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.seed - b.seed);
}

/** Loads the backbone and the lowest-seed head of each kind (the ones explain / predict / serve use). */
export function openRun(run: string): OpenRun {
  const { net, arch } = loadBackbone(run);
  const heads = new Map<HeadKind, { seed: number; head: HeadExport }>();
  for (const h of listHeads(run))
    if (!heads.has(h.kind)) heads.set(h.kind, { seed: h.seed, head: loadHead(h.path) });
  return { dir: run, arch, net, heads };
}
