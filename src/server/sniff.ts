/**
 * Upload type from content, never from the file name: JPEG and PNG signatures, the DICOM Part 10
 * preamble ("DICM" at byte 128), NIfTI-1/2 headers (optionally gzip-compressed).
 */
export type UploadKind = 'jpeg' | 'png' | 'dicom' | 'nifti' | 'nifti-gz';

const startsWith = (buf: Uint8Array, sig: number[], at = 0) =>
  buf.length >= at + sig.length && sig.every((b, i) => buf[at + i] === b);

/** True when the (uncompressed) bytes open with a NIfTI-1 or NIfTI-2 header in either byte order. */
export function isNiftiHeader(buf: Uint8Array): boolean {
  if (buf.length < 348) return false;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const le = dv.getInt32(0, true);
  const be = dv.getInt32(0, false);
  const ascii = (at: number, n: number) => String.fromCharCode(...buf.subarray(at, at + n));
  if ((le === 348 || be === 348) && /^n(\+|i)1\0$/.test(ascii(344, 4))) return true;
  return (le === 540 || be === 540) && buf.length >= 540 && /^n(\+|i)2\0$/.test(ascii(4, 4));
}

export function sniffUpload(buf: Uint8Array): UploadKind | null {
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(buf, [0x44, 0x49, 0x43, 0x4d], 128)) return 'dicom';
  if (startsWith(buf, [0x1f, 0x8b])) return 'nifti-gz';
  if (isNiftiHeader(buf)) return 'nifti';
  return null;
}
