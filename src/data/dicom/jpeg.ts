/**
 * JPEG codecs: baseline 8-bit (process 1) through Cornerstone's libjpeg-turbo wasm build, and
 * lossless (processes 14 and 14 SV1) through jpeg-lossless-decoder-js. 12-bit lossy JPEG (process
 * 2/4) has no maintained JavaScript decoder: refused as unsupported.
 */
import { DataError } from '../errors.js';
import { lazyWasmModule, requireCjs, runWasmDecoder, typed, type Codec, type WasmDecoder } from './codec.js';

type TurboModule = { JPEGDecoder: new () => WasmDecoder };
const loadTurbo = lazyWasmModule<TurboModule>('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs');

export const jpegBaseline: Codec = {
  name: 'JPEG baseline (libjpeg-turbo)',
  declaresSize: true,
  async decode(frame, info, file) {
    if (info.bitsStored > 8 || info.bitsAllocated > 8)
      throw new DataError(
        file,
        'unsupported',
        `unsupported: ${info.bitsStored}-bit lossy JPEG (process 2/4); only 8-bit baseline JPEG is decoded`,
      );
    const m = await loadTurbo();
    const { out } = runWasmDecoder(() => new m.JPEGDecoder(), frame);
    return typed(out, 8, false);
  },
};

interface LosslessDecoder {
  decompress(buffer: ArrayBuffer, offset: number, length: number): ArrayBuffer;
}
const { Decoder } = requireCjs('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };

/**
 * The frame's bytes with the 0xFF fill bytes that may precede the final EOI marker removed
 * (T.81 B.1.1.2), and two zero bytes after the entropy-coded data: without them
 * jpeg-lossless-decoder-js loses the last sample of DCMTK's predictor-6 streams (`… 00 FF FF D9`).
 */
function withoutFillBeforeEoi(frame: Uint8Array): ArrayBuffer {
  let end = frame.length;
  while (end > 0 && frame[end - 1] === 0) end--; // DICOM pads fragments to even length
  let cut = end - 2;
  if (cut >= 1 && frame[cut] === 0xff && frame[cut + 1] === 0xd9)
    while (cut >= 1 && frame[cut - 1] === 0xff) cut--;
  // bits after the last sample are never decoded; two zero bytes keep the decoder's look-ahead off the marker
  const out = new Uint8Array(cut + 4);
  out.set(frame.subarray(0, cut));
  out.set([0, 0, 0xff, 0xd9], cut);
  return out.buffer;
}

export const jpegLossless: Codec = {
  name: 'JPEG lossless (jpeg-lossless-decoder-js)',
  declaresSize: true,
  decode(frame, info) {
    const ab = withoutFillBeforeEoi(frame);
    const out = new Uint8Array(new Decoder().decompress(ab, 0, ab.byteLength));
    return Promise.resolve(typed(out, info.bitsAllocated, false));
  },
};
