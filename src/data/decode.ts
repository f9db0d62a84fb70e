/**
 * From bytes or a path to a Raster: content sniffing, the right decoder, and (for paths) the
 * sidecars beside the file: YOLO box NAME.txt, mask NAME.mask.png, NIfTI segmentation.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { detectOrThrow } from './detect.js';
import { DEFAULT_MAX_PIXELS, decodeImage, decodeMask } from './decode-image.js';
import { decodeDicom } from './decode-dicom.js';
import { decodeNifti } from './decode-nifti.js';
import { DataError } from './errors.js';
import { maskBox, type Raster } from './raster.js';
import { boxFileOf, maskFileOf, parseYoloBoxes, stemOf } from './sidecars.js';

export interface DecodeOptions {
  /** slice of a volume (NIfTI); default: largest tumor area with a segmentation, else the middle */
  slice?: number;
  /** cap on width×height (decompression-bomb guard) */
  maxPixels?: number;
  /** a NIfTI segmentation volume on the same grid */
  segmentation?: { bytes: Uint8Array; name: string };
}

/** Largest file qmri reads (a .nii.gz of 1 GiB would be far beyond any MRI slice set). */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export async function decodeBuffer(buf: Uint8Array, name: string, opts: DecodeOptions = {}): Promise<Raster> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const det = detectOrThrow(buf, name);
  switch (det.format) {
    case 'jpeg':
    case 'png':
      return decodeImage(buf, name, det.format, maxPixels);
    case 'dicom':
      return decodeDicom(buf, name, maxPixels, { slice: opts.slice });
    case 'nifti':
      return decodeNifti(buf, name, maxPixels, { slice: opts.slice, segmentation: opts.segmentation });
  }
}

export function readInputFile(path: string): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new DataError(path, 'unreadable', 'not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(
      path,
      'unreadable',
      `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (size > MAX_FILE_BYTES)
    throw new DataError(path, 'too-large', `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
  return readFileSync(path);
}

export const isNiftiName = (f: string): boolean => /\.nii(\.gz)?$/i.test(f);
export const isSegmentationName = (f: string): boolean =>
  isNiftiName(f) && /(^|[_\-.])(seg|mask|label)s?([_\-.]|$)/i.test(stemOf(basename(f)));

/** The segmentation volume beside a NIfTI volume: NAME_seg.nii(.gz), or the only *seg* volume in the folder. */
export function findSegmentation(path: string): string | null {
  const dir = dirname(path);
  const stem = stemOf(basename(path));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  const segs = names.filter((n) => isSegmentationName(n));
  const own = segs.find(
    (n) =>
      stemOf(n)
        .toLowerCase()
        .startsWith(stem.toLowerCase() + '_') ||
      stemOf(n)
        .toLowerCase()
        .startsWith(stem.toLowerCase() + '-'),
  );
  if (own) return join(dir, own);
  const vols = names.filter((n) => isNiftiName(n) && !isSegmentationName(n));
  return segs.length === 1 && vols.length >= 1 && !isSegmentationName(path) ? join(dir, segs[0]) : null;
}

/** Decode a file with its sidecars. Box from NAME.txt, else from the mask (NAME.mask.png or segmentation). */
export async function decodeFile(
  path: string,
  opts: DecodeOptions = {},
): Promise<{ raster: Raster; bytes: Buffer }> {
  const bytes = readInputFile(path);
  let segmentation = opts.segmentation;
  if (!segmentation && isNiftiName(path)) {
    const seg = findSegmentation(path);
    if (seg) segmentation = { bytes: readInputFile(seg), name: seg };
  }
  const raster = await decodeBuffer(bytes, path, { ...opts, segmentation });
  const maskPath = maskFileOf(path);
  if (!raster.mask && existsSync(maskPath)) {
    raster.mask = await decodeMask(readInputFile(maskPath), maskPath, raster.width, raster.height);
    raster.box = maskBox(raster.mask, raster.width, raster.height);
  }
  const boxPath = boxFileOf(path);
  if (existsSync(boxPath)) {
    const box = parseYoloBoxes(readInputFile(boxPath).toString('utf8'), boxPath);
    if (box) raster.box = box;
  }
  return { raster, bytes };
}
