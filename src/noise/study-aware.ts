/**
 * The noise study's noise-aware step: the quantum head fine-tuned under one noise model, kept in
 * RUN/noise/quantum-aware-seed<k>.json, and test scores under that noise before and after (and the
 * fine-tuned head without noise).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { circuitParams } from '../heads/index.js';
import { saveHead, type RunPaths } from '../run/index.js';
import { trainNoiseAware } from './aware.js';
import { HybridExecutor, type RunSetting } from './executor.js';
import { makePoint } from './points.js';
import type { AwareResult } from './results.js';
import { shotSeed, type StudyContext } from './study-context.js';
import type { PickedHead, StudyInputs } from './study-inputs.js';

const r6 = (v: number) => Number(v.toFixed(6));

export function runAware(
  ctx: StudyContext,
  q: PickedHead,
  aw: NonNullable<StudyInputs['aware']>,
  testX: Float32Array,
  paths: RunPaths,
): AwareResult {
  const { cfg, progress, exec } = ctx;
  const a = cfg.aware;
  progress.start(a.epochs, `noise-aware training under ${aw.noise.name}`);
  const tr = trainNoiseAware(q.head, aw.train, aw.val, aw.noise.model, a, cfg.seed, (e) =>
    progress.update(e.epoch + 1, { loss: e.loss, valAcc: e.valAccuracy }),
  );
  progress.stop();
  const setting: RunSetting = {
    noise: aw.noise.model,
    shots: a.shots,
    seed: shotSeed(cfg.seed, 'aware-test'),
  };
  const after = new HybridExecutor(circuitParams(tr.head), testX);
  mkdirSync(paths.noiseDir, { recursive: true });
  saveHead(join(paths.noiseDir, paths.noiseAwareFile(q.seed)), tr.head);
  const before = ctx.keep(
    makePoint('aware', 'before', ctx.score(exec.predict(exec.expvals(setting))), { shots: a.shots }),
  );
  const afterP = ctx.keep(
    makePoint('aware', 'after', ctx.score(after.predict(after.expvals(setting))), { shots: a.shots }),
  );
  const afterNoiseless = ctx.keep(
    makePoint('aware', 'after-noiseless', ctx.score(after.predict(after.expvals({})))),
  );
  return {
    noise: aw.noise.name,
    shots: a.shots,
    epochs: tr.epochs.length,
    trainSamples: tr.trainSamples,
    valSamples: tr.valSamples,
    log: tr.epochs.map((e) => ({
      epoch: e.epoch,
      loss: r6(e.loss),
      valAccuracy: r6(e.valAccuracy),
      valMacroF1: r6(e.valMacroF1),
    })),
    valMacroF1: { start: r6(tr.valMacroF1.start), fineTuned: r6(tr.valMacroF1.fineTuned) },
    selected: tr.selected,
    before,
    after: afterP,
    afterNoiseless,
    recovered: {
      accuracy: r6(afterP.accuracy - before.accuracy),
      macroF1: r6(afterP.macroF1 - before.macroF1),
    },
    headFile: paths.noiseAwareFile(q.seed),
  };
}
