/**
 * Single-frame MR DICOM (Part 10, uncompressed transfer syntaxes) through dicom-parser: rescale
 * slope/intercept, then the window centre/width from the tags (robust percentiles when absent),
 * MONOCHROME1 inverted. Patient tags are never logged or stored: the patient id only leaves this
 * file as a one-way hash used to group slices for the split.
 */
import { createHash } from 'node:crypto';
import dicomParser from 'dicom-parser';
import { DataError } from './errors.js';
import { applyWindow, windowPercentiles, type Raster } from './raster.js';

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);

export function decodeDicom(buf: Uint8Array, name: string, maxPixels: number): Raster {
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(buf);
  } catch (err) {
    const msg = err instanceof Error ? err.message : typeof err === 'string' ? err : 'parse error';
    throw new DataError(name, 'corrupt', `corrupt or truncated DICOM (${msg.split('\n')[0]})`);
  }
  const ts = ds.string('x00020010') ?? '1.2.840.10008.1.2';
  if (!UNCOMPRESSED.has(ts))
    throw new DataError(
      name,
      'unsupported',
      `compressed DICOM transfer syntax ${ts} is not supported (only uncompressed)`,
    );
  const pixel = ds.elements.x7fe00010;
  if (!pixel) throw new DataError(name, 'invalid', 'DICOM has no pixel data (7FE0,0010)');
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  if (!(rows > 0 && cols > 0))
    throw new DataError(name, 'invalid', 'DICOM has no Rows/Columns (0028,0010/0011)');
  if (rows * cols > maxPixels)
    throw new DataError(name, 'too-large', `image is ${cols}×${rows}, over the pixel limit of ${maxPixels}`);
  const frames = Number(ds.string('x00280008') ?? '1') || 1;
  if (frames !== 1)
    throw new DataError(
      name,
      'unsupported',
      `multi-frame DICOM (${frames} frames) is not supported: single-frame slices only`,
    );
  const spp = ds.uint16('x00280002') ?? 1;
  if (spp !== 1)
    throw new DataError(
      name,
      'unsupported',
      `DICOM with ${spp} samples per pixel is not supported (MR slices are monochrome)`,
    );
  const bits = ds.uint16('x00280100') ?? 16;
  const signed = (ds.uint16('x00280103') ?? 0) === 1;
  if (![8, 16, 32].includes(bits))
    throw new DataError(name, 'unsupported', `unsupported BitsAllocated ${bits}`);
  const n = rows * cols;
  const need = (n * bits) / 8;
  if (pixel.length < need || pixel.dataOffset + need > buf.length)
    throw new DataError(
      name,
      'corrupt',
      `truncated pixel data: ${Math.min(pixel.length, buf.length - pixel.dataOffset)} bytes, need ${need}`,
    );
  const dv = new DataView(buf.buffer, buf.byteOffset + pixel.dataOffset, need);
  const le = ts !== '1.2.840.10008.1.2.2';
  const slope = ds.floatString('x00281053') ?? 1;
  const inter = ds.floatString('x00281052') ?? 0;
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const raw =
      bits === 8
        ? signed
          ? dv.getInt8(i)
          : dv.getUint8(i)
        : bits === 16
          ? signed
            ? dv.getInt16(i * 2, le)
            : dv.getUint16(i * 2, le)
          : signed
            ? dv.getInt32(i * 4, le)
            : dv.getUint32(i * 4, le);
    vals[i] = raw * slope + inter;
  }
  const wc = ds.floatString('x00281050', 0);
  const ww = ds.floatString('x00281051', 0);
  const [lo, hi] =
    wc !== undefined && ww !== undefined && ww > 1
      ? [wc - 0.5 - (ww - 1) / 2, wc - 0.5 + (ww - 1) / 2]
      : windowPercentiles(vals);
  const pixels = applyWindow(vals, lo, hi);
  if ((ds.string('x00280004') ?? '').trim() === 'MONOCHROME1')
    for (let i = 0; i < n; i++) pixels[i] = 1 - pixels[i];
  const pid = ds.string('x00100020');
  const group = pid ? 'patient:' + createHash('sha256').update(pid).digest('hex').slice(0, 12) : undefined;
  return { width: cols, height: rows, pixels, channels: 1, format: 'dicom', mask: null, box: null, group };
}
