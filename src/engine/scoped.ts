/**
 * withRuntime: libtorch's process-wide settings (intra-op thread count, default generator state)
 * set for the span of one function and restored afterwards, also when it throws or its promise
 * rejects, so that no stage leaves them changed for the next.
 */
import { getNumThreads, getRngState, manualSeed, setNumThreads, setRngState } from './runtime.js';

export interface RuntimeSettings {
  /** intra-op threads (unset or 0: leave as is) */
  threads?: number;
  /** seeds the default generator (unset: leave as is; its state is restored either way) */
  seed?: number;
}

export function withRuntime<T>(settings: RuntimeSettings, fn: () => T): T {
  const threads = getNumThreads();
  const rng = getRngState();
  const restore = () => {
    setNumThreads(threads);
    setRngState(rng);
  };
  let out: T;
  try {
    if (settings.threads) setNumThreads(settings.threads);
    if (settings.seed !== undefined) manualSeed(settings.seed);
    out = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (out instanceof Promise) return out.finally(restore) as T;
  restore();
  return out;
}
