/**
 * Minimal writers for test inputs the libraries only read: an uncompressed DICOM Part 10 file
 * (explicit VR little endian, with patient tags to check they never leak) and a NIfTI-1 volume.
 */
import { gzipSync } from 'node:zlib';

function element(group: number, elem: number, vr: string, value: Buffer): Buffer {
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}
const str = (s: string) => Buffer.from(s.length % 2 ? `${s}\0` : s, 'latin1');
const us = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};

export function makeDicom(
  pixels: Uint16Array,
  rows: number,
  cols: number,
  o: { patientName?: string; patientId?: string; transferSyntax?: string; frames?: number } = {},
): Buffer {
  const ts = element(0x0002, 0x0010, 'UI', str(o.transferSyntax ?? '1.2.840.10008.1.2.1'));
  const metaLen = Buffer.alloc(4);
  metaLen.writeUInt32LE(ts.length);
  const meta = Buffer.concat([element(0x0002, 0x0000, 'UL', metaLen), ts]);
  const px = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const body = Buffer.concat([
    element(0x0010, 0x0010, 'PN', str(o.patientName ?? 'DOE^JANE')),
    element(0x0010, 0x0020, 'LO', str(o.patientId ?? 'PID-0042')),
    element(0x0028, 0x0002, 'US', us(1)),
    ...(o.frames ? [element(0x0028, 0x0008, 'IS', str(String(o.frames)))] : []),
    element(0x0028, 0x0010, 'US', us(rows)),
    element(0x0028, 0x0011, 'US', us(cols)),
    element(0x0028, 0x0100, 'US', us(16)),
    element(0x0028, 0x0101, 'US', us(16)),
    element(0x0028, 0x0103, 'US', us(0)),
    element(0x7fe0, 0x0010, 'OW', px),
  ]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), meta, body]);
}

/** NIfTI-1 single file (.nii), int16 voxels nx×ny×nz, optionally gzip-compressed. */
export function makeNifti(vox: Int16Array, nx: number, ny: number, nz: number, gz = false): Buffer {
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((d, i) => h.writeInt16LE(d, 40 + 2 * i));
  h.writeInt16LE(4, 70); // datatype int16
  h.writeInt16LE(16, 72);
  [1, 1, 1, 1, 1, 1, 1, 1].forEach((d, i) => h.writeFloatLE(d, 76 + 4 * i));
  h.writeFloatLE(352, 108);
  h.writeFloatLE(1, 112);
  h.write('n+1\0', 344, 'latin1');
  const out = Buffer.concat([h, Buffer.from(vox.buffer, vox.byteOffset, vox.byteLength)]);
  return gz ? gzipSync(out) : out;
}
