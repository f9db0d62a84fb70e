/**
 * The noise study's inputs, every one checked before the long work: the run's test features (a
 * seeded subset when noise.maxSamples is set), the quantum head and the classical heads it is
 * compared with, the device profiles and, with noise-aware training, the train/val features.
 */
import { existsSync } from 'node:fs';
import type { DressedHeadParams } from '../quantum/index.js';
import { MAX_QUBITS_DENSITY } from '../quantum/index.js';
import {
  circuitParams,
  type HeadExport,
  type HeadKind,
  baselineKind,
  circuitKind,
  hasCircuit,
  headKinds,
} from '../heads/index.js';
import {
  listHeads,
  loadFeatures,
  loadHead,
  runPaths,
  shownHead,
  type FeatureSet,
  type RunPaths,
} from '../run/index.js';
import { Rng } from '../util/rng.js';
import type { NoiseConfig } from './config.js';
import { parseNoiseSpec, type NamedNoise } from './settings.js';

export interface PickedHead {
  seed: number;
  head: HeadExport;
}

export interface StudyInputs {
  paths: RunPaths;
  test: FeatureSet;
  /** the quantum head, the baseline (linear) head, and the other classical heads present */
  q: PickedHead;
  lin: PickedHead;
  others: PickedHead[];
  classes: number;
  params: DressedHeadParams;
  profiles: NamedNoise[];
  /** with noise-aware training: its noise and the features it trains / selects on */
  aware: { noise: NamedNoise; train: FeatureSet; val: FeatureSet | null } | null;
}

function pickHead(
  run: string,
  kind: HeadKind,
  seed: number | undefined,
  required: boolean,
): PickedHead | null {
  const all = listHeads(run).filter((h) => h.kind === kind);
  const dir = runPaths(run).headsDir;
  if (all.length === 0) {
    if (required) throw new Error(`${dir}: no ${kind} head (train the heads first: qmri compare)`);
    return null;
  }
  const hit = seed === undefined ? shownHead(run, kind) : all.find((h) => h.seed === seed);
  if (!hit) {
    if (!required) return null;
    throw new Error(
      `noise.headSeed: no ${kind} head with seed ${seed} in ${dir} (seeds: ${all.map((h) => h.seed).join(', ')})`,
    );
  }
  return { seed: hit.seed, head: loadHead(hit.path) };
}

function subsetFeatures(f: FeatureSet, max: number | undefined, seed: number): FeatureSet {
  const n = f.y.length;
  if (max === undefined || n <= max) return f;
  const keep = new Rng(seed).fork('test-subset').permutation(n).subarray(0, max).sort();
  const x = new Float32Array(keep.length * f.dim);
  const y = new Int32Array(keep.length);
  const files: string[] = [];
  keep.forEach((r, i) => {
    x.set(f.x.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim);
    y[i] = f.y[r];
    files.push(f.files[r]);
  });
  return { x, y, dim: f.dim, files };
}

function checkHeads(paths: RunPaths, heads: PickedHead[], test: FeatureSet, classes: number): void {
  const testPath = paths.features('test');
  for (const h of heads) {
    const file = paths.head(h.head.kind, h.seed);
    if (h.head.inDim !== test.dim)
      throw new Error(`${file}: head takes ${h.head.inDim} features, ${testPath} has ${test.dim}`);
    if (h.head.classes !== classes)
      throw new Error(`${file}: head has ${h.head.classes} classes, the quantum head ${classes}`);
  }
}

function checkTestSet(testPath: string, test: FeatureSet, classes: number): void {
  for (let i = 0; i < test.x.length; i++)
    if (!Number.isFinite(test.x[i]))
      throw new Error(
        `${testPath}: feature ${i % test.dim} of row ${Math.floor(i / test.dim)} is not finite`,
      );
  test.y.forEach((v, i) => {
    if (!(v >= 0 && v < classes))
      throw new Error(`${testPath}: label ${i} is ${v}, outside 0..${classes - 1}`);
  });
}

function loadAwareInputs(cfg: NoiseConfig, paths: RunPaths, test: FeatureSet): StudyInputs['aware'] {
  if (!cfg.aware.enabled) return null;
  const noise = parseNoiseSpec(cfg.aware.noise, 'noise.aware.noise');
  const train = loadFeatures(paths.features('train'));
  if (train.dim !== test.dim)
    throw new Error(`${paths.features('train')}: ${train.dim} features, the test set has ${test.dim}`);
  const val = existsSync(paths.features('val')) ? loadFeatures(paths.features('val')) : null;
  return { noise, train, val };
}

/** Loads and checks everything the study needs; throws naming the file or key on bad input. */
export function loadStudyInputs(run: string, cfg: NoiseConfig): StudyInputs {
  const paths = runPaths(run);
  if (!existsSync(run)) throw new Error(`${run}: run folder not found`);
  const testPath = paths.features('test');
  const test = subsetFeatures(loadFeatures(testPath), cfg.maxSamples, cfg.seed);
  const q = pickHead(run, circuitKind(), cfg.headSeed, true)!;
  const lin = pickHead(run, baselineKind(), cfg.headSeed, true)!;
  const others = headKinds()
    .filter((k) => k !== lin.head.kind && !hasCircuit(k))
    .map((k) => pickHead(run, k, cfg.headSeed, false))
    .filter((h) => h !== null);
  const classes = q.head.classes;
  checkHeads(paths, [q, lin, ...others], test, classes);
  checkTestSet(testPath, test, classes);
  const params = circuitParams(q.head);
  if (params.nQubits > MAX_QUBITS_DENSITY)
    throw new Error(
      `${paths.head(q.head.kind, q.seed)}: ${params.nQubits} qubits; the density-matrix simulator takes at most ${MAX_QUBITS_DENSITY}`,
    );
  const profiles = cfg.profiles.map((p, i) => parseNoiseSpec(p, `noise.profiles[${i}]`));
  return { paths, test, q, lin, others, classes, params, profiles, aware: loadAwareInputs(cfg, paths, test) };
}
