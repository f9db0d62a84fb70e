/** File hashes (sha256 of the bytes) and a perceptual difference hash (dHash, 64 bits) for near-duplicates. */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Raster } from './raster.js';

export const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** dHash: 9×8 grayscale thumbnail, one bit per horizontal neighbour comparison; as two 32-bit words. */
export async function dHash(r: Raster): Promise<[number, number]> {
  const u8 = Uint8Array.from(r.pixels, (v) => Math.round(v * 255));
  const { data } = await sharp(u8, { raw: { width: r.width, height: r.height, channels: 1 } })
    .resize(9, 8, { fit: 'fill', kernel: 'cubic' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = [0, 0];
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++) {
      const bit = y * 8 + x;
      if (data[y * 9 + x] > data[y * 9 + x + 1]) w[bit >> 5] |= 1 << (bit & 31);
    }
  return [w[0] >>> 0, w[1] >>> 0];
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export const hamming = (a: [number, number], b: [number, number]): number =>
  popcount(a[0] ^ b[0]) + popcount(a[1] ^ b[1]);

/** All pairs (i < j) within `maxDistance` bits. O(n²) on 64-bit words: ~10⁷ pairs/s. */
export function nearDuplicatePairs(
  hashes: readonly ([number, number] | null)[],
  maxDistance: number,
): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < hashes.length; i++) {
    const a = hashes[i];
    if (!a) continue;
    for (let j = i + 1; j < hashes.length; j++) {
      const b = hashes[j];
      if (!b) continue;
      const d = popcount(a[0] ^ b[0]) + popcount(a[1] ^ b[1]);
      if (d <= maxDistance) out.push([i, j, d]);
    }
  }
  return out;
}
