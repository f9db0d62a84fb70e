/**
 * PNG encoding (sharp) of a grayscale display image and of a heat map as a colour overlay with alpha,
 * the tumor box (when known) outlined on it.
 */
import sharp from 'sharp';
import type { Box } from '../data/index.js';

export async function grayPng(v: Float32Array, size: number): Promise<Buffer> {
  const u8 = Buffer.alloc(size * size);
  for (let i = 0; i < u8.length; i++) u8[i] = Math.round(Math.min(1, Math.max(0, v[i])) * 255);
  return sharp(u8, { raw: { width: size, height: size, channels: 1 } })
    .png()
    .toBuffer();
}

/** A blue→cyan→yellow→red ramp; alpha grows with the value (cold regions leave the slice visible). */
function heatColour(t: number): [number, number, number] {
  const stops: [number, number, number, number][] = [
    [0, 30, 60, 200],
    [0.35, 0, 200, 220],
    [0.65, 250, 230, 40],
    [1, 230, 20, 20],
  ];
  let i = 0;
  while (i < stops.length - 2 && t > stops[i + 1][0]) i++;
  const [t0, ...a] = stops[i];
  const [t1, ...b] = stops[i + 1];
  const f = Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
  return [0, 1, 2].map((k) => Math.round(a[k] + f * (b[k] - a[k]))) as [number, number, number];
}

/** A one-pixel green outline of a normalised box, drawn into an RGBA size×size buffer. */
function drawBox(rgba: Buffer, size: number, box: Box): void {
  const px = (v: number) => Math.min(size - 1, Math.max(0, Math.round(v * size)));
  const [x0, y0, x1, y1] = [px(box[0]), px(box[1]), px(box[2]), px(box[3])];
  const put = (x: number, y: number) => rgba.set([0, 255, 102, 255], (y * size + x) * 4);
  for (let x = x0; x <= x1; x++) {
    put(x, y0);
    put(x, y1);
  }
  for (let y = y0; y <= y1; y++) {
    put(x0, y);
    put(x1, y);
  }
}

export async function heatPng(map: Float32Array, size: number, box: Box | null = null): Promise<Buffer> {
  const rgba = Buffer.alloc(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const t = Math.min(1, Math.max(0, map[i]));
    const [r, g, b] = heatColour(t);
    rgba.set([r, g, b, Math.round(255 * Math.min(1, 1.6 * t))], i * 4);
  }
  if (box) drawBox(rgba, size, box);
  return sharp(rgba, { raw: { width: size, height: size, channels: 4 } })
    .png()
    .toBuffer();
}
