/**
 * What a DICOM pixel codec is: one object per transfer-syntax family that turns one frame's
 * encoded bytes into its samples (pixel-interleaved, as stored: no rescale, no windowing).
 * The registry of transfer syntaxes (transfer-syntaxes.ts) maps each UID to one of these.
 */
import { createRequire } from 'node:module';

export interface FrameInfo {
  rows: number;
  cols: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  samplesPerPixel: number;
  /** 0: pixel-interleaved (R G B R G B), 1: one plane per sample */
  planar: number;
  littleEndian: boolean;
}

/** Samples of one frame, pixel-interleaved, before sign extension to BitsStored. */
export type Samples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface Codec {
  name: string;
  /** the frame's codestream declares its width and height (checked against Rows/Columns first) */
  declaresSize?: boolean;
  decode(frame: Uint8Array, info: FrameInfo, file: string): Promise<Samples>;
}

/** CommonJS packages without type declarations (the wasm codecs) load through here. */
export const requireCjs = createRequire(import.meta.url);

/** An Emscripten module factory; QUIET keeps the codecs' own logging (OpenJPEG's [INFO] lines) off stdout. */
export type WasmFactory<M> = (opts: {
  print: (s: string) => void;
  printErr: (s: string) => void;
}) => Promise<M>;
export const QUIET = { print: () => undefined, printErr: () => undefined };

/** A Cornerstone wasm codec module, loaded quietly on first use and kept for later frames. */
export function lazyWasmModule<M>(id: string): () => Promise<M> {
  let loaded: Promise<M> | null = null;
  return () => (loaded ??= (requireCjs(id) as WasmFactory<M>)(QUIET));
}

/** Emscripten decoder objects of the Cornerstone wasm codecs share this shape. */
export interface WasmDecoder {
  getEncodedBuffer(n: number): Uint8Array;
  decode(): void;
  getFrameInfo(): {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned: boolean;
  };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

/** Runs one Cornerstone wasm decoder over a frame and copies its output out of wasm memory. */
export function runWasmDecoder(
  make: () => WasmDecoder,
  frame: Uint8Array,
): { out: Uint8Array; info: ReturnType<WasmDecoder['getFrameInfo']> } {
  const d = make();
  try {
    d.getEncodedBuffer(frame.length).set(frame);
    d.decode();
    const info = d.getFrameInfo();
    return { out: d.getDecodedBuffer().slice(), info };
  } finally {
    d.delete();
  }
}

/** Bytes as the typed array their bit depth and sign say (wasm output is little endian). */
export function typed(b: Uint8Array, bits: number, signed: boolean): Samples {
  const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  if (bits <= 8) return signed ? new Int8Array(ab) : new Uint8Array(ab);
  return signed ? new Int16Array(ab) : new Uint16Array(ab);
}
