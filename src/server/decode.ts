/**
 * Upload decoding with limits checked from headers before any pixel is decoded: JPEG / PNG through
 * sharp, DICOM through dicom-parser (uncompressed transfer syntaxes; patient tags are never read,
 * logged or kept: only the pixel module is touched), NIfTI through nifti-reader-js (gzip inflated
 * by zlib with an output cap, so a gzip bomb stops at the limit). Output: one grayscale slice in
 * [0, 1] at the file's own resolution; the caller resizes it to the model's input.
 */
import { gunzipSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import * as nifti from 'nifti-reader-js';
import sharp from 'sharp';
import { HttpError } from './errors.js';
import { sniffUpload, type UploadKind } from './sniff.js';

export interface DecodeLimits {
  /** largest width×height of one slice */
  maxPixels: number;
  /** largest decompressed size of a gzip NIfTI, and largest voxel data of a volume, in bytes */
  maxVolumeBytes: number;
}

export interface DecodedSlice {
  kind: UploadKind;
  /** width×height grayscale, row-major, in [0, 1] */
  gray: Float32Array;
  width: number;
  height: number;
  /** slices in the file (1 for JPEG / PNG / single-frame DICOM) */
  slices: number;
  slice: number;
}

const bad = (name: string, what: string) => new HttpError(400, `${name}: ${what}`);

function checkPixels(name: string, w: number, h: number, lim: DecodeLimits): void {
  if (!(w >= 1 && h >= 1)) throw bad(name, `image has no pixels (${w}×${h})`);
  if (w * h > lim.maxPixels)
    throw new HttpError(
      413,
      `${name}: image is ${w}×${h} = ${w * h} pixels, above the limit of ${lim.maxPixels} (decompression-bomb guard)`,
    );
}

/** Maps values to [0, 1] between the 1st and 99th percentile (robust to hot pixels). */
export function windowToUnit(v: Float32Array | Float64Array): Float32Array {
  const n = v.length;
  const sorted = Float32Array.from(v).sort();
  const lo = sorted[Math.floor(0.01 * (n - 1))];
  let hi = sorted[Math.ceil(0.99 * (n - 1))];
  if (!(hi > lo)) hi = sorted[n - 1];
  const out = new Float32Array(n);
  if (!(hi > lo)) return out;
  for (let i = 0; i < n; i++) out[i] = Math.min(1, Math.max(0, (v[i] - lo) / (hi - lo)));
  return out;
}

async function decodeRaster(buf: Uint8Array, name: string, kind: UploadKind, lim: DecodeLimits) {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw bad(name, `not a readable ${kind.toUpperCase()} image (${(err as Error).message})`);
  }
  checkPixels(name, meta.width ?? 0, meta.height ?? 0, lim);
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    out = await sharp(buf, { limitInputPixels: lim.maxPixels, failOn: 'truncated' })
      .flatten({ background: '#000000' })
      .grayscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw bad(name, `corrupt or truncated ${kind.toUpperCase()} image (${(err as Error).message})`);
  }
  const { width, height, channels } = out.info;
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = out.data[i * channels] / 255;
  return { gray, width, height, slices: 1, slice: 0 };
}

const UNCOMPRESSED_DICOM = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);

function decodeDicom(buf: Uint8Array, name: string, lim: DecodeLimits, slice?: number) {
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(buf);
  } catch (err) {
    const msg = typeof err === 'string' ? err : ((err as Error).message ?? 'parse error');
    throw bad(name, `not a readable DICOM file (${msg.split('\n')[0]})`);
  }
  const ts = (ds.string('x00020010') ?? '').replace(/\0/g, '').trim();
  if (ts && !UNCOMPRESSED_DICOM.has(ts))
    throw new HttpError(415, `${name}: DICOM transfer syntax ${ts} (compressed) is not supported`);
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  const bits = ds.uint16('x00280100') ?? 0;
  const signed = ds.uint16('x00280103') === 1;
  const spp = ds.uint16('x00280002') ?? 1;
  const frames = Math.max(1, parseInt(ds.string('x00280008') ?? '1', 10) || 1);
  checkPixels(name, cols, rows, lim);
  if (spp !== 1) throw new HttpError(415, `${name}: DICOM with ${spp} samples per pixel is not supported`);
  if (bits !== 8 && bits !== 16) throw new HttpError(415, `${name}: DICOM with ${bits} bits allocated`);
  const px = ds.elements['x7fe00010'];
  const bytes = bits / 8;
  const frameBytes = rows * cols * bytes;
  if (!px) throw bad(name, 'DICOM file has no pixel data');
  if (px.length < frameBytes * frames || px.dataOffset + frameBytes * frames > buf.length)
    throw bad(
      name,
      `DICOM pixel data is truncated (${px.length} bytes for ${frames}×${rows}×${cols}×${bytes})`,
    );
  const k = pickSlice(name, slice, frames);
  const dv = new DataView(buf.buffer, buf.byteOffset + px.dataOffset + k * frameBytes, frameBytes);
  const little = ts !== '1.2.840.10008.1.2.2';
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  const v = new Float32Array(rows * cols);
  for (let i = 0; i < v.length; i++) {
    const raw =
      bits === 8
        ? signed
          ? dv.getInt8(i)
          : dv.getUint8(i)
        : signed
          ? dv.getInt16(2 * i, little)
          : dv.getUint16(2 * i, little);
    v[i] = raw * slope + intercept;
  }
  return { gray: windowToUnit(v), width: cols, height: rows, slices: frames, slice: k };
}

function pickSlice(name: string, slice: number | undefined, n: number): number {
  if (slice === undefined) return Math.floor(n / 2);
  if (!Number.isInteger(slice) || slice < 0 || slice >= n)
    throw bad(name, `slice ${slice} is out of range (the file has ${n} slices: 0..${n - 1})`);
  return slice;
}

const NIFTI_TYPES: Record<number, [number, (dv: DataView, o: number, le: boolean) => number]> = {
  2: [1, (d, o) => d.getUint8(o)],
  4: [2, (d, o, le) => d.getInt16(o, le)],
  8: [4, (d, o, le) => d.getInt32(o, le)],
  16: [4, (d, o, le) => d.getFloat32(o, le)],
  64: [8, (d, o, le) => d.getFloat64(o, le)],
  256: [1, (d, o) => d.getInt8(o)],
  512: [2, (d, o, le) => d.getUint16(o, le)],
  768: [4, (d, o, le) => d.getUint32(o, le)],
};

/** Header of a NIfTI upload (inflating gzip under the byte cap): dims and the inflated bytes. */
export function readNifti(buf: Uint8Array, name: string, lim: DecodeLimits) {
  let raw = buf;
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      raw = gunzipSync(buf, { maxOutputLength: lim.maxVolumeBytes + 352 });
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        throw new HttpError(
          413,
          `${name}: gzip data inflates beyond ${lim.maxVolumeBytes} bytes (decompression-bomb guard)`,
        );
      throw bad(name, `corrupt gzip data (${(err as Error).message})`);
    }
  }
  const ab = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
  if (!nifti.isNIFTI(ab)) throw new HttpError(415, `${name}: gzip content is not a NIfTI volume`);
  let hdr: ReturnType<typeof nifti.readHeader>;
  try {
    hdr = nifti.readHeader(ab);
  } catch (err) {
    throw bad(name, `unreadable NIfTI header (${(err as Error).message})`);
  }
  const [ndim, nx, ny, nz = 1] = hdr.dims;
  const slices = ndim >= 3 ? Math.max(1, nz) : 1;
  return { hdr, ab, nx, ny, slices };
}

function decodeNifti(buf: Uint8Array, name: string, lim: DecodeLimits, slice?: number) {
  const { hdr, ab, nx, ny, slices } = readNifti(buf, name, lim);
  checkPixels(name, nx, ny, lim);
  const type = NIFTI_TYPES[hdr.datatypeCode];
  if (!type) throw new HttpError(415, `${name}: NIfTI datatype ${hdr.datatypeCode} is not supported`);
  const [bytes, read] = type;
  const need = nx * ny * slices * bytes;
  if (need > lim.maxVolumeBytes)
    throw new HttpError(
      413,
      `${name}: NIfTI volume needs ${need} bytes, above the limit of ${lim.maxVolumeBytes}`,
    );
  const off = Math.floor(hdr.vox_offset);
  if (off + need > ab.byteLength)
    throw bad(name, `NIfTI voxel data is truncated (${ab.byteLength - off} bytes, need ${need})`);
  const k = pickSlice(name, slice, slices);
  const dv = new DataView(ab, off + k * nx * ny * bytes, nx * ny * bytes);
  const slope = hdr.scl_slope || 1;
  const inter = hdr.scl_inter || 0;
  const v = new Float32Array(nx * ny);
  // NIfTI rows run from inferior/posterior upwards: flip so the first image row is the top
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++)
      v[(ny - 1 - y) * nx + x] = read(dv, (y * nx + x) * bytes, hdr.littleEndian) * slope + inter;
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) v[i] = 0;
  return { gray: windowToUnit(v), width: nx, height: ny, slices, slice: k };
}

/** Detects the type from content and decodes one slice, or throws an HttpError (400 / 413 / 415). */
export async function decodeUpload(
  buf: Uint8Array,
  name: string,
  lim: DecodeLimits,
  opts: { slice?: number } = {},
): Promise<DecodedSlice> {
  if (buf.length === 0) throw bad(name, 'empty upload');
  const kind = sniffUpload(buf);
  if (!kind)
    throw new HttpError(
      415,
      `${name}: unsupported content (not JPEG, PNG, DICOM or NIfTI by its bytes; the file name is not trusted)`,
    );
  if (kind === 'jpeg' || kind === 'png') {
    if (opts.slice !== undefined && opts.slice !== 0) throw bad(name, `a ${kind} image has one slice`);
    return { kind, ...(await decodeRaster(buf, name, kind, lim)) };
  }
  if (kind === 'dicom') return { kind, ...decodeDicom(buf, name, lim, opts.slice) };
  return { kind, ...decodeNifti(buf, name, lim, opts.slice) };
}
