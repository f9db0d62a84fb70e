/** Test fixtures written in code: minimal NIfTI-1 volumes and DICOM Part-10 slices (nothing downloaded). */
import { gzipSync } from 'node:zlib';

/** NIfTI-1 single file: 348-byte header + 4 extension bytes + data (float32 or uint8). */
export function niftiBytes(o: {
  dims: number[];
  data: Float32Array | Uint8Array;
  gzip?: boolean;
}): Uint8Array {
  const isF = o.data instanceof Float32Array;
  const body = new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength);
  const buf = new Uint8Array(352 + body.length);
  const dv = new DataView(buf.buffer);
  dv.setInt32(0, 348, true);
  dv.setInt16(40, o.dims.length, true);
  o.dims.forEach((d, i) => dv.setInt16(42 + 2 * i, d, true));
  dv.setInt16(70, isF ? 16 : 2, true); // FLOAT32 / UINT8
  dv.setInt16(72, isF ? 32 : 8, true);
  for (let i = 0; i < 8; i++) dv.setFloat32(76 + 4 * i, 1, true);
  dv.setFloat32(108, 352, true);
  dv.setFloat32(112, 1, true);
  dv.setFloat32(116, 0, true);
  buf.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  buf.set(body, 352);
  return o.gzip ? gzipSync(buf) : buf;
}

function el(group: number, elem: number, vr: string, value: Uint8Array): Uint8Array {
  const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
  const head = new Uint8Array(long ? 12 : 8);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, group, true);
  dv.setUint16(2, elem, true);
  head[4] = vr.charCodeAt(0);
  head[5] = vr.charCodeAt(1);
  if (long) dv.setUint32(8, value.length, true);
  else dv.setUint16(6, value.length, true);
  return Buffer.concat([head, value]);
}
const str = (s: string, pad = ' ') => Buffer.from(s.length % 2 ? s + pad : s, 'latin1');
const us = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};

export const SECRET_PATIENT_ID = 'PAT-SECRET-4711';
export const SECRET_PATIENT_NAME = 'Doe^Jane';

/** Single-frame MR DICOM, explicit VR little endian, 16-bit unsigned. */
export function dicomBytes(o: {
  rows: number;
  cols: number;
  pixels?: Uint16Array;
  window?: [number, number];
  monochrome1?: boolean;
  patientId?: string;
}): Uint8Array {
  const ts = str('1.2.840.10008.1.2.1', '\0');
  const metaBody = Buffer.concat([el(0x0002, 0x0010, 'UI', ts)]);
  const metaLen = Buffer.alloc(4);
  metaLen.writeUInt32LE(metaBody.length);
  const parts: Uint8Array[] = [
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    el(0x0002, 0x0000, 'UL', metaLen),
    metaBody,
    el(0x0008, 0x0060, 'CS', str('MR')),
    el(0x0010, 0x0010, 'PN', str(SECRET_PATIENT_NAME)),
    el(0x0010, 0x0020, 'LO', str(o.patientId ?? SECRET_PATIENT_ID)),
    el(0x0028, 0x0002, 'US', us(1)),
    el(0x0028, 0x0004, 'CS', str(o.monochrome1 ? 'MONOCHROME1' : 'MONOCHROME2')),
    el(0x0028, 0x0010, 'US', us(o.rows)),
    el(0x0028, 0x0011, 'US', us(o.cols)),
    el(0x0028, 0x0100, 'US', us(16)),
    el(0x0028, 0x0101, 'US', us(16)),
    el(0x0028, 0x0102, 'US', us(15)),
    el(0x0028, 0x0103, 'US', us(0)),
  ];
  if (o.window)
    parts.push(
      el(0x0028, 0x1050, 'DS', str(String(o.window[0]))),
      el(0x0028, 0x1051, 'DS', str(String(o.window[1]))),
    );
  if (o.pixels)
    parts.push(
      el(0x7fe0, 0x0010, 'OW', new Uint8Array(o.pixels.buffer, o.pixels.byteOffset, o.pixels.byteLength)),
    );
  return Buffer.concat(parts);
}
