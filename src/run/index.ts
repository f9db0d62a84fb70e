/**
 * src/run — the run-folder contract: one directory holds everything a run produces, so every later
 * stage and every rerun finds its inputs by name. Below data and train in the import order.
 *   paths.ts          where every artefact lives (the only place a run-folder path is spelled)
 *   features.ts       RUN/features/<split>.safetensors
 *   head-files.ts     RUN/heads/<kind>-seed<k>.json (plain-array heads, src/heads)
 *   backbone-files.ts RUN/backbone/arch.json + model.safetensors
 *   open-run.ts       the backbone and one head per kind, opened together
 *   status.ts         stage status (RUN/stages.json, resume) and the run lock
 * Writes are atomic (src/util/atomic: temp file, fsync, rename).
 */
export * from './paths.js';
export * from './features.js';
export * from './head-files.js';
export * from './backbone-files.js';
export * from './open-run.js';
export * from './status.js';
