/** JPEG-LS lossless and near-lossless through Cornerstone's CharLS wasm build. */
import { lazyWasmModule, runWasmDecoder, typed, type Codec, type WasmDecoder } from './codec.js';

type CharlsModule = { JpegLSDecoder: new () => WasmDecoder };
const charls = lazyWasmModule<CharlsModule>('@cornerstonejs/codec-charls/decodewasmjs');

export const jpegLs: Codec = {
  name: 'JPEG-LS (CharLS)',
  async decode(frame, info) {
    const m = await charls();
    const { out } = runWasmDecoder(() => new m.JpegLSDecoder(), frame);
    return typed(out, info.bitsAllocated, false);
  },
};
