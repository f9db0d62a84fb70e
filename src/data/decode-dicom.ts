/**
 * MR DICOM (Part 10) through dicom-parser, every transfer syntax in src/data/dicom's registry
 * (uncompressed, deflated, JPEG baseline/lossless, JPEG-LS, JPEG 2000, RLE), single- and
 * multi-frame (a volume: one frame is the slice, the middle one by default), classic and enhanced
 * MR (rescale and window from the shared functional groups). Monochrome, RGB and YBR_FULL become
 * gray; rescale slope/intercept, then the window centre/width from the tags (robust percentiles
 * when absent), MONOCHROME1 inverted. Patient tags are never logged or stored: the patient id only
 * leaves this file as a one-way hash used to group slices for the split.
 */
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { DataError } from './errors.js';
import { applyWindow, windowPercentiles, type Raster } from './raster.js';
import type { FrameInfo, Samples } from './dicom/codec.js';
import { declaredSize } from './dicom/declared-size.js';
import { TRANSFER_SYNTAXES, type TransferSyntax } from './dicom/transfer-syntaxes.js';

/** Largest inflated data set of a deflated DICOM file (decompression-bomb guard). */
export const MAX_INFLATED_DICOM_BYTES = 1024 * 1024 * 1024;

export interface DicomPixels {
  rows: number;
  cols: number;
  /** frames in the file */
  frames: number;
  /** the frames decoded (indices into the file's frames), in the order of `samples` */
  decoded: number[];
  samplesPerPixel: number;
  photometric: string;
  transferSyntax: string;
  /** stored values (no rescale), decoded frames one after another, samples pixel-interleaved */
  samples: Float64Array;
  slope: number;
  intercept: number;
  window: [number, number] | null;
  group?: string;
}

function parse(buf: Uint8Array, name: string): dicomParser.DataSet {
  try {
    return dicomParser.parseDicom(buf, {
      inflater: (arr: Uint8Array, pos: number) => {
        let inflated: Buffer;
        try {
          inflated = inflateRawSync(arr.subarray(pos), { maxOutputLength: MAX_INFLATED_DICOM_BYTES });
        } catch (err) {
          if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
            throw new DataError(
              name,
              'too-large',
              `deflated data set inflates beyond ${MAX_INFLATED_DICOM_BYTES} bytes`,
            );
          throw new DataError(name, 'corrupt', `deflated data set is corrupt (${(err as Error).message})`);
        }
        const full = new Uint8Array(pos + inflated.length);
        full.set(arr.subarray(0, pos));
        full.set(inflated, pos);
        return full;
      },
    } as dicomParser.ParseDicomOptions);
  } catch (err) {
    if (err instanceof DataError) throw err;
    const msg = err instanceof Error ? err.message : typeof err === 'string' ? err : 'parse error';
    throw new DataError(name, 'corrupt', `corrupt or truncated DICOM (${msg.split('\n')[0]})`);
  }
}

/** A number from the data set itself or from the first item of a shared functional group. */
function tagNumber(ds: dicomParser.DataSet, tag: string, group: string): number | undefined {
  const own = ds.floatString(tag, 0);
  if (own !== undefined) return own;
  const shared = ds.elements.x52009229?.items?.[0]?.dataSet;
  return shared?.elements[group]?.items?.[0]?.dataSet?.floatString(tag, 0);
}

function frameInfo(ds: dicomParser.DataSet, name: string, ts: string, maxPixels: number): FrameInfo {
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  if (!(rows > 0 && cols > 0))
    throw new DataError(name, 'invalid', 'DICOM has no Rows/Columns (0028,0010/0011)');
  if (rows * cols > maxPixels)
    throw new DataError(name, 'too-large', `image is ${cols}×${rows}, over the pixel limit of ${maxPixels}`);
  const spp = ds.uint16('x00280002') ?? 1;
  const photometric = (ds.string('x00280004') ?? 'MONOCHROME2').trim();
  if (!['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422'].includes(photometric))
    throw new DataError(name, 'unsupported', `unsupported: photometric interpretation ${photometric}`);
  if (spp !== (photometric.startsWith('MONO') ? 1 : 3))
    throw new DataError(name, 'unsupported', `unsupported: ${spp} samples per pixel with ${photometric}`);
  if (photometric === 'YBR_FULL_422' && !TRANSFER_SYNTAXES[ts]?.encapsulated)
    throw new DataError(
      name,
      'unsupported',
      'unsupported: uncompressed YBR_FULL_422 (chroma-subsampled) pixels',
    );
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  if (![8, 16, 32].includes(bitsAllocated))
    throw new DataError(
      name,
      'unsupported',
      `unsupported: BitsAllocated ${bitsAllocated} (8, 16 or 32 are read)`,
    );
  const bitsStored = Math.min(ds.uint16('x00280101') ?? bitsAllocated, bitsAllocated);
  return {
    rows,
    cols,
    bitsAllocated,
    bitsStored,
    signed: (ds.uint16('x00280103') ?? 0) === 1,
    samplesPerPixel: spp,
    planar: spp > 1 ? (ds.uint16('x00280006') ?? 0) : 0,
    littleEndian: ts !== '1.2.840.10008.1.2.2',
  };
}

/** One frame's encoded bytes (fragments joined; JPEG frames found without an offset table). */
function encapsulatedFrame(
  ds: dicomParser.DataSet,
  el: dicomParser.Element,
  f: number,
  frames: number,
): Uint8Array {
  const frags = el.fragments ?? [];
  if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, frags.length);
  if (el.basicOffsetTable && el.basicOffsetTable.length === frames)
    return dicomParser.readEncapsulatedImageFrame(ds, el, f);
  if (frags.length === frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, f, 1);
  return dicomParser.readEncapsulatedImageFrame(ds, el, f, dicomParser.createJPEGBasicOffsetTable(ds, el));
}

function nativeFrame(
  ds: dicomParser.DataSet,
  el: dicomParser.Element,
  f: number,
  info: FrameInfo,
  name: string,
): Uint8Array {
  const need = (info.rows * info.cols * info.samplesPerPixel * info.bitsAllocated) / 8;
  const start = el.dataOffset + f * need;
  const have = Math.min(el.length, ds.byteArray.length - el.dataOffset);
  if ((f + 1) * need > have)
    throw new DataError(
      name,
      'corrupt',
      `truncated pixel data: ${have} bytes, frame ${f + 1} needs ${(f + 1) * need}`,
    );
  return ds.byteArray.subarray(start, start + need);
}

/** A compressed frame whose own header declares the DICOM's Rows×Columns (checked before the codec allocates). */
function sizedFrame(
  frame: Uint8Array,
  ts: TransferSyntax,
  info: FrameInfo,
  f: number,
  name: string,
): Uint8Array {
  if (!ts.codec.declaresSize) return frame;
  const d = declaredSize(frame);
  if (!d)
    throw new DataError(
      name,
      'corrupt',
      `${ts.name} frame ${f + 1} has no frame header (start of frame / SIZ)`,
    );
  if (d.width !== info.cols || d.height !== info.rows)
    throw new DataError(
      name,
      'corrupt',
      `${ts.name} frame ${f + 1} declares ${d.width}×${d.height} pixels, the DICOM header ${info.cols}×${info.rows}`,
    );
  return frame;
}

/** Stored values: masked to BitsStored, sign-extended when PixelRepresentation is 1. */
function storeInto(s: Samples, info: FrameInfo, out: Float64Array, at: number, name: string): void {
  const n = info.rows * info.cols * info.samplesPerPixel;
  if (s.length < n)
    throw new DataError(name, 'corrupt', `a frame decoded to ${s.length} samples, expected ${n}`);
  const bs = info.bitsStored;
  const shift = 32 - bs;
  for (let i = 0; i < n; i++) {
    const v = s[i];
    out[at + i] = bs >= 32 ? v : info.signed ? (v << shift) >> shift : v & (2 ** bs - 1);
  }
}

/** Parses a DICOM file and decodes the requested frames (all by default) to stored values. */
export async function readDicomPixels(
  buf: Uint8Array,
  name: string,
  maxPixels: number,
  which?: (frames: number) => number[],
): Promise<DicomPixels> {
  const ds = parse(buf, name);
  const ts = (ds.string('x00020010') ?? '1.2.840.10008.1.2').trim();
  const syntax = TRANSFER_SYNTAXES[ts];
  if (!syntax) throw new DataError(name, 'unsupported', `unsupported: transfer syntax ${ts}`);
  const el = ds.elements.x7fe00010;
  if (!el) throw new DataError(name, 'invalid', 'DICOM has no pixel data (7FE0,0010)');
  const info = frameInfo(ds, name, ts, maxPixels);
  const frames = Math.max(1, Math.floor(Number(ds.string('x00280008') ?? '1')) || 1);
  const decoded = which ? which(frames) : Array.from({ length: frames }, (_, i) => i);
  const per = info.rows * info.cols * info.samplesPerPixel;
  const samples = new Float64Array(per * decoded.length);
  for (const [k, f] of decoded.entries()) {
    let s: Samples;
    try {
      s = syntax.encapsulated
        ? await syntax.codec.decode(
            sizedFrame(encapsulatedFrame(ds, el, f, frames), syntax, info, f, name),
            info,
            name,
          )
        : await syntax.codec.decode(nativeFrame(ds, el, f, info, name), info, name);
    } catch (err) {
      if (err instanceof DataError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      throw new DataError(
        name,
        'corrupt',
        `${syntax.name} frame ${f + 1} does not decode (${msg.split('\n')[0]})`,
      );
    }
    storeInto(s, info, samples, k * per, name);
  }
  const wc = tagNumber(ds, 'x00281050', 'x00289132');
  const ww = tagNumber(ds, 'x00281051', 'x00289132');
  const pid = ds.string('x00100020');
  return {
    rows: info.rows,
    cols: info.cols,
    frames,
    decoded,
    samplesPerPixel: info.samplesPerPixel,
    photometric: (ds.string('x00280004') ?? 'MONOCHROME2').trim(),
    transferSyntax: ts,
    samples,
    slope: tagNumber(ds, 'x00281053', 'x00289145') ?? 1,
    intercept: tagNumber(ds, 'x00281052', 'x00289145') ?? 0,
    window: wc !== undefined && ww !== undefined && ww > 1 ? [wc, ww] : null,
    ...(pid ? { group: 'patient:' + createHash('sha256').update(pid).digest('hex').slice(0, 12) } : {}),
  };
}

/** Modality values of one decoded frame: gray (RGB as luminance, YBR as its Y), then rescaled. */
function grayValues(p: DicomPixels): Float64Array {
  const n = p.rows * p.cols;
  const out = new Float64Array(n);
  const s = p.samples;
  const ybr = p.photometric === 'YBR_FULL';
  for (let i = 0; i < n; i++) {
    const g =
      p.samplesPerPixel === 1
        ? s[i]
        : ybr
          ? s[3 * i]
          : 0.299 * s[3 * i] + 0.587 * s[3 * i + 1] + 0.114 * s[3 * i + 2];
    out[i] = g * p.slope + p.intercept;
  }
  return out;
}

export async function decodeDicom(
  buf: Uint8Array,
  name: string,
  maxPixels: number,
  opts: { slice?: number } = {},
): Promise<Raster> {
  let z = 0;
  const p = await readDicomPixels(buf, name, maxPixels, (frames) => {
    if (opts.slice !== undefined && !(Number.isInteger(opts.slice) && opts.slice >= 0 && opts.slice < frames))
      throw new DataError(name, 'invalid', `slice ${opts.slice} is outside 0..${frames - 1}`);
    z = opts.slice ?? Math.floor(frames / 2);
    return [z];
  });
  const vals = grayValues(p);
  const [lo, hi] = p.window
    ? [p.window[0] - 0.5 - (p.window[1] - 1) / 2, p.window[0] - 0.5 + (p.window[1] - 1) / 2]
    : windowPercentiles(vals);
  const pixels = applyWindow(vals, lo, hi);
  if (p.photometric === 'MONOCHROME1') for (let i = 0; i < pixels.length; i++) pixels[i] = 1 - pixels[i];
  return {
    width: p.cols,
    height: p.rows,
    pixels,
    channels: p.samplesPerPixel,
    format: 'dicom',
    mask: null,
    box: null,
    group: p.group,
    ...(p.frames > 1 ? { slice: z, slices: p.frames } : {}),
  };
}
