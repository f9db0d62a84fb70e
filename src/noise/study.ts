/**
 * noiseStudy(run, cfg, hooks?): the quantum head of a trained run evaluated under hardware noise on
 * the run's test features, against the classical heads on the same features. Writes
 * RUN/noise/results.json (everything, deterministic: no timings, no dates), RUN/noise/points.csv
 * (every point), RUN/noise/plots/*.svg|png and, with noise-aware training, the fine-tuned head
 * RUN/noise/quantum-aware-seed<k>.json. Same run and config ⇒ identical files, whether made in one
 * process or by `--nproc N` workers (its independent units, src/noise/study-units.ts, merged by index).
 */
import { mkdirSync } from 'node:fs';
import { argmaxRows } from '../eval/index.js';
import { headProbs } from '../heads/index.js';
import { testGroups } from '../data/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { nullProgress, type ProgressSink } from '../util/progress.js';
import type { Shard, WorkerShard } from '../util/shard.js';
import { resolveNoiseConfig, type NoiseConfig } from './config.js';
import { HybridExecutor } from './executor.js';
import { writeNoisePlots } from './plots.js';
import type { NoiseResults } from './results.js';
import { makePoint, pointsCsv, type Point } from './points.js';
import { makeStudyContext, type StudyContext } from './study-context.js';
import { loadStudyInputs, type StudyInputs } from './study-inputs.js';
import { profileResult } from './study-profiles.js';
import { sweepResult, type IntervalInputs } from './study-sweeps.js';
import { studyWork, type UnitResult } from './study-units.js';

export interface NoiseStudyHooks {
  log?: (line: string) => void;
  progress?: ProgressSink;
}

const NOTES = [
  'CIs: seeded percentile bootstrap over test samples (same resamples for every point); with finite shots they do not include shot-to-shot variation beyond the one seeded draw.',
  'Two-qubit depolarizing is the single-qubit channel on each wire of the gate (src/quantum approximation).',
  'ZNE: every gate folded G(G†G)^k at the configured scale factors; readout error is not scaled by folding. Extrapolated ⟨Z⟩ is clipped to [−1, 1].',
  'Folding scales the noise exactly λ-fold only for noise covariant with the gates (depolarizing on 1q gates); for bit flip, amplitude damping or single-wire depolarizing after CNOTs a first-order residual remains (zError in points, plot zerror-vs-level).',
  'Readout mitigation inverts the same confusion matrix that produced the error (perfect calibration assumed).',
];

const secondsSince = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

/** the classical heads' points and the noiseless hybrid's, with the linear head's predictions */
function referencePoints(ctx: StudyContext, inp: StudyInputs) {
  const { test, classes } = inp;
  const linPreds = argmaxRows(headProbs(inp.lin.head, test.x), classes);
  const refs = [{ kind: inp.lin.head.kind, preds: linPreds }];
  for (const h of inp.others)
    refs.push({ kind: h.head.kind, preds: argmaxRows(headProbs(h.head, test.x), classes) });
  const references = refs.map((r) => ctx.keep(makePoint('reference', r.kind, ctx.score(r.preds))));
  const noiselessPreds = ctx.exec.predict(ctx.exec.expvals({}));
  const noiseless = ctx.keep(makePoint('noiseless', 'noiseless', ctx.score(noiselessPreds)));
  ctx.log(
    `noise: ${test.y.length} test samples, ${inp.params.nQubits} qubits, ${ctx.exec.circuit.ops.length} gates; noiseless accuracy ${noiseless.accuracy.toFixed(4)}, linear ${references[0].accuracy.toFixed(4)}`,
  );
  return { linPreds, references, noiseless, refs, noiselessPreds };
}

function studyHead(inp: StudyInputs, ctx: StudyContext): NoiseResults['head'] {
  const d = inp.params.circuit;
  const ops = ctx.exec.circuit.ops;
  return {
    seed: inp.q.seed,
    qubits: inp.params.nQubits,
    layers: d.layers,
    template: d.template,
    embedding: d.embedding,
    reupload: d.reupload,
    gates: ops.length,
    twoQubitGates: ops.filter((o) => o.wires.length === 2).length,
  };
}

async function writeStudy(inp: StudyInputs, results: NoiseResults, points: Point[]): Promise<void> {
  const paths = inp.paths;
  mkdirSync(paths.noiseDir, { recursive: true });
  writeJsonAtomic(paths.noiseResults, results);
  writeFileAtomic(paths.noisePoints, pointsCsv(points));
  await writeNoisePlots(paths.noisePlots, results);
}

/** the study's sections put together from its units' results (in unit order, src/noise/study-units.ts) */
function assemble(
  ctx: StudyContext,
  inp: StudyInputs,
  units: UnitResult[],
  refPoints: ReturnType<typeof referencePoints>,
  iv: IntervalInputs,
): Pick<NoiseResults, 'sweeps' | 'shots' | 'profiles' | 'aware'> {
  const { cfg } = ctx;
  const nLevels = cfg.levels.length;
  const sweeps = cfg.channels.map((channel, c) =>
    sweepResult(
      ctx,
      channel,
      units.slice(c * nLevels, (c + 1) * nLevels).map((u) => ({ sp: u.points, preds: u.preds! })),
      refPoints.noiseless,
      refPoints.references,
      iv,
    ),
  );
  let next = cfg.channels.length * nLevels;
  const shots = units.slice(next, (next += cfg.shots.length)).map((u) => u.points[0]);
  const profiles = inp.profiles.map((prof, pi) => profileResult(ctx, prof, pi, units[next + pi].rows!));
  next += inp.profiles.length;
  return { sweeps, shots, profiles, aware: inp.aware ? units[next].aware! : null };
}

/**
 * The study: in one process; or a worker's share of its units (`shard` role 'worker': writes its
 * part, returns null); or the merging parent (role 'merge': the workers' units, then the files).
 * The results do not depend on the number of workers.
 */
export async function noiseStudy(
  run: string,
  cfgIn: Partial<NoiseConfig> | unknown,
  hooks: NoiseStudyHooks & { shard: WorkerShard },
): Promise<null>;
export async function noiseStudy(
  run: string,
  cfgIn?: Partial<NoiseConfig> | unknown,
  hooks?: NoiseStudyHooks & { shard?: Shard },
): Promise<NoiseResults>;
export async function noiseStudy(
  run: string,
  cfgIn: Partial<NoiseConfig> | unknown = {},
  hooks: NoiseStudyHooks & { shard?: Shard } = {},
): Promise<NoiseResults | null> {
  const log = hooks.log ?? (() => {});
  const cfg = resolveNoiseConfig(cfgIn ?? {});
  const inp = loadStudyInputs(run, cfg);
  const t0 = performance.now();
  const exec = new HybridExecutor(inp.params, inp.test.x);
  const ctx = makeStudyContext(cfg, exec, inp.test.y, inp.classes, {
    progress: hooks.progress ?? nullProgress,
    log,
  });
  const refPoints = referencePoints(ctx, inp);
  const units = studyWork(ctx, inp, refPoints, hooks.shard);
  if (!units) return null;
  const { groups } = testGroups(run, inp.test.files);
  const iv = { groups, refs: refPoints.refs, noiselessPreds: refPoints.noiselessPreds };
  const { test, classes } = inp;
  const results: NoiseResults = {
    version: 1,
    config: cfg,
    test: { n: test.y.length, classes, dim: test.dim },
    head: studyHead(inp, ctx),
    references: refPoints.references,
    noiseless: refPoints.noiseless,
    ...assemble(ctx, inp, units, refPoints, iv),
    points: ctx.points,
    notes: NOTES,
  };
  await writeStudy(inp, results, ctx.points);
  log(`noise: wrote ${inp.paths.noiseDir} in ${secondsSince(t0)} s`);
  return results;
}
