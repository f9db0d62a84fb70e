/**
 * Preprocessing: grayscale raster → optional brain crop (Otsu threshold + largest connected
 * component) → zero-pad to a square → resize (sharp) → optional intensity standardisation
 * (intensity.ts: percentile or histogram) → intensity normalisation (per-image z-score, or min-max
 * then ImageNet mean/std) → 3 channels. Boxes and masks follow every geometric step.
 * The resized 8-bit image is what the cache stores; `normalizeInto` turns it into the model input.
 */
import sharp from 'sharp';
import { PreprocessSchema, check } from '../config/index.js';
import { existsSync } from 'node:fs';
import { decodeBuffer, findSegmentation, readInputFile } from './decode.js';
import { decodeImageSquare, decodeMask } from './decode-image.js';
import { detectOrThrow } from './detect.js';
import { boxFileOf, maskFileOf, parseYoloBoxes } from './sidecars.js';
import { DataError } from './errors.js';
import { standardizeIntensity } from './intensity.js';
import { maskBox, type Raster } from './raster.js';
import type { Box, PreparedImage, PreprocessConfig } from './types.js';

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Preprocessing settings as defined in src/config (PreprocessSchema). */
export function validatePreprocess(cfg: PreprocessConfig, field = 'preprocess'): void {
  check(PreprocessSchema, cfg, { prefix: field });
}

function otsu(px: Float32Array): number {
  const hist = new Float64Array(256);
  for (const v of px) hist[Math.min(255, Math.max(0, Math.round(v * 255)))]++;
  const total = px.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i];
  let wB = 0,
    sumB = 0,
    best = 0,
    t = 0;
  for (let i = 0; i < 256; i++) {
    wB += hist[i];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += i * hist[i];
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) [best, t] = [between, i];
  }
  return t / 255;
}

/** Pixel rectangle [x0, y0, x1, y1) around the largest bright connected component, with a margin. */
export function brainCropRect(r: Raster): [number, number, number, number] {
  const { width: W, height: H, pixels } = r;
  const thr = Math.max(0.02, otsu(pixels) * 0.5);
  const label = new Int32Array(W * H);
  const queue = new Int32Array(W * H);
  let best = 0;
  let bestRect: [number, number, number, number] = [0, 0, W, H];
  let next = 0;
  for (let s = 0; s < W * H; s++) {
    if (label[s] || pixels[s] <= thr) continue;
    next++;
    let head = 0,
      tail = 0,
      x0 = W,
      y0 = H,
      x1 = 0,
      y1 = 0;
    queue[tail++] = s;
    label[s] = next;
    while (head < tail) {
      const p = queue[head++];
      const x = p % W;
      const y = (p - x) / W;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const nb = [x > 0 ? p - 1 : -1, x < W - 1 ? p + 1 : -1, y > 0 ? p - W : -1, y < H - 1 ? p + W : -1];
      for (const q of nb)
        if (q >= 0 && !label[q] && pixels[q] > thr) {
          label[q] = next;
          queue[tail++] = q;
        }
    }
    if (tail > best) [best, bestRect] = [tail, [x0, y0, x1 + 1, y1 + 1]];
  }
  if (best < (W * H) / 100) return [0, 0, W, H];
  const m = Math.round(0.02 * Math.max(W, H));
  return [
    Math.max(0, bestRect[0] - m),
    Math.max(0, bestRect[1] - m),
    Math.min(W, bestRect[2] + m),
    Math.min(H, bestRect[3] + m),
  ];
}

export interface Resized {
  /** S×S 8-bit grayscale after crop, pad and resize */
  u8: Uint8Array;
  mask: Uint8Array | null;
  box: Box | null;
  size: number;
  /** side of the cropped, padded square in source pixels */
  side?: number;
}

async function resizeSquare(
  src: Uint8Array,
  side: number,
  size: number,
  nearest: boolean,
): Promise<Uint8Array> {
  const { data } = await sharp(src, { raw: { width: side, height: side, channels: 1 } })
    .resize(size, size, { fit: 'fill', kernel: nearest ? 'nearest' : 'lanczos3' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, size * size);
}

/** Geometric steps: crop, pad to square, resize. */
export async function resizeRaster(r: Raster, cfg: PreprocessConfig): Promise<Resized> {
  const [cx0, cy0, cx1, cy1] = cfg.brainCrop ? brainCropRect(r) : [0, 0, r.width, r.height];
  const cw = cx1 - cx0;
  const ch = cy1 - cy0;
  const side = Math.max(cw, ch);
  const ox = Math.floor((side - cw) / 2);
  const oy = Math.floor((side - ch) / 2);
  const sq = new Uint8Array(side * side);
  const sqMask = r.mask ? new Uint8Array(side * side) : null;
  for (let y = 0; y < ch; y++)
    for (let x = 0; x < cw; x++) {
      const s = (cy0 + y) * r.width + cx0 + x;
      const d = (oy + y) * side + ox + x;
      sq[d] = Math.round(r.pixels[s] * 255);
      if (sqMask) sqMask[d] = r.mask![s] ? 255 : 0;
    }
  const u8 = await resizeSquare(sq, side, cfg.size, false);
  let mask: Uint8Array | null = null;
  if (sqMask) {
    const m = await resizeSquare(sqMask, side, cfg.size, true);
    mask = new Uint8Array(m.length);
    for (let i = 0; i < m.length; i++) mask[i] = m[i] > 127 ? 1 : 0;
  }
  let box: Box | null = null;
  if (r.box) box = mapBox(r.box, r.width, r.height, [cx0, cy0, cx1, cy1]);
  else if (mask) box = maskBox(mask, cfg.size, cfg.size);
  return { u8, mask, box, size: cfg.size, side };
}

/** A box (normalised to a W×H image) after cropping to `rect` and centring in a square. */
export function mapBox(box: Box, W: number, H: number, rect: [number, number, number, number]): Box | null {
  const [cx0, cy0, cx1, cy1] = rect;
  const side = Math.max(cx1 - cx0, cy1 - cy0);
  const ox = Math.floor((side - (cx1 - cx0)) / 2);
  const oy = Math.floor((side - (cy1 - cy0)) / 2);
  const map = (v: number, n: number, c0: number, o: number) =>
    Math.min(1, Math.max(0, (v * n - c0 + o) / side));
  const b: Box = [
    map(box[0], W, cx0, ox),
    map(box[1], H, cy0, oy),
    map(box[2], W, cx0, ox),
    map(box[3], H, cy0, oy),
  ];
  return b[2] > b[0] && b[3] > b[1] ? b : null;
}

export interface SourceOptions {
  slice?: number;
  maxPixels?: number;
  /** read sidecars (NAME.txt box, NAME.mask.png, NIfTI segmentation) beside this path */
  path?: string;
  /** box in the source image (overrides the NAME.txt sidecar), e.g. from the manifest */
  box?: Box | null;
}

/**
 * Bytes → the resized 8-bit image, box and mask. JPEG/PNG without brain crop and without a mask go
 * through one libvips pipeline (decodeImageSquare); everything else decodes to a raster first.
 */
export async function resizeSource(
  bytes: Uint8Array,
  name: string,
  cfg: PreprocessConfig,
  o: SourceOptions = {},
): Promise<Resized> {
  const det = detectOrThrow(bytes, name);
  const maskPath = o.path ? maskFileOf(o.path) : null;
  const hasMask = maskPath !== null && existsSync(maskPath);
  let box = o.box;
  if (box === undefined && o.path) {
    const boxPath = boxFileOf(o.path);
    box = existsSync(boxPath) ? parseYoloBoxes(readInputFile(boxPath).toString('utf8'), boxPath) : null;
  }
  if ((det.format === 'jpeg' || det.format === 'png') && !cfg.brainCrop && !hasMask) {
    const sq = await decodeImageSquare(bytes, name, cfg.size, o.maxPixels);
    return {
      u8: sq.u8,
      mask: null,
      box: box ? mapBox(box, sq.width, sq.height, [0, 0, sq.width, sq.height]) : null,
      size: cfg.size,
      side: Math.max(sq.width, sq.height),
    };
  }
  let segmentation;
  if (o.path && det.format === 'nifti') {
    const seg = findSegmentation(o.path);
    if (seg) segmentation = { bytes: readInputFile(seg), name: seg };
  }
  const raster = await decodeBuffer(bytes, name, { slice: o.slice, maxPixels: o.maxPixels, segmentation });
  if (hasMask) {
    raster.mask = await decodeMask(readInputFile(maskPath!), maskPath!, raster.width, raster.height);
    raster.box = maskBox(raster.mask, raster.width, raster.height);
  }
  if (box) raster.box = box;
  return resizeRaster(raster, cfg);
}

/** Model input (3×S×S) from an 8-bit S×S image (standardised first when cfg.intensity says so), written at `out[offset…]`. */
export function normalizeInto(
  out: Float32Array,
  offset: number,
  image: Uint8Array,
  cfg: PreprocessConfig,
): void {
  const u8 = standardizeIntensity(image, cfg);
  const per = u8.length;
  if (cfg.normalize === 'zscore') {
    let s = 0,
      s2 = 0;
    for (let i = 0; i < per; i++) {
      s += u8[i];
      s2 += u8[i] * u8[i];
    }
    const mean = s / per;
    const sd = Math.sqrt(Math.max(0, s2 / per - mean * mean)) || 1;
    const a = 1 / sd;
    const p0 = out.subarray(offset, offset + per);
    for (let i = 0; i < per; i++) p0[i] = (u8[i] - mean) * a;
    out.copyWithin(offset + per, offset, offset + per);
    out.copyWithin(offset + 2 * per, offset, offset + per);
  } else {
    let lo = 255,
      hi = 0;
    for (let i = 0; i < per; i++) {
      if (u8[i] < lo) lo = u8[i];
      if (u8[i] > hi) hi = u8[i];
    }
    const range = hi > lo ? hi - lo : 1;
    for (let c = 0; c < 3; c++) {
      const a = 1 / (range * IMAGENET_STD[c]);
      const b = IMAGENET_MEAN[c] / IMAGENET_STD[c];
      const o = offset + c * per;
      for (let i = 0; i < per; i++) out[o + i] = (u8[i] - lo) * a - b;
    }
  }
}

function toPrepared(z: Resized, cfg: PreprocessConfig, source: string): PreparedImage {
  const input = new Float32Array(3 * cfg.size * cfg.size);
  normalizeInto(input, 0, z.u8, cfg);
  const display = Float32Array.from(z.u8, (v) => v / 255);
  const out: PreparedImage = { input, display, size: cfg.size, box: z.box, source };
  if (z.mask) out.mask = z.mask;
  if (z.side) out.sourceSide = z.side;
  return out;
}

export async function prepareRaster(
  r: Raster,
  cfg: PreprocessConfig,
  source: string,
): Promise<PreparedImage> {
  validatePreprocess(cfg);
  return toPrepared(await resizeRaster(r, cfg), cfg, source);
}

/** Decode (type from content) and preprocess a file; box from NAME.txt / mask / segmentation beside it. */
export async function preprocessFile(
  path: string,
  cfg: PreprocessConfig,
  opts: { slice?: number; maxPixels?: number } = {},
): Promise<PreparedImage> {
  validatePreprocess(cfg);
  const bytes = readInputFile(path);
  return toPrepared(await resizeSource(bytes, path, cfg, { ...opts, path }), cfg, path);
}

export async function preprocessBuffer(
  buf: Uint8Array,
  name: string,
  cfg: PreprocessConfig,
  opts: { slice?: number; maxPixels?: number } = {},
): Promise<PreparedImage> {
  validatePreprocess(cfg);
  if (!(buf instanceof Uint8Array))
    throw new DataError(name, 'invalid', 'expected the file bytes as a Uint8Array');
  return toPrepared(await resizeSource(buf, name, cfg, opts), cfg, name);
}
