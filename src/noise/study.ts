/**
 * noiseStudy(run, cfg, hooks?): the quantum head of a trained run evaluated under hardware noise on
 * the run's test features, against the classical heads on the same features. Writes
 * RUN/noise/results.json (everything, deterministic: no timings, no dates), RUN/noise/points.csv
 * (every point), RUN/noise/plots/*.svg|png and, with noise-aware training, the fine-tuned head
 * RUN/noise/quantum-aware-seed<k>.json. Same run and config ⇒ identical files.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { argmaxRows } from '../eval/index.js';
import type { NoiseModel } from '../quantum/index.js';
import { MAX_QUBITS_DENSITY } from '../quantum/index.js';
import {
  circuitParams,
  headProbs,
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
  saveHead,
  shownHead,
  type FeatureSet,
} from '../run/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { nullProgress, type ProgressSink } from '../util/progress.js';
import { Rng } from '../util/rng.js';
import { trainNoiseAware } from './aware.js';
import { breakEven } from './break-even.js';
import { accuracyBreakEvenInterval } from './break-even-interval.js';
import { testGroups } from '../train/compare-verdicts.js';
import { resolveNoiseConfig, type NoiseConfig } from './config.js';
import { HybridExecutor, type RunSetting } from './executor.js';
import { clampExpvals, extrapolateLinear, extrapolateRichardson } from './mitigation.js';
import { writeNoisePlots } from './plots.js';
import type { AwareResult, NoiseResults, ProfileResult, ProfileRow, SweepResult } from './results.js';
import { makePoint, pointsCsv, type Mitigation, type Point } from './points.js';
import { accuracyDelta, scorePredictions, type ScoreOptions } from './scoring.js';
import { SWEEP_LABELS, parseNoiseSpec, sweepNoiseModel, type NamedNoise } from './settings.js';

export interface NoiseStudyHooks {
  log?: (line: string) => void;
  progress?: ProgressSink;
}

function pickHead(
  run: string,
  kind: HeadKind,
  seed: number | undefined,
  required: boolean,
): { seed: number; head: HeadExport } | null {
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

const shotSeed = (seed: number, tag: string) => new Rng(seed).fork(tag).seed;

function meanAbsDiff(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

export async function noiseStudy(
  run: string,
  cfgIn: Partial<NoiseConfig> | unknown = {},
  hooks: NoiseStudyHooks = {},
): Promise<NoiseResults> {
  const log = hooks.log ?? (() => {});
  const progress = hooks.progress ?? nullProgress;
  const cfg = resolveNoiseConfig(cfgIn ?? {});
  const paths = runPaths(run);
  if (!existsSync(run)) throw new Error(`${run}: run folder not found`);

  // ---- every input checked before the long work
  const testPath = paths.features('test');
  const test = subsetFeatures(loadFeatures(testPath), cfg.maxSamples, cfg.seed);
  const { groups } = testGroups(run, test.files);
  const q = pickHead(run, circuitKind(), cfg.headSeed, true)!;
  const lin = pickHead(run, baselineKind(), cfg.headSeed, true)!;
  const others = headKinds()
    .filter((k) => k !== lin.head.kind && !hasCircuit(k))
    .map((k) => pickHead(run, k, cfg.headSeed, false))
    .filter((h) => h !== null);
  const classes = q.head.classes;
  for (const h of [q, lin, ...others]) {
    const file = paths.head(h.head.kind, h.seed);
    if (h.head.inDim !== test.dim)
      throw new Error(`${file}: head takes ${h.head.inDim} features, ${testPath} has ${test.dim}`);
    if (h.head.classes !== classes)
      throw new Error(`${file}: head has ${h.head.classes} classes, the quantum head ${classes}`);
  }
  for (let i = 0; i < test.x.length; i++)
    if (!Number.isFinite(test.x[i]))
      throw new Error(
        `${testPath}: feature ${i % test.dim} of row ${Math.floor(i / test.dim)} is not finite`,
      );
  test.y.forEach((v, i) => {
    if (!(v >= 0 && v < classes))
      throw new Error(`${testPath}: label ${i} is ${v}, outside 0..${classes - 1}`);
  });
  const params = circuitParams(q.head);
  if (params.nQubits > MAX_QUBITS_DENSITY)
    throw new Error(
      `${paths.head(q.head.kind, q.seed)}: ${params.nQubits} qubits; the density-matrix simulator takes at most ${MAX_QUBITS_DENSITY}`,
    );
  const profiles: NamedNoise[] = cfg.profiles.map((p, i) => parseNoiseSpec(p, `noise.profiles[${i}]`));
  let awareNoise: NamedNoise | null = null;
  let trainSet: FeatureSet | null = null;
  let valSet: FeatureSet | null = null;
  if (cfg.aware.enabled) {
    awareNoise = parseNoiseSpec(cfg.aware.noise, 'noise.aware.noise');
    trainSet = loadFeatures(paths.features('train'));
    if (trainSet.dim !== test.dim)
      throw new Error(`${paths.features('train')}: ${trainSet.dim} features, the test set has ${test.dim}`);
    valSet = existsSync(paths.features('val')) ? loadFeatures(paths.features('val')) : null;
  }

  const so: ScoreOptions = { resamples: cfg.bootstrap.resamples, seed: cfg.seed };
  const labels = test.y;
  const score = (preds: Int32Array) => scorePredictions(labels, preds, classes, so);
  const points: Point[] = [];
  const keep = (p: Point) => (points.push(p), p);
  const t0 = performance.now();
  const exec = new HybridExecutor(params, test.x);
  const circuit = exec.circuit;

  // ---- classical references and the noiseless hybrid
  const linPreds = argmaxRows(headProbs(lin.head, test.x), classes);
  const refs = [{ kind: lin.head.kind, preds: linPreds }];
  for (const h of others)
    refs.push({ kind: h.head.kind, preds: argmaxRows(headProbs(h.head, test.x), classes) });
  const references = refs.map((r) => keep(makePoint('reference', r.kind, score(r.preds))));
  const predictAt = (s: RunSetting) => exec.predict(exec.expvals(s));
  const noiselessPreds = predictAt({});
  const noiseless = keep(makePoint('noiseless', 'noiseless', score(noiselessPreds)));
  log(
    `noise: ${test.y.length} test samples, ${params.nQubits} qubits, ${circuit.ops.length} gates; noiseless accuracy ${noiseless.accuracy.toFixed(4)}, linear ${references[0].accuracy.toFixed(4)}`,
  );

  const zne = (expAt: (scale: number) => Float64Array) => {
    const vals = cfg.mitigation.scales.map(expAt);
    return {
      linear: clampExpvals(extrapolateLinear(cfg.mitigation.scales, vals)),
      richardson: clampExpvals(extrapolateRichardson(cfg.mitigation.scales, vals)),
    };
  };

  // ---- per-channel sweeps
  const z0 = exec.expvals({});
  /** a point from measured ⟨Z⟩: scores of its predictions and its mean |⟨Z⟩ − ⟨Z⟩ noiseless| */
  const zPoint = (
    section: Point['section'],
    setting: string,
    z: Float64Array,
    o: { level?: number; shots?: number | null; mitigation?: Mitigation } = {},
  ) => {
    const preds = exec.predict(z);
    const point = keep(makePoint(section, setting, score(preds), { ...o, zError: meanAbsDiff(z, z0) }));
    return { point, preds };
  };
  const sweeps: SweepResult[] = [];
  progress.start(cfg.channels.length * cfg.levels.length, 'noise sweeps');
  let done = 0;
  for (const channel of cfg.channels) {
    const sp: Point[] = [];
    const rawPreds: Int32Array[] = [];
    for (const level of cfg.levels) {
      const noise = sweepNoiseModel(channel, level);
      const plain = zPoint('sweep', channel, exec.expvals({ noise }), { level });
      sp.push(plain.point);
      rawPreds.push(plain.preds);
      if (cfg.mitigation.sweeps) {
        if (channel === 'readout' && cfg.mitigation.readout) {
          const z = exec.expvals({ noise, readoutMitigation: true });
          sp.push(zPoint('sweep', channel, z, { level, mitigation: 'readout' }).point);
        }
        if (channel !== 'readout' && cfg.mitigation.zne) {
          const z = zne((scale) => exec.expvals({ noise, scale }));
          sp.push(zPoint('sweep', channel, z.linear, { level, mitigation: 'zne-linear' }).point);
          sp.push(zPoint('sweep', channel, z.richardson, { level, mitigation: 'zne-richardson' }).point);
        }
      }
      progress.update(++done, { channel, level });
    }
    const raw = sp.filter((p) => p.mitigation === 'none');
    const be: SweepResult['breakEven'] = {};
    for (const r of references)
      be[r.setting] = {
        accuracy: breakEven(
          noiseless.accuracy,
          cfg.levels,
          raw.map((p) => p.accuracy),
          r.accuracy,
        ),
        macroF1: breakEven(
          noiseless.macroF1,
          cfg.levels,
          raw.map((p) => p.macroF1),
          r.macroF1,
        ),
      };
    const at = { labels, groups, levels: cfg.levels, noiseless: noiselessPreds, atLevel: rawPreds };
    const interval = Object.fromEntries(
      refs.map((r) => [r.kind, accuracyBreakEvenInterval({ ...at, reference: r.preds }, so)]),
    );
    sweeps.push({
      channel,
      label: SWEEP_LABELS[channel],
      points: sp,
      breakEven: be,
      breakEvenInterval: interval,
    });
  }
  progress.stop();
  log(`noise: sweeps done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---- finite shots alone
  const shots = cfg.shots.map(
    (s) =>
      zPoint('profile', 'shots-only', exec.expvals({ shots: s, seed: shotSeed(cfg.seed, `shots|${s}`) }), {
        shots: s,
      }).point,
  );

  // ---- device profiles × shots, with mitigation
  const t1 = performance.now();
  const profileResults: ProfileResult[] = [];
  progress.start(profiles.length * cfg.shots.length, 'device profiles');
  done = 0;
  for (const [pi, prof] of profiles.entries()) {
    const rows: ProfileRow[] = [];
    const noise: NoiseModel = prof.model;
    for (const s of cfg.shots) {
      const at = (scale: number, readoutMitigation = false) =>
        exec.expvals({
          noise,
          scale,
          shots: s,
          seed: shotSeed(cfg.seed, `${prof.name}|${pi}|${s}|${scale}`),
          readoutMitigation,
        });
      const variants: [Mitigation, Float64Array][] = [['none', at(1)]];
      const hasReadout = !!noise.readout;
      const hasGateNoise = noise.rules.length > 0;
      if (cfg.mitigation.readout && hasReadout) variants.push(['readout', at(1, true)]);
      if (cfg.mitigation.zne && hasGateNoise) {
        const z = zne((scale) => at(scale));
        variants.push(['zne-linear', z.linear], ['zne-richardson', z.richardson]);
        if (cfg.mitigation.readout && hasReadout)
          variants.push(['readout+zne-richardson', zne((scale) => at(scale, true)).richardson]);
      }
      for (const [mitigation, z] of variants) {
        const { point, preds } = zPoint('profile', prof.name, z, { shots: s, mitigation });
        const d = accuracyDelta(labels, preds, linPreds, so);
        rows.push({
          shots: s,
          mitigation,
          point,
          dropAccuracy: Number((noiseless.accuracy - point.accuracy).toFixed(6)),
          dropMacroF1: Number((noiseless.macroF1 - point.macroF1).toFixed(6)),
          vsLinear: {
            estimate: Number(d.estimate.toFixed(6)),
            lo: Number(d.lo.toFixed(6)),
            hi: Number(d.hi.toFixed(6)),
          },
        });
      }
      progress.update(++done, { profile: prof.name, shots: s ?? 'exact' });
    }
    profileResults.push({
      name: prof.name,
      spec: cfg.profiles[pi],
      description: prof.profile?.description ?? null,
      rows,
    });
  }
  progress.stop();
  log(`noise: profiles done in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

  // ---- noise-aware training
  let aware: AwareResult | null = null;
  if (awareNoise && trainSet) {
    const t2 = performance.now();
    const a = cfg.aware;
    progress.start(a.epochs, `noise-aware training under ${awareNoise.name}`);
    const tr = trainNoiseAware(q.head, trainSet, valSet, awareNoise.model, a, cfg.seed, (e) =>
      progress.update(e.epoch + 1, { loss: e.loss, valAcc: e.valAccuracy }),
    );
    progress.stop();
    const setting: RunSetting = {
      noise: awareNoise.model,
      shots: a.shots,
      seed: shotSeed(cfg.seed, 'aware-test'),
    };
    const after = new HybridExecutor(circuitParams(tr.head), test.x);
    const headFile = join(paths.noiseDir, paths.noiseAwareFile(q.seed));
    mkdirSync(paths.noiseDir, { recursive: true });
    saveHead(headFile, tr.head);
    const before = keep(makePoint('aware', 'before', score(predictAt(setting)), { shots: a.shots }));
    const afterP = keep(
      makePoint('aware', 'after', score(after.predict(after.expvals(setting))), { shots: a.shots }),
    );
    const afterNoiseless = keep(
      makePoint('aware', 'after-noiseless', score(after.predict(after.expvals({})))),
    );
    aware = {
      noise: awareNoise.name,
      shots: a.shots,
      epochs: tr.epochs.length,
      trainSamples: tr.trainSamples,
      valSamples: tr.valSamples,
      log: tr.epochs.map((e) => ({
        epoch: e.epoch,
        loss: Number(e.loss.toFixed(6)),
        valAccuracy: Number(e.valAccuracy.toFixed(6)),
        valMacroF1: Number(e.valMacroF1.toFixed(6)),
      })),
      valMacroF1: {
        start: Number(tr.valMacroF1.start.toFixed(6)),
        fineTuned: Number(tr.valMacroF1.fineTuned.toFixed(6)),
      },
      selected: tr.selected,
      before,
      after: afterP,
      afterNoiseless,
      recovered: {
        accuracy: Number((afterP.accuracy - before.accuracy).toFixed(6)),
        macroF1: Number((afterP.macroF1 - before.macroF1).toFixed(6)),
      },
      headFile: paths.noiseAwareFile(q.seed),
    };
    log(`noise: noise-aware training done in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
  }

  const d = params.circuit;
  const results: NoiseResults = {
    version: 1,
    config: cfg,
    test: { n: test.y.length, classes, dim: test.dim },
    head: {
      seed: q.seed,
      qubits: params.nQubits,
      layers: d.layers,
      template: d.template,
      embedding: d.embedding,
      reupload: d.reupload,
      gates: circuit.ops.length,
      twoQubitGates: circuit.ops.filter((o) => o.wires.length === 2).length,
    },
    references,
    noiseless,
    sweeps,
    shots,
    profiles: profileResults,
    aware,
    points,
    notes: [
      'CIs: seeded percentile bootstrap over test samples (same resamples for every point); with finite shots they do not include shot-to-shot variation beyond the one seeded draw.',
      'Two-qubit depolarizing is the single-qubit channel on each wire of the gate (src/quantum approximation).',
      'ZNE: every gate folded G(G†G)^k at the configured scale factors; readout error is not scaled by folding. Extrapolated ⟨Z⟩ is clipped to [−1, 1].',
      'Folding scales the noise exactly λ-fold only for noise covariant with the gates (depolarizing on 1q gates); for bit flip, amplitude damping or single-wire depolarizing after CNOTs a first-order residual remains (zError in points, plot zerror-vs-level).',
      'Readout mitigation inverts the same confusion matrix that produced the error (perfect calibration assumed).',
    ],
  };
  mkdirSync(paths.noiseDir, { recursive: true });
  writeJsonAtomic(paths.noiseResults, results);
  writeFileAtomic(paths.noisePoints, pointsCsv(points));
  await writeNoisePlots(paths.noisePlots, results);
  log(`noise: wrote ${paths.noiseDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return results;
}
