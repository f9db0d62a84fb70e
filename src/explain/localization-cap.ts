/**
 * What a perfect map at a given resolution can reach on one image: the pointing game (some raw
 * cell's centre lies in the box), the pointing game with tolerance (some cell centre within it), and
 * energy-in-box. A non-negative h×w map's upsampled energy-in-box is a ratio of two linear functions
 * of its cells, so its maximum is reached by a single cell: the cap is the best one-hot cell's share
 * after the same bilinear upsampling the maps get (one batched libtorch call).
 */
import { Tensor, interpolateBilinear, noGrad, tidy } from '../engine/index.js';
import type { Box } from '../data/index.js';

export interface LocalizationCap {
  pointing: boolean;
  pointingTol: boolean | null;
  energyInBox: number;
}

/** Distance of cell p's centre (of an h×w grid) to the box, in box units (0 inside). */
export function cellDistance(p: number, h: number, w: number, box: Box): number {
  const x = ((p % w) + 0.5) / w;
  const y = (Math.floor(p / w) + 0.5) / h;
  const dx = Math.max(box[0] - x, 0, x - box[2]);
  const dy = Math.max(box[1] - y, 0, y - box[3]);
  return Math.hypot(dx, dy);
}

/** Pixels of a size×size image whose centre is inside the box. */
function boxMask(size: number, box: Box): Uint8Array {
  const m = new Uint8Array(size * size);
  for (let p = 0; p < m.length; p++) m[p] = cellDistance(p, size, size, box) === 0 ? 1 : 0;
  return m;
}

export function localizationCap(
  h: number,
  w: number,
  size: number,
  box: Box,
  tolerance: number | null,
): LocalizationCap {
  const hw = h * w;
  let minD = Infinity;
  for (let p = 0; p < hw; p++) minD = Math.min(minD, cellDistance(p, h, w, box));
  const mask = boxMask(size, box);
  let energy = 0;
  if (h === size && w === size) energy = mask.some((v) => v === 1) ? 1 : 0;
  else {
    const up = tidy(() =>
      noGrad(() => {
        const eye = new Float32Array(hw * hw);
        for (let p = 0; p < hw; p++) eye[p * hw + p] = 1;
        return interpolateBilinear(Tensor.from(eye, [hw, 1, h, w]), [size, size]).toFloat32Array();
      }),
    );
    const px = size * size;
    for (let c = 0; c < hw; c++) {
      let tot = 0;
      let inside = 0;
      for (let p = 0; p < px; p++) {
        const v = Math.max(0, up[c * px + p]);
        tot += v;
        if (mask[p]) inside += v;
      }
      if (tot > 0) energy = Math.max(energy, inside / tot);
    }
  }
  return {
    pointing: minD === 0,
    pointingTol: tolerance === null ? null : minD <= tolerance,
    energyInBox: energy,
  };
}
