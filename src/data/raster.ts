/** A decoded 2-D slice before preprocessing: grayscale floats in [0, 1] and what the source said about itself. */
import type { Box } from './types.js';
import type { SourceFormat } from './detect.js';

export interface Raster {
  width: number;
  height: number;
  /** width×height grayscale in [0, 1], row-major */
  pixels: Float32Array;
  /** channel count of the source (1 gray, 3 colour, …) */
  channels: number;
  format: SourceFormat;
  /** width×height tumor mask (0/1), when the source has one */
  mask: Uint8Array | null;
  /** tumor box in this raster, normalised, when known */
  box: Box | null;
  /** for volumes: the slice that was taken and how many there were */
  slice?: number;
  slices?: number;
  /** a group id the source gives (e.g. a hashed DICOM patient id), never the raw identifier */
  group?: string;
}

/** Bounding box (normalised) of the non-zero pixels of a mask, or null when it is empty. */
export function maskBox(mask: Uint8Array, width: number, height: number): Box | null {
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (mask[y * width + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return null;
  return [x0 / width, y0 / height, (x1 + 1) / width, (y1 + 1) / height];
}

/** Robust window to [0, 1]: the given percentiles of the finite values map to 0 and 1. */
export function windowPercentiles(values: ArrayLike<number>, lo = 0.005, hi = 0.995): [number, number] {
  const v = Float64Array.from(values).sort();
  if (v.length === 0) return [0, 1];
  const a = v[Math.floor(lo * (v.length - 1))];
  const b = v[Math.ceil(hi * (v.length - 1))];
  return b > a ? [a, b] : [a, a + 1];
}

export function applyWindow(src: ArrayLike<number>, lo: number, hi: number): Float32Array {
  const out = new Float32Array(src.length);
  const s = 1 / (hi - lo);
  for (let i = 0; i < src.length; i++) {
    const t = (src[i] - lo) * s;
    out[i] = t < 0 ? 0 : t > 1 ? 1 : t;
  }
  return out;
}
