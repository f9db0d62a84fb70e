/**
 * src/noise — the NISQ noise study of the quantum head (issue #7). Owns: evaluating a trained run's
 * quantum head on its test features under per-channel noise sweeps, device profiles and finite shots
 * on the density-matrix simulator (src/quantum), against the classical heads on the same features;
 * bootstrap CIs, break-even levels, drops from noiseless; readout-error mitigation and zero-noise
 * extrapolation by gate folding; noise-aware training with parameter-shift gradients; plots, JSON
 * and CSV in RUN/noise/.
 *
 *   study.ts       noiseStudy(run, cfg, hooks?) → RUN/noise/{results.json, points.csv, plots/}
 *   study-units.ts the study as independent units (sweep point, shot setting, profile, noise-aware
 *                  training) made here or by `--nproc` workers and merged by index
 *   results.ts     the shape of RUN/noise/results.json
 *   config.ts      NoiseConfig, DEFAULT_NOISE_CONFIG, resolveNoiseConfig (validated by field)
 *   settings.ts    the six swept channels → noise models, log-spaced levels, noise specs
 *   executor.ts    HybridExecutor: pre-layer once, circuit batched under noise, readout, shots
 *   fold.ts        gate folding G → G(G†G)^k (foldCircuit, foldedParams)
 *   mitigation.ts  readout confusion inversion, linear and Richardson extrapolation
 *   scoring.ts     accuracy / macro-F1 with paired bootstrap CIs
 *   break-even.ts  where the hybrid falls below the classical head (log-scale interpolation)
 *   aware.ts       noise-aware fine-tuning of the quantum head (parameter shift under noise + shots)
 *   points.ts      flat rows of every point, CSV
 *   plots.ts       accuracy vs level / shots, device-profile bars (SVG + PNG)
 */
export * from './fold.js';
export * from './mitigation.js';
export * from './settings.js';
export * from './config.js';
export * from './executor.js';
export * from './scoring.js';
export * from './break-even.js';
export * from './points.js';
export * from './aware.js';
export * from './plots.js';
export * from './study.js';
export * from './results.js';
