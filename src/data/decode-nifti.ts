/**
 * NIfTI-1/2 volumes (.nii, .nii.gz) through nifti-reader-js: one axial slice (z fixed, rows from
 * anterior to posterior) windowed to [0, 1] by robust percentiles. With a segmentation volume of the
 * same grid (BraTS layout) the slice with the largest tumor area is taken and its mask gives the box;
 * without one, the middle slice (or the requested one).
 */
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { isGzip, isSingleFileNifti } from './detect.js';
import { DataError } from './errors.js';
import { applyWindow, maskBox, windowPercentiles, type Raster } from './raster.js';

/** NIfTI-1 datatype codes nifti-reader-js has no constant for, and names for the refused ones. */
const TYPE_INT64 = 1024;
const TYPE_UINT64 = 1280;
const NIFTI_TYPE_NAMES: Record<number, string> = {
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'RGB24',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
};

/** Bytes per voxel of the datatypes read; bitpix must agree (the voxels are read by datatype). */
const DATATYPE_BYTES: Record<number, number> = {
  2: 1,
  256: 1,
  4: 2,
  512: 2,
  8: 4,
  768: 4,
  16: 4,
  64: 8,
  1024: 8,
  1280: 8,
};

function voxelBytes(header: nifti.NIFTI1 | nifti.NIFTI2, name: string): number {
  const code = header.datatypeCode;
  const bytes = DATATYPE_BYTES[code];
  if (bytes === undefined)
    throw new DataError(
      name,
      'unsupported',
      `unsupported: NIfTI datatype ${NIFTI_TYPE_NAMES[code] ?? 'code ' + code} (integer and float voxels are read)`,
    );
  if (header.numBitsPerVoxel !== bytes * 8)
    throw new DataError(
      name,
      'corrupt',
      `bitpix ${header.numBitsPerVoxel} disagrees with datatype code ${code} (${bytes * 8} bits per voxel)`,
    );
  return bytes;
}

interface Volume {
  nx: number;
  ny: number;
  nz: number;
  data: Float64Array;
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Largest inflated .nii.gz (a BraTS 240×240×155 float32 volume is 36 MB): a decompression-bomb guard. */
export const MAX_INFLATED_NIFTI_BYTES = 1024 * 1024 * 1024;

/** Inflates gzip data, refusing output beyond `max` bytes (a gzip bomb stops at the limit). */
export function gunzipCapped(buf: Uint8Array, name: string, max: number): Buffer {
  try {
    return gunzipSync(buf, { maxOutputLength: max });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new DataError(
        name,
        'too-large',
        `gzip data inflates beyond ${max} bytes (decompression-bomb guard)`,
      );
    throw new DataError(name, 'corrupt', `gzip data is corrupt or truncated (${(err as Error).message})`);
  }
}

function readHeader(bytes: Uint8Array, ab: ArrayBuffer, name: string): nifti.NIFTI1 | nifti.NIFTI2 {
  if (!isSingleFileNifti(bytes))
    throw new DataError(
      name,
      'unsupported',
      'not a NIfTI-1/2 single-file volume (.hdr/.img pairs are not supported)',
    );
  try {
    return nifti.readHeader(ab);
  } catch (err) {
    throw new DataError(name, 'corrupt', `unreadable NIfTI header (${(err as Error).message})`);
  }
}

/** the volume's shape [nx, ny, nz], checked: 3-D, positive, a slice within the pixel limit */
function volumeShape(
  header: nifti.NIFTI1 | nifti.NIFTI2,
  name: string,
  maxVoxels: number,
): [number, number, number] {
  const dims = header.dims;
  const nd = dims[0];
  const extra = dims.slice(4, 1 + nd).reduce((a, b) => a * Math.max(1, b), 1);
  if (nd < 3 || nd > 7 || extra !== 1)
    throw new DataError(
      name,
      'invalid',
      `wrong number of dimensions: expected a 3-D volume, got dim[0] = ${nd} with shape ${dims.slice(1, 1 + Math.max(0, Math.min(nd, 7))).join('×')}`,
    );
  const [nx, ny, nz] = [dims[1], dims[2], dims[3]];
  if (!(nx > 0 && ny > 0 && nz > 0))
    throw new DataError(name, 'invalid', `invalid volume shape ${nx}×${ny}×${nz}`);
  if (nx * ny > maxVoxels)
    throw new DataError(
      name,
      'too-large',
      `slice of ${nx}×${ny} pixels is over the pixel limit of ${maxVoxels}`,
    );
  return [nx, ny, nz];
}

/** voxel i of the raw image as a number, for every integer and float datatype */
function voxelReader(
  header: nifti.NIFTI1 | nifti.NIFTI2,
  raw: ArrayBuffer,
  name: string,
): (i: number) => number {
  const dv = new DataView(raw);
  const le = header.littleEndian;
  const T = nifti.NIFTI1;
  const read: Record<number, (i: number) => number> = {
    [T.TYPE_UINT8]: (i) => dv.getUint8(i),
    [T.TYPE_INT8]: (i) => dv.getInt8(i),
    [T.TYPE_INT16]: (i) => dv.getInt16(i * 2, le),
    [T.TYPE_UINT16]: (i) => dv.getUint16(i * 2, le),
    [T.TYPE_INT32]: (i) => dv.getInt32(i * 4, le),
    [T.TYPE_UINT32]: (i) => dv.getUint32(i * 4, le),
    [T.TYPE_FLOAT32]: (i) => dv.getFloat32(i * 4, le),
    [T.TYPE_FLOAT64]: (i) => dv.getFloat64(i * 8, le),
    // 64-bit integers (nibabel writes them on request): exact up to 2^53
    [TYPE_INT64]: (i) => Number(dv.getBigInt64(i * 8, le)),
    [TYPE_UINT64]: (i) => Number(dv.getBigUint64(i * 8, le)),
  };
  const get = read[header.datatypeCode];
  if (!get)
    throw new DataError(
      name,
      'unsupported',
      `unsupported: NIfTI datatype ${NIFTI_TYPE_NAMES[header.datatypeCode] ?? 'code ' + header.datatypeCode} (integer and float voxels are read)`,
    );
  return get;
}

export function readVolume(
  buf: Uint8Array,
  name: string,
  maxVoxels: number,
  maxInflatedBytes = MAX_INFLATED_NIFTI_BYTES,
): Volume {
  const bytes = isGzip(buf) ? gunzipCapped(buf, name, maxInflatedBytes) : buf;
  const ab = toArrayBuffer(bytes);
  const header = readHeader(bytes, ab, name);
  const [nx, ny, nz] = volumeShape(header, name, maxVoxels);
  const n = nx * ny * nz;
  const bytesPer = voxelBytes(header, name);
  const voxOffset = Math.max(0, Math.round(header.vox_offset));
  if (!Number.isFinite(voxOffset))
    throw new DataError(name, 'corrupt', `vox_offset ${header.vox_offset} is not a byte offset`);
  if (ab.byteLength < voxOffset + n * bytesPer)
    throw new DataError(
      name,
      'corrupt',
      `truncated: ${ab.byteLength} bytes, the header needs ${voxOffset + n * bytesPer}`,
    );
  // not nifti.readImage: it multiplies in dim[4] and dim[5] even when dim[0] says 3 (a negative one gave a short buffer)
  const get = voxelReader(header, ab.slice(voxOffset, voxOffset + n * bytesPer), name);
  const slope = header.scl_slope && Number.isFinite(header.scl_slope) ? header.scl_slope : 1;
  const inter = Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  const data = new Float64Array(n);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const v = get(i) * slope + inter;
    if (!Number.isFinite(v)) bad++;
    data[i] = v;
  }
  if (bad > 0) throw new DataError(name, 'invalid', `volume contains ${bad} NaN or infinite voxel(s)`);
  return { nx, ny, nz, data };
}

/** Axial slice z as rows (anterior at the top: y flipped) × columns. */
function sliceOf(v: Volume, z: number): Float64Array {
  const out = new Float64Array(v.nx * v.ny);
  const base = z * v.nx * v.ny;
  for (let r = 0; r < v.ny; r++) {
    const y = v.ny - 1 - r;
    for (let x = 0; x < v.nx; x++) out[r * v.nx + x] = v.data[base + y * v.nx + x];
  }
  return out;
}

export function decodeNifti(
  buf: Uint8Array,
  name: string,
  maxPixels: number,
  opts: { slice?: number; segmentation?: { bytes: Uint8Array; name: string } } = {},
): Raster {
  const vol = readVolume(buf, name, maxPixels);
  let seg: Volume | null = null;
  if (opts.segmentation) {
    seg = readVolume(opts.segmentation.bytes, opts.segmentation.name, maxPixels);
    if (seg.nx !== vol.nx || seg.ny !== vol.ny || seg.nz !== vol.nz)
      throw new DataError(
        opts.segmentation.name,
        'invalid',
        `segmentation grid ${seg.nx}×${seg.ny}×${seg.nz} differs from the volume ${vol.nx}×${vol.ny}×${vol.nz}`,
      );
  }
  let z: number;
  if (opts.slice !== undefined) {
    if (!Number.isInteger(opts.slice) || opts.slice < 0 || opts.slice >= vol.nz)
      throw new DataError(name, 'invalid', `slice ${opts.slice} is outside 0..${vol.nz - 1}`);
    z = opts.slice;
  } else if (seg) {
    const per = vol.nx * vol.ny;
    let best = -1;
    z = Math.floor(vol.nz / 2);
    for (let k = 0; k < vol.nz; k++) {
      let area = 0;
      for (let i = k * per; i < (k + 1) * per; i++) if (seg.data[i] > 0) area++;
      if (area > best) [best, z] = [area, k];
    }
  } else z = Math.floor(vol.nz / 2);
  const s = sliceOf(vol, z);
  const nonzero = s.filter((v) => v !== 0);
  const [lo, hi] = windowPercentiles(nonzero.length > s.length / 20 ? nonzero : s);
  const pixels = applyWindow(s, lo, hi);
  let mask: Uint8Array | null = null;
  if (seg) {
    const ms = sliceOf(seg, z);
    mask = new Uint8Array(ms.length);
    for (let i = 0; i < ms.length; i++) mask[i] = ms[i] > 0 ? 1 : 0;
  }
  return {
    width: vol.nx,
    height: vol.ny,
    pixels,
    channels: 1,
    format: 'nifti',
    mask,
    box: mask ? maskBox(mask, vol.nx, vol.ny) : null,
    slice: z,
    slices: vol.nz,
  };
}
