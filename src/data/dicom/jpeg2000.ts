/** JPEG 2000 (reversible and irreversible) through Cornerstone's OpenJPEG wasm build. */
import {
  requireCjs,
  runWasmDecoder,
  typed,
  QUIET,
  type Codec,
  type WasmDecoder,
  type WasmFactory,
} from './codec.js';

type OpenJpegModule = { J2KDecoder: new () => WasmDecoder };
let openjpeg: Promise<OpenJpegModule> | null = null;

export const jpeg2000: Codec = {
  name: 'JPEG 2000 (OpenJPEG)',
  declaresSize: true,
  async decode(frame) {
    const m = await (openjpeg ??= (
      requireCjs('@cornerstonejs/codec-openjpeg/decodewasmjs') as WasmFactory<OpenJpegModule>
    )(QUIET));
    const { out, info } = runWasmDecoder(() => new m.J2KDecoder(), frame);
    return typed(out, info.bitsPerSample, info.isSigned);
  },
};
