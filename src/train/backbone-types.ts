/**
 * The shapes backbone training takes and gives: the in-memory splits, the hooks (log, progress,
 * augmentation, data parallel) and the result.
 */
import type { AugmentFn } from '../data/index.js';
import type { ProcessGroup } from '../engine/index.js';
import type { Metrics } from '../eval/index.js';
import type { BackboneArch } from '../run/index.js';
import type { ProgressSink } from '../util/progress.js';
import type { BackboneEpochLog, CheckpointState } from './checkpoint.js';
import type { ArraySet } from './fit.js';

export interface BackboneData {
  train: ArraySet;
  val: ArraySet;
  test: ArraySet;
  /** optional cross-source proxy test set (src/data/proxy.ts), evaluated beside the test split */
  proxy?: ArraySet;
  classes: string[];
  /** the preprocessing the images went through (stored in arch.json) */
  preprocess: BackboneArch['preprocess'];
}

export interface BackboneHooks {
  log?: (line: string) => void;
  progress?: ProgressSink;
  /**
   * in-place augmentation of the first m images of a training batch (and of their mask planes,
   * m×size×size, when given); a batch-mixing step returns how the labels mix
   */
  augment?: AugmentFn;
  /**
   * data parallel (src/engine/distributed.ts): each rank trains on its shard of every global batch,
   * gradients are averaged; batch-norm statistics are per rank during an epoch and rank 0's running
   * statistics are broadcast after it; only rank 0 writes files. The checkpoint does not depend on the
   * number of ranks, so a run resumes with a different --nproc.
   */
  dist?: ProcessGroup;
}

export interface BackboneResult {
  epochsDone: number;
  bestEpoch: number;
  stopped: CheckpointState['stopped'];
  /** seconds of training over every session (this run folder) */
  elapsedSeconds: number;
  resumedFrom: number | null;
  val: Metrics;
  test: Metrics;
  /** on the cross-source proxy set, when the run has one */
  proxy?: Metrics;
  logs: BackboneEpochLog[];
}
