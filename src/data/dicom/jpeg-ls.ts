/** JPEG-LS lossless and near-lossless through Cornerstone's CharLS wasm build. */
import {
  requireCjs,
  runWasmDecoder,
  typed,
  QUIET,
  type Codec,
  type WasmDecoder,
  type WasmFactory,
} from './codec.js';

type CharlsModule = { JpegLSDecoder: new () => WasmDecoder };
let charls: Promise<CharlsModule> | null = null;

export const jpegLs: Codec = {
  name: 'JPEG-LS (CharLS)',
  declaresSize: true,
  async decode(frame, info) {
    const m = await (charls ??= (
      requireCjs('@cornerstonejs/codec-charls/decodewasmjs') as WasmFactory<CharlsModule>
    )(QUIET));
    const { out } = runWasmDecoder(() => new m.JpegLSDecoder(), frame);
    return typed(out, info.bitsAllocated, false);
  },
};
