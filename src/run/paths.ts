/**
 * Where every artefact of a run lives: the one place a path inside a run folder is spelled.
 *
 *   RUN/config.json                     resolved experiment config
 *   RUN/stages.json, RUN/run.json       stage status (config hash, finished) and the last outcome
 *   RUN/.qmri.lock                      pid of the qmri process working in RUN
 *   RUN/data/phantoms/                  generated phantom images (synthetic data)
 *   RUN/data/manifest.json              data manifest (file, label, group, split, sha256, box)
 *   RUN/data/audit.json                 dataset audit
 *   RUN/backbone/arch.json              BackboneArch: DenseNet config, class names, preprocessing
 *   RUN/backbone/model.safetensors      best backbone weights (DenseNet state dict incl. classifier)
 *   RUN/backbone/checkpoint.*           last-epoch checkpoint for resume (weights, optimizer, state)
 *   RUN/backbone/log.jsonl, metrics.json  one JSON line per epoch; final metrics
 *   RUN/features/<split>.safetensors    pooled features x (N×D, F32) and labels y (N, I64);
 *                                       metadata.files = JSON list of source files
 *   RUN/features/<split>-maps.safetensors  optional final feature maps N×D×h×w
 *   RUN/heads/<kind>-seed<k>.json       HeadExport (plain arrays) of each trained head
 *   RUN/heads/representative.json       per head kind: the representative seed (never a collapsed one)
 *   RUN/compare/calibration.json        qmri compare --calibrate N: the A/A false-positive count
 *   RUN/compare/results.json            the head comparison; compare/finetune/<kind>-seed<k>.json fine-tuned heads
 *   RUN/folds/fold-<i>/                 compare.folds = k ≥ 2: fold i's sub-run (its own config.json,
 *                                       stages.json, data/manifest.json, backbone/, features/, heads/,
 *                                       compare/): the same layout, runPaths(fold(i))
 *   RUN/ensemble/metrics.json           `qmri ensemble`: the fold backbones' averaged probabilities on one
 *                                       split, its metrics beside each fold's, the images the folds saw
 *   RUN/explain/audit.json, cases/, …   explanation audit and images
 *   RUN/noise/results.json, points.csv, plots/, quantum-aware-seed<k>.json   the noise study
 *   RUN/report.html, RUN/report/        the self-contained report, its plots and summary
 *   RUN/predict/                        `qmri predict` outputs by default
 */
import { join } from 'node:path';

export function runPaths(run: string) {
  const noiseDir = join(run, 'noise');
  const explainDir = join(run, 'explain');
  return {
    root: run,
    config: join(run, 'config.json'),
    stages: join(run, 'stages.json'),
    outcome: join(run, 'run.json'),
    lock: join(run, '.qmri.lock'),
    phantomsDir: join(run, 'data', 'phantoms'),
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
    representative: join(run, 'heads', 'representative.json'),
    calibration: join(run, 'compare', 'calibration.json'),
    features: (split: string) => join(run, 'features', `${split}.safetensors`),
    /** final DenseNet feature maps (N×D×h×w, F32 'maps') of a split, when extracted with `maps` */
    featureMaps: (split: string) => join(run, 'features', `${split}-maps.safetensors`),
    headsDir: join(run, 'heads'),
    headFile: (kind: string, seed: number) => `${kind}-seed${seed}.json`,
    head: (kind: string, seed: number) => join(run, 'heads', `${kind}-seed${seed}.json`),
    compareDir: join(run, 'compare'),
    compare: join(run, 'compare', 'results.json'),
    foldsDir: join(run, 'folds'),
    /** the sub-run folder of cross-validation fold i (0-based; named fold-1 … fold-k) */
    fold: (i: number) => join(run, 'folds', `fold-${i + 1}`),
    ensembleDir: join(run, 'ensemble'),
    /** the k-fold backbone ensemble's scores (src/train/ensemble.ts) */
    ensembleMetrics: join(run, 'ensemble', 'metrics.json'),
    finetuneDir: join(run, 'compare', 'finetune'),
    /** a head of the end-to-end fine-tuning control (its backbone is not kept) */
    finetuneHead: (kind: string, seed: number) =>
      join(run, 'compare', 'finetune', `${kind}-seed${seed}.json`),
    explainDir,
    explainAudit: join(explainDir, 'audit.json'),
    explainCases: join(explainDir, 'cases'),
    noiseDir,
    noiseResults: join(noiseDir, 'results.json'),
    noisePoints: join(noiseDir, 'points.csv'),
    noisePlots: join(noiseDir, 'plots'),
    /** name (relative to noiseDir) of the noise-aware fine-tuned head */
    noiseAwareFile: (seed: number) => `quantum-aware-seed${seed}.json`,
    report: join(run, 'report.html'),
    reportDir: join(run, 'report'),
    reportPlots: join(run, 'report', 'plots'),
    reportSummary: join(run, 'report', 'summary.json'),
    predictDir: join(run, 'predict'),
  };
}
export type RunPaths = ReturnType<typeof runPaths>;
