/** Content sniffing: which decoder a file needs, from its first bytes (never from its extension). */
import { gunzipSync } from 'node:zlib';

export type SourceFormat = 'jpeg' | 'png' | 'dicom' | 'nifti';

const OTHER_FORMATS: [string, (b: Uint8Array) => boolean][] = [
  ['GIF', (b) => ascii(b, 0, 4) === 'GIF8'],
  ['BMP', (b) => ascii(b, 0, 2) === 'BM'],
  ['TIFF', (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*'],
  ['WebP', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP'],
  ['JPEG 2000', (b) => b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0x0c && ascii(b, 4, 4) === 'jP  '],
  ['NRRD', (b) => ascii(b, 0, 4) === 'NRRD'],
  ['PDF', (b) => ascii(b, 0, 4) === '%PDF'],
  ['ZIP', (b) => ascii(b, 0, 4) === 'PK\x03\x04'],
];

function ascii(b: Uint8Array, off: number, n: number): string {
  return String.fromCharCode(...b.subarray(off, off + n));
}

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export function isNiftiHeader(b: Uint8Array): boolean {
  if (b.length < 348) return false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = dv.getInt32(0, true);
  const be = dv.getInt32(0, false);
  if (le === 348 || be === 348) return ['n+1\0', 'ni1\0'].includes(ascii(b, 344, 4));
  if (le === 540 || be === 540) return ['n+2\0', 'ni2\0'].includes(ascii(b, 4, 4));
  return false;
}

/**
 * The format of a file's bytes, or an Error-worthy description of why it is not usable. Gzip is
 * looked into (NIfTI .nii.gz): only the first 1 KiB is inflated here.
 */
export function detectFormat(b: Uint8Array): { format: SourceFormat } | { problem: string } {
  if (b.length === 0) return { problem: 'empty file (0 bytes)' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { format: 'jpeg' };
  if (b.length >= 8 && ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n') return { format: 'png' };
  if (b.length >= 132 && ascii(b, 128, 4) === 'DICM') return { format: 'dicom' };
  if (isNiftiHeader(b)) return { format: 'nifti' };
  if (isGzip(b)) {
    let head: Uint8Array;
    try {
      head = gunzipSync(b.subarray(0, Math.min(b.length, 65536)), { finishFlush: 2 /* Z_SYNC_FLUSH */ });
    } catch {
      return { problem: 'gzip data is corrupt or truncated' };
    }
    if (isNiftiHeader(head)) return { format: 'nifti' };
    return { problem: 'gzip file does not contain a NIfTI volume' };
  }
  for (const [name, test] of OTHER_FORMATS)
    if (test(b)) return { problem: `unsupported format ${name} (supported: JPEG, PNG, DICOM, NIfTI)` };
  return { problem: 'not an image: content is not JPEG, PNG, DICOM Part 10 or NIfTI' };
}
