/**
 * The upload guard in front of src/data's decoders: type from content through src/data's one
 * detector (415 for anything that is not JPEG, PNG, DICOM or NIfTI, whatever the name says), gzip
 * inflated by zlib with an output cap (a gzip bomb stops at the limit, 413), then src/data's
 * decodeBuffer with the pixel limit (413 before any pixel is decoded). DataErrors become HTTP
 * statuses through their code (errors.ts), with the file named. src/data reads only the pixel and
 * geometry tags of a DICOM file (patient tags are never logged or kept).
 */
import {
  DataError,
  decodeBuffer,
  detectOrThrow,
  gunzipCapped as inflateCapped,
  type Raster,
  type SourceFormat,
} from '../data/index.js';
import { HttpError, httpErrorOf } from './errors.js';

/** What an upload is, by its bytes: a src/data format, gzip-compressed NIfTI told apart. */
export type UploadKind = SourceFormat | 'nifti-gz';

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

/** The kind of an upload from its bytes, or a DataError naming it (src/data's detector). */
export function uploadKind(buf: Uint8Array, name: string): UploadKind {
  const det = detectOrThrow(buf, name);
  return det.gzip ? 'nifti-gz' : det.format;
}

/** src/data's capped gzip inflation, its DataError as an HttpError (413 past the cap, else 400). */
export function gunzipCapped(buf: Uint8Array, name: string, max: number): Buffer {
  try {
    return inflateCapped(buf, name, max);
  } catch (err) {
    throw httpErrorOf(err);
  }
}

/** Detects the type from content and decodes one slice, or throws an HttpError (400 / 413 / 415). */
export async function decodeUpload(
  buf: Uint8Array,
  name: string,
  lim: DecodeLimits,
  opts: { slice?: number } = {},
): Promise<DecodedUpload> {
  try {
    const kind = uploadKind(buf, name);
    const bytes = kind === 'nifti-gz' ? inflateCapped(buf, name, lim.maxVolumeBytes) : buf;
    if (opts.slice !== undefined && (kind === 'jpeg' || kind === 'png') && opts.slice !== 0)
      throw new DataError(
        name,
        'invalid',
        `slice ${opts.slice} is out of range (a ${kind} upload has one slice)`,
      );
    const raster = await decodeBuffer(bytes, name, { slice: opts.slice, maxPixels: lim.maxPixels });
    return { kind, raster, slices: raster.slices ?? 1, slice: raster.slice ?? 0 };
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const e = httpErrorOf(err);
    throw e instanceof HttpError ? e : new HttpError(400, `${name}: ${(e as Error).message}`);
  }
}
