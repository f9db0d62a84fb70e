/**
 * src/util — small dependency-free helpers shared by every concern: atomic file writes (checkpoints,
 * manifests and results never end up half-written) and a seeded, splittable PRNG (every random
 * choice in qmri is reproducible from a seed). Nothing here imports from another src/ folder.
 */
export * from './atomic.js';
export * from './rng.js';
