/**
 * `jpeg`: JPEG re-compression at a quality drawn per image. The image's 3 channels are mapped by its
 * own min/max to 8-bit samples, put through baseline JPEG's lossy steps and mapped back: JFIF
 * YCbCr (one luminance plane when the three channels are equal, as for an MRI slice), 8×8 blocks
 * (edges replicated), level shift, DCT, quantisation with the standard tables scaled as libjpeg's
 * quality setting scales them, dequantisation, inverse DCT, rounding to 8 bits. The entropy coding
 * JPEG adds is lossless, so this is the codec's result up to its DCT's rounding (0.04–0.1 grey levels
 * from jpeg-js on average for grey images, 0.5–0.7 in colour; test/data/augment-jpeg.test.ts), as
 * kornia's differentiable JPEG models it.
 * Not a codec library: jpeg-js rebuilds its Huffman and colour tables on every call (≈ 105 of ≈ 110 ms
 * per 128 px image), and Cornerstone's libjpeg-turbo wasm build, which the DICOM loader uses to
 * decode, sizes its encoder's output buffer to the raw image and traps ("memory access out of
 * bounds") when the JPEG is larger: any 8×8 image, noisy images at quality ≥ 90. BENCHMARKS.md, #19.
 */
import { closed, int } from '../../config/kit.js';
import { imageRange, plane } from './planes.js';
import { defineImageKind, ordered, type AugmentBatch } from './types.js';

/** The standard luminance and chrominance quantisation tables (ITU T.81 Annex K), row-major. */
const LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA = [
  17,
  18,
  24,
  47,
  99,
  99,
  99,
  99,
  18,
  21,
  26,
  66,
  99,
  99,
  99,
  99,
  24,
  26,
  56,
  99,
  99,
  99,
  99,
  99,
  47,
  66,
  99,
  99,
  99,
  99,
  99,
  99,
  ...Array<number>(32).fill(99),
];

/** A base table scaled to `quality` as libjpeg does (jpeg_quality_scaling), baseline-clamped to 1–255. */
export function quantTable(base: readonly number[], quality: number): Float64Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return Float64Array.from(base, (v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
}

/** The orthonormal 8-point DCT-II basis: C[u·8 + x] = α(u) cos((2x + 1)uπ / 16). */
const C = Float64Array.from({ length: 64 }, (_, k) => {
  const [u, x] = [Math.floor(k / 8), k % 8];
  return (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
});

/** A sample rounded and clamped to 8 bits, as a codec stores it. */
const u8 = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));

/** Cᵀ, for the inverse transform. */
const CT = Float64Array.from({ length: 64 }, (_, k) => C[(k % 8) * 8 + Math.floor(k / 8)]);

/** out = M · b · Mᵀ for 8×8 blocks: M = C (forward DCT) or Cᵀ (inverse). */
function separable(b: Float64Array, out: Float64Array, tmp: Float64Array, M: Float64Array): void {
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) {
      let s = 0;
      for (let k = 0; k < 8; k++) s += M[i * 8 + k] * b[k * 8 + j];
      tmp[i * 8 + j] = s;
    }
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) {
      let s = 0;
      for (let k = 0; k < 8; k++) s += tmp[i * 8 + k] * M[j * 8 + k];
      out[i * 8 + j] = s;
    }
}

/** One plane (S×S samples in 0–255) through level shift, DCT, quantisation with `table` and back, in place. */
export function jpegPlane(p: Float64Array, S: number, table: Float64Array): void {
  const [blk, coef, tmp] = [new Float64Array(64), new Float64Array(64), new Float64Array(64)];
  for (let by = 0; by < S; by += 8)
    for (let bx = 0; bx < S; bx += 8) {
      for (let k = 0; k < 64; k++) {
        const y = Math.min(S - 1, by + (k >> 3));
        const x = Math.min(S - 1, bx + (k & 7));
        blk[k] = p[y * S + x] - 128;
      }
      separable(blk, coef, tmp, C);
      for (let k = 0; k < 64; k++) coef[k] = Math.round(coef[k] / table[k]) * table[k];
      separable(coef, blk, tmp, CT);
      for (let k = 0; k < 64; k++) {
        const y = by + (k >> 3);
        const x = bx + (k & 7);
        if (y < S && x < S) p[y * S + x] = u8(blk[k] + 128);
      }
    }
}

/** 8-bit RGB planes → JFIF YCbCr planes (full range), rounded to 8 bits as a codec stores them. */
function toYCbCr([r, g, b]: Float64Array[]): Float64Array[] {
  const n = r.length;
  const [y, cb, cr] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (let k = 0; k < n; k++) {
    y[k] = u8(0.299 * r[k] + 0.587 * g[k] + 0.114 * b[k]);
    cb[k] = u8(128 - 0.168736 * r[k] - 0.331264 * g[k] + 0.5 * b[k]);
    cr[k] = u8(128 + 0.5 * r[k] - 0.418688 * g[k] - 0.081312 * b[k]);
  }
  return [y, cb, cr];
}

/** JFIF YCbCr planes → 8-bit RGB planes. */
function toRgb([y, cb, cr]: Float64Array[]): Float64Array[] {
  const n = y.length;
  const [r, g, b] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (let k = 0; k < n; k++) {
    r[k] = u8(y[k] + 1.402 * (cr[k] - 128));
    g[k] = u8(y[k] - 0.344136 * (cb[k] - 128) - 0.714136 * (cr[k] - 128));
    b[k] = u8(y[k] + 1.772 * (cb[k] - 128));
  }
  return [r, g, b];
}

/**
 * 8-bit planes (1: grey, 3: R, G, B; each S×S, values 0–255) through baseline JPEG at `quality`;
 * returns the decoded planes.
 */
export function jpegRoundTrip(planes: Float64Array[], S: number, quality: number): Float64Array[] {
  const luma = quantTable(LUMA, quality);
  if (planes.length === 1) {
    const y = planes[0].slice();
    jpegPlane(y, S, luma);
    return [y];
  }
  const ycc = toYCbCr(planes);
  const chroma = quantTable(CHROMA, quality);
  ycc.forEach((p, c) => jpegPlane(p, S, c === 0 ? luma : chroma));
  return toRgb(ycc);
}

/** Are the 3 channels of image i equal (a grey image)? */
function isGrey(b: AugmentBatch, i: number): boolean {
  const [r, g, bl] = [0, 1, 2].map((c) => plane(b, i, c));
  for (let k = 0; k < r.length; k++) if (r[k] !== g[k] || r[k] !== bl[k]) return false;
  return true;
}

export const jpeg = defineImageKind({
  name: 'jpeg',
  description: 'JPEG re-compression at a random quality',
  options: closed({
    /** lowest quality (1–100) */
    qualityMin: int(1, 100, 30),
    /** highest quality */
    qualityMax: int(1, 100, 95),
  }),
  p: 0.3,
  validate: (o) => ordered('qualityMin', o.qualityMin, 'qualityMax', o.qualityMax),
  apply(b, i, o) {
    const quality = o.qualityMin + b.rng.int(o.qualityMax - o.qualityMin + 1);
    const { lo, hi } = imageRange(b, i);
    if (!(hi > lo)) return;
    const S = b.size;
    const planes = [0, 1, 2].map((c) => plane(b, i, c));
    const used = isGrey(b, i) ? planes.slice(0, 1) : planes;
    const bytes = used.map((p) => Float64Array.from(p, (v) => Math.round((255 * (v - lo)) / (hi - lo))));
    const out = jpegRoundTrip(bytes, S, quality);
    for (let c = 0; c < 3; c++) {
      const src = out[Math.min(c, out.length - 1)];
      for (let k = 0; k < S * S; k++) planes[c][k] = lo + (src[k] / 255) * (hi - lo);
    }
  },
});
