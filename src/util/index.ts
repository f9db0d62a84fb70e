/**
 * src/util — small helpers shared by every concern: atomic file writes (checkpoints, manifests and
 * results never end up half-written), JSON files read with errors naming the file (json-file.ts), a seeded, splittable PRNG (every random choice in qmri is
 * reproducible from a seed), progress bars (ProgressSink; quiet off a TTY or under --json) and charts
 * (Vega-Lite rendered server-side to SVG, PNG by sharp; used by the report and the noise study) and
 * the part files of sharded `--nproc` work (which items a worker owns, how parts merge back in order).
 * Nothing here imports from another src/ folder, so any concern may use it without a cycle.
 */
export * from './atomic.js';
export * from './json-file.js';
export * from './rng.js';
export * from './progress.js';
export * from './charts.js';
export * from './shard.js';
