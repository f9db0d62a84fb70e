/**
 * Heat-map overlays as PNG: the grayscale `display` image as the base, the map colour-mapped
 * (a jet-like ramp, transparent where the map is zero) composited over it with sharp, a colour
 * legend (low → high) and a title drawn as SVG and composited beside it; the tumor box, when the
 * image has one, drawn over it as an outline.
 */
import sharp from 'sharp';
import type { Box } from '../data/index.js';

/** SVG outline of a normalised box on an out×out image. */
export function boxSvg(box: Box, out: number): string {
  const [x0, y0, x1, y1] = box.map((v) => v * out);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${out}" height="${out}"><rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${(y1 - y0).toFixed(1)}" fill="none" stroke="#00ff66" stroke-width="${Math.max(1, out / 160).toFixed(1)}" stroke-dasharray="4 2"/></svg>`;
}

/** jet-like colour of t ∈ [0, 1] as [r, g, b] 0..255 */
export function colormap(t: number): [number, number, number] {
  const c = Math.min(1, Math.max(0, t));
  const f = (x: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * c - x))));
  return [f(3), f(2), f(1)];
}

export const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!,
  );

function legendSvg(height: number, title: string): string {
  const stops = Array.from({ length: 11 }, (_, i) => {
    const [r, g, b] = colormap(i / 10);
    return `<stop offset="${i * 10}%" stop-color="rgb(${r},${g},${b})"/>`;
  }).join('');
  const barH = Math.max(20, height - 40);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="56" height="${height}">
<defs><linearGradient id="g" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>
<rect x="6" y="20" width="14" height="${barH}" fill="url(#g)" stroke="#333" stroke-width="0.5"/>
<text x="24" y="28" font-family="sans-serif" font-size="10" fill="#222">high</text>
<text x="24" y="${20 + barH}" font-family="sans-serif" font-size="10" fill="#222">low</text>
<text x="4" y="12" font-family="sans-serif" font-size="10" fill="#222">${escapeXml(title.slice(0, 12))}</text>
</svg>`;
}

/** PNG of the map (size×size in [0, 1]) over the display image, with a legend on the right. */
export async function overlayPng(
  display: Float32Array,
  map: Float32Array,
  size: number,
  opts: { title?: string; alpha?: number; scale?: number; box?: Box | null } = {},
): Promise<Buffer> {
  if (display.length !== size * size || map.length !== size * size)
    throw new RangeError(`overlay: display and map must both be ${size}×${size}`);
  const alpha = opts.alpha ?? 0.5;
  const out = Math.max(size, Math.round(size * (opts.scale ?? Math.max(1, 160 / size))));
  const gray = Buffer.from(display.map((v) => Math.round(255 * Math.min(1, Math.max(0, v)))));
  const heat = Buffer.alloc(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const [r, g, b] = colormap(map[p]);
    heat[4 * p] = r;
    heat[4 * p + 1] = g;
    heat[4 * p + 2] = b;
    heat[4 * p + 3] = Math.round(255 * alpha * Math.min(1, Math.max(0, map[p]) * 2));
  }
  const base = await sharp(gray, { raw: { width: size, height: size, channels: 1 } })
    .resize(out, out, { kernel: 'nearest' })
    .toColourspace('srgb')
    .png()
    .toBuffer();
  const heatPng = await sharp(heat, { raw: { width: size, height: size, channels: 4 } })
    .resize(out, out, { kernel: 'cubic' })
    .png()
    .toBuffer();
  return sharp({ create: { width: out + 56, height: out, channels: 4, background: '#ffffff' } })
    .composite([
      { input: base, left: 0, top: 0 },
      { input: heatPng, left: 0, top: 0 },
      ...(opts.box ? [{ input: Buffer.from(boxSvg(opts.box, out)), left: 0, top: 0 }] : []),
      { input: Buffer.from(legendSvg(out, opts.title ?? '')), left: out, top: 0 },
    ])
    .png()
    .toBuffer();
}
