/**
 * The one format detector: which decoder a file's bytes need, from their signature (never from
 * the file name). Loaders, the dataset scan and the server all ask here. Every known signature is
 * one row of SIGNATURES: a format qmri decodes names its decoder, a format it recognises but does
 * not read has `format: null` and becomes an "unsupported format" error. Gzip is looked into (a
 * NIfTI .nii.gz): only the first few KiB are inflated here.
 */
import { gunzipSync } from 'node:zlib';
import { DataError, type DataErrorCode } from './errors.js';

export type SourceFormat = 'jpeg' | 'png' | 'dicom' | 'nifti';

export interface Signature {
  name: string;
  /** the decoder it selects; null: recognised, not decoded */
  format: SourceFormat | null;
  test: (b: Uint8Array) => boolean;
}

function ascii(b: Uint8Array, off: number, n: number): string {
  return String.fromCharCode(...b.subarray(off, off + n));
}

const startsWith = (b: Uint8Array, sig: number[], at = 0): boolean =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);

export function isGzip(b: Uint8Array): boolean {
  return startsWith(b, [0x1f, 0x8b]);
}

/** True when the (uncompressed) bytes open with a NIfTI-1 or NIfTI-2 header in either byte order. */
export function isNiftiHeader(b: Uint8Array): boolean {
  if (b.length < 348) return false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = dv.getInt32(0, true);
  const be = dv.getInt32(0, false);
  if (le === 348 || be === 348) return ['n+1\0', 'ni1\0'].includes(ascii(b, 344, 4));
  if (le === 540 || be === 540) return b.length >= 540 && ['n+2\0', 'ni2\0'].includes(ascii(b, 4, 4));
  return false;
}

/** A NIfTI header of a single-file volume (magic n+1 / n+2), not the header half of a .hdr/.img pair. */
export function isSingleFileNifti(b: Uint8Array): boolean {
  if (!isNiftiHeader(b)) return false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const v1 = dv.getInt32(0, true) === 348 || dv.getInt32(0, false) === 348;
  return b[v1 ? 345 : 5] === 0x2b; // '+'
}

export const SIGNATURES: readonly Signature[] = [
  { name: 'JPEG', format: 'jpeg', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  {
    name: 'PNG',
    format: 'png',
    test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { name: 'DICOM Part 10', format: 'dicom', test: (b) => b.length >= 132 && ascii(b, 128, 4) === 'DICM' },
  { name: 'NIfTI', format: 'nifti', test: isNiftiHeader },
  { name: 'GIF', format: null, test: (b) => ascii(b, 0, 4) === 'GIF8' },
  { name: 'BMP', format: null, test: (b) => ascii(b, 0, 2) === 'BM' },
  { name: 'TIFF', format: null, test: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' },
  { name: 'WebP', format: null, test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP' },
  {
    name: 'JPEG 2000',
    format: null,
    test: (b) => startsWith(b, [0, 0, 0, 0x0c]) && ascii(b, 4, 4) === 'jP  ',
  },
  { name: 'NRRD', format: null, test: (b) => ascii(b, 0, 4) === 'NRRD' },
  { name: 'PDF', format: null, test: (b) => ascii(b, 0, 4) === '%PDF' },
  { name: 'ZIP', format: null, test: (b) => ascii(b, 0, 4) === 'PK\x03\x04' },
];

const SUPPORTED = 'JPEG, PNG, DICOM, NIfTI';

export type Detection = { format: SourceFormat; gzip: boolean } | { code: DataErrorCode; problem: string };

/** Gzip input looked at to find the NIfTI header (at most ~4 MiB inflated, whatever the ratio). */
const GZIP_PEEK_BYTES = 4096;

/** The format of a file's bytes, or the code and words of why it is not usable. */
export function detectFormat(b: Uint8Array): Detection {
  if (b.length === 0) return { code: 'empty', problem: 'empty file (0 bytes)' };
  const sig = SIGNATURES.find((s) => s.test(b));
  if (sig?.format) return { format: sig.format, gzip: false };
  if (sig)
    return { code: 'unsupported', problem: `unsupported format ${sig.name} (supported: ${SUPPORTED})` };
  if (isGzip(b)) {
    let head: Uint8Array;
    try {
      head = gunzipSync(b.subarray(0, Math.min(b.length, GZIP_PEEK_BYTES)), {
        finishFlush: 2 /* Z_SYNC_FLUSH */,
      });
    } catch {
      return { code: 'corrupt', problem: 'gzip data is corrupt or truncated' };
    }
    if (isNiftiHeader(head)) return { format: 'nifti', gzip: true };
    return { code: 'unsupported', problem: 'gzip content is not a NIfTI volume' };
  }
  return { code: 'not-image', problem: 'not an image: content is not JPEG, PNG, DICOM Part 10 or NIfTI' };
}

/** detectFormat, with a DataError naming the file when the bytes are not usable. */
export function detectOrThrow(b: Uint8Array, name: string): { format: SourceFormat; gzip: boolean } {
  const det = detectFormat(b);
  if ('problem' in det) throw new DataError(name, det.code, det.problem);
  return det;
}
