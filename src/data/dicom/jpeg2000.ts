/** JPEG 2000 (reversible and irreversible) through Cornerstone's OpenJPEG wasm build. */
import { lazyWasmModule, runWasmDecoder, typed, type Codec, type WasmDecoder } from './codec.js';

type OpenJpegModule = { J2KDecoder: new () => WasmDecoder };
const openjpeg = lazyWasmModule<OpenJpegModule>('@cornerstonejs/codec-openjpeg/decodewasmjs');

export const jpeg2000: Codec = {
  name: 'JPEG 2000 (OpenJPEG)',
  declaresSize: true,
  async decode(frame) {
    const m = await openjpeg();
    const { out, info } = runWasmDecoder(() => new m.J2KDecoder(), frame);
    return typed(out, info.bitsPerSample, info.isSigned);
  },
};
