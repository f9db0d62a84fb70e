/**
 * The registry of DICOM transfer syntaxes qmri reads: UID → name and codec (one line each).
 * Adding one = a codec file (codec.ts says what it is) + one line here. Anything else is refused
 * with "unsupported: transfer syntax ...".
 */
import type { Codec } from './codec.js';
import { jpegBaseline, jpegLossless } from './jpeg.js';
import { jpegLs } from './jpeg-ls.js';
import { jpeg2000 } from './jpeg2000.js';
import { native } from './native.js';
import { rle } from './rle.js';

export interface TransferSyntax {
  name: string;
  codec: Codec;
  /** pixel data in fragments (compressed) rather than one native block */
  encapsulated: boolean;
}

const nat = (name: string): TransferSyntax => ({ name, codec: native, encapsulated: false });
const enc = (name: string, codec: Codec): TransferSyntax => ({ name, codec, encapsulated: true });

export const TRANSFER_SYNTAXES: Readonly<Record<string, TransferSyntax>> = {
  '1.2.840.10008.1.2': nat('Implicit VR Little Endian'),
  '1.2.840.10008.1.2.1': nat('Explicit VR Little Endian'),
  '1.2.840.10008.1.2.2': nat('Explicit VR Big Endian'),
  '1.2.840.10008.1.2.1.99': nat('Deflated Explicit VR Little Endian'),
  '1.2.840.10008.1.2.4.50': enc('JPEG Baseline (Process 1)', jpegBaseline),
  '1.2.840.10008.1.2.4.51': enc('JPEG Extended (Process 2 & 4)', jpegBaseline),
  '1.2.840.10008.1.2.4.57': enc('JPEG Lossless (Process 14)', jpegLossless),
  '1.2.840.10008.1.2.4.70': enc('JPEG Lossless SV1 (Process 14, SV1)', jpegLossless),
  '1.2.840.10008.1.2.4.80': enc('JPEG-LS Lossless', jpegLs),
  '1.2.840.10008.1.2.4.81': enc('JPEG-LS Near-Lossless', jpegLs),
  '1.2.840.10008.1.2.4.90': enc('JPEG 2000 Lossless', jpeg2000),
  '1.2.840.10008.1.2.4.91': enc('JPEG 2000', jpeg2000),
  '1.2.840.10008.1.2.5': enc('RLE Lossless', rle),
};
