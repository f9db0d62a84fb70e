/** File hashes (sha256 of the bytes) and a perceptual difference hash (dHash, 64 bits) for near-duplicates. */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { brainCropRect } from './preprocess.js';
import type { Raster } from './raster.js';

export const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** Words of a perceptual hash (HASH_SIDE² bits). */
export type PHash = Uint32Array;
export const HASH_SIDE = 16;
/** Hamming distance (of 256 bits) counted as a near-duplicate by default. */
export const DEFAULT_DUPLICATE_DISTANCE = 10;

/**
 * dHash on the brain, not the frame: crop to the largest bright component (so black borders and
 * padding do not make every slice look alike), 17×16 grayscale thumbnail, one bit per horizontal
 * neighbour comparison: 256 bits.
 */
export async function dHash(r: Raster): Promise<PHash> {
  const [x0, y0, x1, y1] = brainCropRect(r);
  const w = x1 - x0;
  const h = y1 - y0;
  const u8 = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) u8[y * w + x] = Math.round(r.pixels[(y0 + y) * r.width + x0 + x] * 255);
  const H = HASH_SIDE;
  const { data } = await sharp(u8, { raw: { width: w, height: h, channels: 1 } })
    .resize(H + 1, H, { fit: 'fill', kernel: 'cubic' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint32Array((H * H) / 32);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < H; x++) {
      const bit = y * H + x;
      if (data[y * (H + 1) + x] > data[y * (H + 1) + x + 1]) out[bit >> 5] |= 1 << (bit & 31);
    }
  return out;
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function hamming(a: PHash, b: PHash): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) d += popcount(a[k] ^ b[k]);
  return d;
}

/** All pairs (i < j) within `maxDistance` bits; O(n²) but on 8 words per pair. */
export function nearDuplicatePairs(
  hashes: readonly (PHash | null)[],
  maxDistance: number,
): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < hashes.length; i++) {
    const a = hashes[i];
    if (!a) continue;
    for (let j = i + 1; j < hashes.length; j++) {
      const b = hashes[j];
      if (!b) continue;
      let d = 0;
      for (let k = 0; k < a.length && d <= maxDistance; k++) d += popcount(a[k] ^ b[k]);
      if (d <= maxDistance) out.push([i, j, d]);
    }
  }
  return out;
}
