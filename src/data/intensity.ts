/**
 * Intensity standardisation of the resized 8-bit image, before the normalisation (preprocess.ts):
 * - 'percentile': per image, the 1st and 99th percentiles map to 0 and 255, linearly, clipped;
 * - 'histogram': Nyúl–Udupa histogram standardisation (Nyúl, Udupa & Zhang, IEEE TMI 2000), as
 *   TorchIO's HistogramStandardization does it: landmarks are the image's foreground (pixels above
 *   the image mean) percentiles 1, 10, 20, …, 90, 99; each training image's landmarks are mapped
 *   linearly so that p1 → 0 and p99 → 255 and averaged into the standard landmarks (learned on the
 *   train split only, stored in the preprocessing config so inference applies the same map); an
 *   image is then mapped piecewise-linearly from its own landmarks to the standard ones (the end
 *   segments extended), clipped to [0, 255].
 * Percentiles are nearest-rank over the 256-bin histogram: the smallest value v with at least
 * ⌈p·n/100⌉ of the n pixels ≤ v. The map is a 256-entry lookup table; output is float, so no
 * second 8-bit rounding. 'none' (or unset) leaves the image as it is.
 * Hand-written (a few lines over a histogram): TorchIO is Python and no npm package implements it.
 */
import type { PreprocessConfig } from '../config/index.js';

export const LANDMARK_PERCENTILES = [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99];

/** Nearest-rank percentiles of the 8-bit values selected by `keep` (all when absent). */
export function percentilesU8(
  u8: Uint8Array,
  ps: readonly number[],
  keep?: (v: number) => boolean,
): number[] {
  const hist = new Float64Array(256);
  for (let i = 0; i < u8.length; i++) hist[u8[i]]++;
  if (keep) for (let v = 0; v < 256; v++) if (!keep(v)) hist[v] = 0;
  const n = hist.reduce((a, b) => a + b, 0);
  if (n === 0) return ps.map(() => 0);
  return ps.map((p) => {
    const rank = Math.max(1, Math.ceil((p / 100) * n));
    let c = 0;
    for (let v = 0; v < 256; v++) {
      c += hist[v];
      if (c >= rank) return v;
    }
    return 255;
  });
}

function meanU8(u8: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < u8.length; i++) s += u8[i];
  return u8.length ? s / u8.length : 0;
}

/** The image's landmarks (8-bit values): foreground (above the mean) percentiles 1, 10, …, 90, 99. */
export function imageLandmarks(u8: Uint8Array): number[] {
  const m = meanU8(u8);
  const fg = percentilesU8(u8, LANDMARK_PERCENTILES, (v) => v > m);
  return fg;
}

/** Standard landmarks from training images (n×S×S packed): each mapped p1→0, p99→255, then averaged. */
export function learnLandmarks(images: Uint8Array, per: number): number[] {
  const n = Math.floor(images.length / per);
  if (n === 0) throw new Error('histogram standardisation: no training images to learn landmarks from');
  const sum = new Float64Array(LANDMARK_PERCENTILES.length);
  for (let i = 0; i < n; i++) {
    const l = imageLandmarks(images.subarray(i * per, (i + 1) * per));
    const lo = l[0];
    const span = l[l.length - 1] - lo || 1;
    for (let k = 0; k < l.length; k++) sum[k] += ((l[k] - lo) / span) * 255;
  }
  return Array.from(sum, (s) => Math.round((s / n) * 1e4) / 1e4);
}

/** Piecewise-linear lookup table from `from` landmarks to `to` landmarks (ends extended), clipped to [0, 255]. */
function landmarkLut(from: number[], to: number[]): Float32Array {
  // collapse equal source landmarks (flat histograms): keep the first of each run
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < from.length; k++)
    if (!xs.length || from[k] > xs[xs.length - 1]) {
      xs.push(from[k]);
      ys.push(to[k]);
    }
  const lut = new Float32Array(256);
  if (xs.length < 2) {
    lut.fill(to[Math.floor(to.length / 2)]);
    return lut;
  }
  let seg = 0;
  for (let v = 0; v < 256; v++) {
    while (seg < xs.length - 2 && v > xs[seg + 1]) seg++;
    const t = (v - xs[seg]) / (xs[seg + 1] - xs[seg]);
    lut[v] = Math.min(255, Math.max(0, ys[seg] + t * (ys[seg + 1] - ys[seg])));
  }
  return lut;
}

/** The lookup table for one image under `cfg`, or null when no standardisation applies. */
export function intensityLut(u8: Uint8Array, cfg: PreprocessConfig): Float32Array | null {
  const mode = cfg.intensity ?? 'none';
  if (mode === 'none') return null;
  if (mode === 'percentile') {
    const [p1, p99] = percentilesU8(u8, [1, 99]);
    return landmarkLut([p1, p99], [0, 255]);
  }
  if (!cfg.landmarks || cfg.landmarks.length !== LANDMARK_PERCENTILES.length)
    throw new Error(
      `preprocess.intensity 'histogram' needs ${LANDMARK_PERCENTILES.length} standard landmarks learned on the train split (preprocess.landmarks), got ${cfg.landmarks ? cfg.landmarks.length : 'none'}`,
    );
  return landmarkLut(imageLandmarks(u8), cfg.landmarks);
}

/** The image after standardisation (floats on the 0–255 scale), or the image itself when none applies. */
export function standardizeIntensity(u8: Uint8Array, cfg: PreprocessConfig): Uint8Array | Float32Array {
  const lut = intensityLut(u8, cfg);
  if (!lut) return u8;
  const out = new Float32Array(u8.length);
  for (let i = 0; i < u8.length; i++) out[i] = lut[u8[i]];
  return out;
}
