/**
 * Uncompressed pixel data (implicit/explicit little endian, big endian, deflated after dicom-parser
 * inflated the data set): samples read with the data set's byte order, planes interleaved.
 */
import type { Codec, FrameInfo, Samples } from './codec.js';

export function readNative(bytes: Uint8Array, info: FrameInfo): Samples {
  const n = info.rows * info.cols * info.samplesPerPixel;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = info.littleEndian;
  const s = info.signed;
  const out: Samples =
    info.bitsAllocated === 8
      ? s
        ? new Int8Array(n)
        : new Uint8Array(n)
      : info.bitsAllocated === 16
        ? s
          ? new Int16Array(n)
          : new Uint16Array(n)
        : s
          ? new Int32Array(n)
          : new Uint32Array(n);
  const get =
    info.bitsAllocated === 8
      ? (i: number) => (s ? dv.getInt8(i) : dv.getUint8(i))
      : info.bitsAllocated === 16
        ? (i: number) => (s ? dv.getInt16(i * 2, le) : dv.getUint16(i * 2, le))
        : (i: number) => (s ? dv.getInt32(i * 4, le) : dv.getUint32(i * 4, le));
  for (let i = 0; i < n; i++) out[i] = get(i);
  return info.planar === 1 && info.samplesPerPixel > 1 ? interleave(out, info) : out;
}

/** Colour-by-plane (R…R G…G B…B) to pixel-interleaved (R G B R G B …). */
export function interleave(planes: Samples, info: FrameInfo): Samples {
  const px = info.rows * info.cols;
  const spp = info.samplesPerPixel;
  const out = new (planes.constructor as new (n: number) => Samples)(planes.length);
  for (let p = 0; p < px; p++) for (let c = 0; c < spp; c++) out[p * spp + c] = planes[c * px + p];
  return out;
}

export const native: Codec = {
  name: 'uncompressed',
  decode: (frame, info) => Promise.resolve(readNative(frame, info)),
};
