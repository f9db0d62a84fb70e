/**
 * Test-time augmentation's average: a batch's per-image outputs (softmax probabilities, pooled
 * features) averaged over the views of backbone.tta. Unset or empty = off: the callers then take
 * their plain path, so seeded default runs give the numbers they always did.
 */
import { ttaViews, type TtaName } from './registry.js';
import type { TtaView } from './types.js';

/** The views of backbone.tta, or null when test-time augmentation is off. */
export function viewsOf(names: readonly TtaName[] | undefined): TtaView[] | null {
  return names && names.length ? ttaViews(names) : null;
}

/**
 * fn's output on each view of the batch x (m images of per-sample `shape`), averaged element-wise
 * over the views (summed in float64).
 */
export function meanOverViews(
  x: Float32Array,
  m: number,
  shape: readonly number[],
  views: readonly TtaView[],
  fn: (view: Float32Array) => Float32Array,
): Float32Array {
  let sum: Float64Array | null = null;
  for (const v of views) {
    const out = fn(v.apply(x, m, shape));
    sum ??= new Float64Array(out.length);
    for (let i = 0; i < out.length; i++) sum[i] += out[i];
  }
  return Float32Array.from(sum!, (s) => s / views.length);
}
