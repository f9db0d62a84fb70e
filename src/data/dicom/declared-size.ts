/**
 * The width and height a compressed frame declares in its own header (JPEG and JPEG-LS start of
 * frame, JPEG 2000 SIZ), read before any decoder runs: a frame that declares another size than the
 * DICOM Rows/Columns is refused before the codec allocates for it (a 1 KB frame that declares
 * 20000×20000 pixels would otherwise cost the JPEG decoders gigabytes and minutes).
 */

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/** Start-of-frame markers: SOF0–SOF15 without DHT (C4), JPG (C8) and DAC (CC), and JPEG-LS SOF55 (F7). */
const isSof = (m: number) => (m >= 0xc0 && m <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(m)) || m === 0xf7;

/** JPEG / JPEG-LS: the segments before the first scan, in order; null when no frame header comes first. */
function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return null;
    const m = b[p + 1];
    if (m === 0xff) {
      p++; // fill byte
      continue;
    }
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      p += 2;
      continue;
    }
    if (isSof(m)) return p + 9 <= b.length ? { height: be16(b, p + 5), width: be16(b, p + 7) } : null;
    if (m === 0xda || m === 0xd9) return null;
    p += 2 + be16(b, p + 2);
  }
  return null;
}

/** JPEG 2000: the SIZ segment right after SOC (a bare codestream, or inside a JP2 file's jp2c box). */
function j2kSize(b: Uint8Array): { width: number; height: number } | null {
  const limit = Math.min(b.length - 24, 4096);
  for (let p = 0; p <= limit; p++)
    if (b[p] === 0xff && b[p + 1] === 0x4f && b[p + 2] === 0xff && b[p + 3] === 0x51) {
      const s = p + 4; // Lsiz at s, Rsiz s+2, Xsiz s+4, Ysiz s+8, XOsiz s+12, YOsiz s+16
      return { width: be32(b, s + 4) - be32(b, s + 12), height: be32(b, s + 8) - be32(b, s + 16) };
    }
  return null;
}

/**
 * The frame's declared size: `{width, height}`, or null when it has none where its format puts it
 * (a JPEG stream with no frame header before its scan, a JPEG 2000 stream with no SIZ).
 */
export function declaredSize(frame: Uint8Array): { width: number; height: number } | null {
  if (frame.length >= 4 && frame[0] === 0xff && frame[1] === 0xd8) return jpegSize(frame);
  return j2kSize(frame);
}
