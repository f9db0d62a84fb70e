/**
 * DICOM RLE Lossless (PS3.5 Annex G), written here because it is small and fully specified: a
 * 64-byte header of up to 15 segment offsets, each segment one byte plane (most significant byte
 * first) packed with PackBits. Hand-written: no maintained npm package decodes DICOM RLE alone.
 */
import { DataError } from '../errors.js';
import type { Codec, FrameInfo, Samples } from './codec.js';
import { readNative } from './native.js';

function unpackBits(src: Uint8Array, out: Uint8Array, file: string): void {
  let i = 0;
  let o = 0;
  while (i < src.length && o < out.length) {
    const n = (src[i++] << 24) >> 24;
    if (n >= 0) {
      const len = Math.min(n + 1, out.length - o, src.length - i);
      out.set(src.subarray(i, i + len), o);
      i += n + 1;
      o += len;
    } else if (n !== -128) {
      const len = Math.min(1 - n, out.length - o);
      out.fill(src[i++], o, o + len);
      o += len;
    }
  }
  if (o < out.length)
    throw new DataError(file, 'corrupt', `RLE segment ends after ${o} of ${out.length} bytes`);
}

function decodeRle(frame: Uint8Array, info: FrameInfo, file: string): Samples {
  if (frame.length < 64) throw new DataError(file, 'corrupt', 'RLE frame shorter than its 64-byte header');
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const nSeg = dv.getUint32(0, true);
  const bytesPer = info.bitsAllocated / 8;
  const want = bytesPer * info.samplesPerPixel;
  if (nSeg !== want) throw new DataError(file, 'corrupt', `RLE frame has ${nSeg} segments, expected ${want}`);
  const px = info.rows * info.cols;
  // rebuild the uncompressed frame as little-endian, colour-by-plane bytes
  const raw = new Uint8Array(px * want);
  for (let s = 0; s < nSeg; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < nSeg ? dv.getUint32(8 + 4 * s, true) : frame.length;
    if (!(start >= 64 && start <= end && end <= frame.length))
      throw new DataError(file, 'corrupt', `RLE segment ${s + 1} offsets out of range`);
    const sample = Math.floor(s / bytesPer);
    const byteInSample = bytesPer - 1 - (s % bytesPer); // segments go most significant byte first
    const plane = new Uint8Array(px);
    unpackBits(frame.subarray(start, end), plane, file);
    for (let p = 0; p < px; p++) raw[(sample * px + p) * bytesPer + byteInSample] = plane[p];
  }
  return readNative(raw, { ...info, planar: 1, littleEndian: true });
}

export const rle: Codec = {
  name: 'RLE Lossless',
  decode: (frame, info, file) => Promise.resolve(decodeRle(frame, info, file)),
};
