/**
 * The upload guard in front of src/data's decoders: type from content (415 for anything that is not
 * JPEG, PNG, DICOM or NIfTI, whatever the name says), gzip inflated by zlib with an output cap (a
 * gzip bomb stops at the limit, 413), then src/data's decodeBuffer with the pixel limit (413 before
 * any pixel is decoded). DataErrors become 400 / 413 / 415 with the file named. src/data reads only
 * the pixel and geometry tags of a DICOM file (patient tags are never logged or kept).
 */
import { DataError, decodeBuffer, gunzipCapped as inflateCapped, type Raster } from '../data/index.js';
import { HttpError } from './errors.js';
import { sniffUpload, type UploadKind } from './sniff.js';

export interface DecodeLimits {
  /** largest width×height of one slice */
  maxPixels: number;
  /** largest inflated size of a gzip NIfTI, in bytes */
  maxVolumeBytes: number;
}

export interface DecodedUpload {
  kind: UploadKind;
  raster: Raster;
  /** slices in the file (1 for JPEG / PNG / DICOM) */
  slices: number;
  slice: number;
}

/** src/data's capped gzip inflation, its DataError as an HttpError (413 past the cap, else 400). */
export function gunzipCapped(buf: Uint8Array, name: string, max: number): Buffer {
  try {
    return inflateCapped(buf, name, max);
  } catch (err) {
    if (err instanceof DataError) throw new HttpError(statusOf(err.problem), err.message);
    throw err;
  }
}

function statusOf(problem: string): number {
  if (/over the (pixel )?limit|decompression[ -]bomb/i.test(problem)) return 413;
  if (/not supported|unsupported/i.test(problem)) return 415;
  return 400;
}

/** Detects the type from content and decodes one slice, or throws an HttpError (400 / 413 / 415). */
export async function decodeUpload(
  buf: Uint8Array,
  name: string,
  lim: DecodeLimits,
  opts: { slice?: number } = {},
): Promise<DecodedUpload> {
  if (buf.length === 0) throw new HttpError(400, `${name}: empty upload`);
  const kind = sniffUpload(buf);
  if (!kind)
    throw new HttpError(
      415,
      `${name}: unsupported content (not JPEG, PNG, DICOM or NIfTI by its bytes; the file name is not trusted)`,
    );
  const bytes = kind === 'nifti-gz' ? gunzipCapped(buf, name, lim.maxVolumeBytes) : buf;
  if (kind === 'nifti-gz' && sniffUpload(bytes) !== 'nifti')
    throw new HttpError(415, `${name}: gzip content is not a NIfTI volume`);
  if (opts.slice !== undefined && !kind.startsWith('nifti') && opts.slice !== 0)
    throw new HttpError(400, `${name}: slice ${opts.slice} is out of range (a ${kind} upload has one slice)`);
  let raster: Raster;
  try {
    raster = await decodeBuffer(bytes, name, { slice: opts.slice, maxPixels: lim.maxPixels });
  } catch (err) {
    if (err instanceof DataError) throw new HttpError(statusOf(err.problem), err.message);
    throw new HttpError(400, `${name}: ${(err as Error).message}`);
  }
  return { kind, raster, slices: raster.slices ?? 1, slice: raster.slice ?? 0 };
}
