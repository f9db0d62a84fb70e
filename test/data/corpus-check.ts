/**
 * Checks one file of the real-world corpus (scripts/build-corpus.sh) against its writer's own
 * decode: DICOM stored values of every frame, NIfTI scaled voxels. Shared by the corpus test and
 * bench/data/corpus.ts (the BENCHMARKS.md table).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DataError,
  DEFAULT_MAX_PIXELS,
  decodeBuffer,
  readDicomPixels,
  readVolume,
} from '../../src/data/index.js';

export interface CorpusEntry {
  file: string;
  kind: 'dicom' | 'nifti';
  writer: string;
  expect: 'decode' | 'unsupported';
  note: string;
  transferSyntax?: string;
  frames?: number;
  rows?: number;
  cols?: number;
  photometric?: string;
  samplesPerPixel?: number;
  datatype?: string;
  lossy?: boolean;
  refDtype?: string;
}

export interface CorpusResult {
  entry: CorpusEntry;
  /** 'exact': every value equal; 'close': lossy, max |Δ| reported; 'error': a DataError */
  outcome: 'exact' | 'close' | 'mismatch' | 'error';
  maxDiff?: number;
  values?: number;
  error?: string;
  code?: string;
}

export interface Corpus {
  source: string;
  tools: Record<string, string>;
  entries: CorpusEntry[];
}

export const readCorpus = (dir: string): Corpus =>
  JSON.parse(readFileSync(join(dir, 'corpus.json'), 'utf8')) as Corpus;

function readRef(path: string, dtype: string): Float64Array {
  const b = readFileSync(path);
  const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  const T = { u1: Uint8Array, '<u2': Uint16Array, '<i2': Int16Array, '<i4': Int32Array, '<f8': Float64Array }[
    dtype
  ];
  if (!T) throw new Error(`${path}: unknown reference dtype ${dtype}`);
  return Float64Array.from(new T(ab));
}

/** Lossy JPEG decoders may round an IDCT differently by a grey level; anything else must be exact. */
export const LOSSY_TOLERANCE = 1;

export async function checkEntry(dir: string, e: CorpusEntry): Promise<CorpusResult> {
  const bytes = readFileSync(join(dir, e.file));
  let got: Float64Array;
  try {
    if (e.kind === 'dicom') {
      got = (await readDicomPixels(bytes, e.file, DEFAULT_MAX_PIXELS)).samples;
      await decodeBuffer(bytes, e.file); // the raster path too (gray, window)
    } else {
      got = readVolume(bytes, e.file, DEFAULT_MAX_PIXELS).data;
      await decodeBuffer(bytes, e.file);
    }
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    return { entry: e, outcome: 'error', error: err.message, code: err.code };
  }
  const ref = readRef(join(dir, e.file + '.ref'), e.refDtype ?? '<f8');
  if (ref.length !== got.length)
    return { entry: e, outcome: 'mismatch', values: got.length, maxDiff: Infinity };
  let maxDiff = 0;
  for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref[i] - got[i]));
  const lossy = e.lossy || /jpeg-lossy|baseline|extended|near-lossless|2000-lossy/.test(e.file);
  return {
    entry: e,
    outcome: maxDiff === 0 ? 'exact' : lossy && maxDiff <= LOSSY_TOLERANCE ? 'close' : 'mismatch',
    maxDiff,
    values: ref.length,
  };
}
