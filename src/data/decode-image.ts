/** JPEG and PNG through sharp: header check against the pixel limit first, then a grayscale decode. */
import sharp from 'sharp';
import { DataError } from './errors.js';
import type { Raster } from './raster.js';
import type { SourceFormat } from './detect.js';

/** Default cap on width×height of any input (decompression-bomb guard): 64 megapixels. */
export const DEFAULT_MAX_PIXELS = 64 * 1024 * 1024;

sharp.cache(false);

/** A libvips failure as a DataError: over the pixel limit (too-large), else corrupt data. */
function libvipsError(name: string, err: unknown, prefix = ''): DataError {
  const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (/pixel limit/i.test(msg))
    return new DataError(name, 'too-large', `${prefix}image exceeds the pixel limit (${msg})`);
  return new DataError(name, 'corrupt', `${prefix}corrupt or truncated image data (${msg})`);
}

async function checkedMetadata(buf: Uint8Array, name: string, maxPixels: number): Promise<sharp.Metadata> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw libvipsError(name, err);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!(width > 0 && height > 0))
    throw new DataError(name, 'corrupt', 'image has no width or height in its header');
  if (width * height > maxPixels)
    throw new DataError(
      name,
      'too-large',
      `image is ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels} (decompression bomb guard)`,
    );
  return meta;
}

async function grayRaw(
  buf: Uint8Array,
  name: string,
  meta: sharp.Metadata,
  maxPixels: number,
  square?: number,
): Promise<{ data: Buffer; info: sharp.OutputInfo }> {
  try {
    let img = sharp(buf, { limitInputPixels: maxPixels, failOn: 'warning' });
    if (meta.hasAlpha) img = img.flatten({ background: '#000000' });
    img = img.greyscale();
    if (square)
      img = img.resize(square, square, {
        fit: 'contain',
        background: { r: 0, g: 0, b: 0, alpha: 1 },
        kernel: 'lanczos3',
      });
    return await img.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw libvipsError(name, err);
  }
}

export async function decodeImage(
  buf: Uint8Array,
  name: string,
  format: SourceFormat,
  maxPixels = DEFAULT_MAX_PIXELS,
): Promise<Raster> {
  const meta = await checkedMetadata(buf, name, maxPixels);
  const { width, height } = meta as { width: number; height: number };
  const { data, info } = await grayRaw(buf, name, meta, maxPixels);
  if (info.width !== width || info.height !== height || info.channels !== 1)
    throw new DataError(
      name,
      'corrupt',
      `decoder returned ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×1`,
    );
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[i] / 255;
  return { width, height, pixels, channels: meta.channels ?? 1, format, mask: null, box: null };
}

/**
 * The fast path for JPEG/PNG without brain crop or mask: one libvips pipeline decodes (with JPEG
 * shrink-on-load), converts to gray, pads to a square (centred, black) and resizes to size×size.
 */
export async function decodeImageSquare(
  buf: Uint8Array,
  name: string,
  size: number,
  maxPixels = DEFAULT_MAX_PIXELS,
): Promise<{ u8: Uint8Array; width: number; height: number }> {
  const meta = await checkedMetadata(buf, name, maxPixels);
  const { data, info } = await grayRaw(buf, name, meta, maxPixels, size);
  if (info.width !== size || info.height !== size || info.channels !== 1)
    throw new DataError(
      name,
      'corrupt',
      `decoder returned ${info.width}×${info.height}×${info.channels}, expected ${size}×${size}×1`,
    );
  return {
    u8: new Uint8Array(data.buffer, data.byteOffset, size * size),
    width: meta.width!,
    height: meta.height!,
  };
}

/** A PNG/JPEG mask beside an image: non-zero pixels are tumor. Must match the image size. */
export async function decodeMask(
  buf: Uint8Array,
  name: string,
  width: number,
  height: number,
): Promise<Uint8Array> {
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    out = await sharp(buf, { limitInputPixels: width * height + 1 })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw libvipsError(name, err, 'mask: ');
  }
  if (out.info.width !== width || out.info.height !== height)
    throw new DataError(
      name,
      'invalid',
      `mask is ${out.info.width}×${out.info.height}, image is ${width}×${height}`,
    );
  const m = new Uint8Array(width * height);
  for (let i = 0; i < m.length; i++) m[i] = out.data[i] > 127 ? 1 : 0;
  return m;
}
