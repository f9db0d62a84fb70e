/**
 * src/noise — the NISQ noise study of the quantum head (issue #7). Owns: evaluating a trained run's
 * quantum head on its test features under per-channel noise sweeps, device profiles and finite shots
 * on the density-matrix simulator (src/quantum), against the classical heads on the same features;
 * bootstrap CIs, break-even levels, drops from noiseless; readout-error mitigation and zero-noise
 * extrapolation by gate folding; noise-aware training with parameter-shift gradients; plots, JSON
 * and CSV in RUN/noise/.
 *
 *   study.ts       noiseStudy(run, cfg, hooks?) → RUN/noise/{results.json, points.csv, plots/}: a short
 *                  list of steps, each in its own file:
 *     study-inputs.ts    test features, quantum and classical heads, profiles, checked up front
 *     study-context.ts   what the steps share (config, executor, scoring, the points in order)
 *     study-sweeps.ts    each swept channel at each level, break-even, finite shots without noise
 *     study-profiles.ts  device profiles × shots, raw and mitigated
 *     study-aware.ts     the noise-aware fine-tuning step
 *   study-units.ts the study as independent units (sweep point, shot setting, profile, noise-aware
 *                  training) made here or by `--nproc` workers and merged by index
 *   results.ts     the shape of RUN/noise/results.json
 *   config.ts      NoiseConfig resolved from its one definition in src/config (every error names the key)
 *   settings.ts    the swept settings (src/quantum/channels SWEEPS) → noise models, log-spaced levels
 *   executor.ts    HybridExecutor: pre-layer once, circuit batched under noise, readout, shots
 *   fold.ts        gate folding G → G(G†G)^k (foldCircuit, foldedParams)
 *   mitigation.ts  readout confusion inversion, linear and Richardson extrapolation
 *   scoring.ts     accuracy / macro-F1 with paired bootstrap CIs
 *   break-even.ts  where the hybrid falls below the classical head (log-scale interpolation)
 *   break-even-interval.ts  its interval, resampled by test group (src/eval breakEvenInterval)
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
