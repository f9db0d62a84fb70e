/**
 * Explanation plots as SVG (hand-written, a few primitives) and PNG (sharp rasterises the SVG):
 * SHAP bar (largest |φ|), SHAP waterfall (E f(bg) → f(x) through the largest contributions and the
 * rest), beeswarm over a split (one row per feature, one dot per case at its φ, coloured by the
 * feature's value), and the overlay grid (cases × maps, PNG overlays embedded).
 */
import sharp from 'sharp';
import { colormap, escapeXml } from './overlay.js';

const FONT = 'font-family="sans-serif" font-size="11" fill="#222"';
const POS = '#d62728';
const NEG = '#1f77b4';

function svg(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#fff"/>${body}</svg>`;
}

const f3 = (v: number) => (Math.abs(v) >= 0.001 || v === 0 ? v.toFixed(3) : v.toExponential(1));

export async function svgToPng(s: string): Promise<Buffer> {
  return sharp(Buffer.from(s)).png().toBuffer();
}

export interface Contribution {
  label: string;
  phi: number;
}

/** Horizontal bars of the k largest |φ|. */
export function shapBarSvg(items: Contribution[], title: string): string {
  const rowH = 20;
  const left = 140;
  const w = 300;
  const H = 40 + items.length * rowH + 20;
  const mx = Math.max(1e-12, ...items.map((c) => Math.abs(c.phi)));
  const zero = left + w / 2;
  const body = items
    .map((c, i) => {
      const y = 30 + i * rowH;
      const len = (Math.abs(c.phi) / mx) * (w / 2);
      const x = c.phi >= 0 ? zero : zero - len;
      return `<text x="${left - 6}" y="${y + 13}" text-anchor="end" ${FONT}>${escapeXml(c.label)}</text><rect x="${x}" y="${y + 2}" width="${Math.max(0.5, len)}" height="${rowH - 5}" fill="${c.phi >= 0 ? POS : NEG}"/><text x="${c.phi >= 0 ? zero + len + 4 : zero - len - 4}" y="${y + 13}" text-anchor="${c.phi >= 0 ? 'start' : 'end'}" ${FONT}>${f3(c.phi)}</text>`;
    })
    .join('');
  return svg(
    left + w + 70,
    H,
    `<text x="10" y="18" ${FONT} font-weight="bold">${escapeXml(title)}</text><line x1="${zero}" y1="26" x2="${zero}" y2="${H - 16}" stroke="#888"/>${body}`,
  );
}

/** Waterfall from the base value to f(x); `rest` is the sum of the features not shown. */
export function shapWaterfallSvg(
  base: number,
  fx: number,
  items: Contribution[],
  rest: number,
  title: string,
): string {
  const rows = [...items, { label: 'other features', phi: rest }];
  const rowH = 20;
  const left = 140;
  const w = 320;
  const H = 60 + rows.length * rowH + 30;
  const vals: number[] = [base];
  let acc = base;
  for (const r of rows) vals.push((acc += r.phi));
  const lo = Math.min(...vals, fx);
  const hi = Math.max(...vals, fx);
  const sx = (v: number) => left + ((v - lo) / Math.max(1e-12, hi - lo)) * w;
  let cur = base;
  const body = rows
    .map((r, i) => {
      const y = 40 + i * rowH;
      const a = sx(cur);
      const b = sx(cur + r.phi);
      cur += r.phi;
      return `<text x="${left - 6}" y="${y + 13}" text-anchor="end" ${FONT}>${escapeXml(r.label)}</text><rect x="${Math.min(a, b)}" y="${y + 2}" width="${Math.max(0.5, Math.abs(b - a))}" height="${rowH - 5}" fill="${r.phi >= 0 ? POS : NEG}"/><text x="${Math.max(a, b) + 4}" y="${y + 13}" ${FONT}>${r.phi >= 0 ? '+' : ''}${f3(r.phi)}</text>`;
    })
    .join('');
  const yb = 40 + rows.length * rowH + 4;
  return svg(
    left + w + 80,
    H,
    `<text x="10" y="18" ${FONT} font-weight="bold">${escapeXml(title)}</text>` +
      `<line x1="${sx(base)}" y1="30" x2="${sx(base)}" y2="${yb}" stroke="#888" stroke-dasharray="3,2"/>` +
      `<line x1="${sx(fx)}" y1="30" x2="${sx(fx)}" y2="${yb}" stroke="#222"/>` +
      `<text x="${sx(base)}" y="${yb + 14}" text-anchor="middle" ${FONT}>E[f] = ${f3(base)}</text>` +
      `<text x="${sx(fx)}" y="30" text-anchor="middle" ${FONT}>f(x) = ${f3(fx)}</text>` +
      body,
  );
}

/**
 * Beeswarm: phi and values are N×d (cases × features); the k features with the largest mean |φ|
 * get one row each, dots at φ, colour = the feature's value scaled over the cases (blue low, red high).
 */
export function beeswarmSvg(
  phi: Float64Array,
  values: Float64Array | Float32Array,
  N: number,
  d: number,
  names: (i: number) => string,
  title: string,
  k = 12,
): string {
  if (phi.length !== N * d || values.length !== N * d)
    throw new RangeError(`beeswarm: expected ${N}×${d} values`);
  const meanAbs = Array.from({ length: d }, (_, i) => {
    let s = 0;
    for (let n = 0; n < N; n++) s += Math.abs(phi[n * d + i]);
    return s / N;
  });
  const feats = Array.from({ length: d }, (_, i) => i)
    .sort((a, b) => meanAbs[b] - meanAbs[a])
    .slice(0, Math.min(k, d));
  const rowH = 22;
  const left = 140;
  const w = 340;
  const H = 50 + feats.length * rowH + 30;
  let mx = 1e-12;
  for (const i of feats) for (let n = 0; n < N; n++) mx = Math.max(mx, Math.abs(phi[n * d + i]));
  const sx = (v: number) => left + w / 2 + (v / mx) * (w / 2);
  const dots = feats
    .map((i, r) => {
      const y = 40 + r * rowH + rowH / 2;
      let lo = Infinity;
      let hi = -Infinity;
      for (let n = 0; n < N; n++) {
        lo = Math.min(lo, values[n * d + i]);
        hi = Math.max(hi, values[n * d + i]);
      }
      // deterministic vertical jitter: cases with similar φ are spread over the row
      const order = Array.from({ length: N }, (_, n) => n).sort((a, b) => phi[a * d + i] - phi[b * d + i]);
      const label = `<text x="${left - 6}" y="${y + 4}" text-anchor="end" ${FONT}>${escapeXml(names(i))}</text>`;
      return (
        label +
        order
          .map((n, j) => {
            const t = hi > lo ? (values[n * d + i] - lo) / (hi - lo) : 0.5;
            const [cr, cg, cb] = colormap(t);
            const dy = ((j % 5) - 2) * 3;
            return `<circle cx="${sx(phi[n * d + i]).toFixed(1)}" cy="${y + dy}" r="2.6" fill="rgb(${cr},${cg},${cb})" fill-opacity="0.85"/>`;
          })
          .join('')
      );
    })
    .join('');
  const yb = 40 + feats.length * rowH;
  return svg(
    left + w + 40,
    H,
    `<text x="10" y="18" ${FONT} font-weight="bold">${escapeXml(title)}</text>` +
      `<line x1="${sx(0)}" y1="32" x2="${sx(0)}" y2="${yb}" stroke="#888"/>` +
      dots +
      `<text x="${sx(0)}" y="${yb + 16}" text-anchor="middle" ${FONT}>SHAP value (φ); colour: feature value low → high</text>`,
  );
}

export interface GridRow {
  label: string;
  cells: { title: string; png: Buffer }[];
}

/** Cases × maps grid with the overlay PNGs embedded. */
export async function overlayGridSvg(rows: GridRow[], title: string): Promise<string> {
  let cw = 0;
  let ch = 0;
  for (const r of rows)
    for (const c of r.cells) {
      const m = await sharp(c.png).metadata();
      cw = Math.max(cw, m.width ?? 0);
      ch = Math.max(ch, m.height ?? 0);
    }
  const cols = Math.max(1, ...rows.map((r) => r.cells.length));
  const W = 10 + cols * (cw + 10);
  const rowH = ch + 34;
  const body = rows
    .map((r, i) => {
      const y = 30 + i * rowH;
      return (
        `<text x="10" y="${y + 12}" ${FONT} font-weight="bold">${escapeXml(r.label)}</text>` +
        r.cells
          .map(
            (c, j) =>
              `<text x="${10 + j * (cw + 10)}" y="${y + 26}" ${FONT}>${escapeXml(c.title)}</text><image x="${10 + j * (cw + 10)}" y="${y + 30}" width="${cw}" height="${ch}" href="data:image/png;base64,${c.png.toString('base64')}" xlink:href="data:image/png;base64,${c.png.toString('base64')}"/>`,
          )
          .join('')
      );
    })
    .join('');
  return svg(
    W,
    30 + rows.length * rowH + 10,
    `<text x="10" y="18" ${FONT} font-weight="bold">${escapeXml(title)}</text>${body}`,
  );
}
