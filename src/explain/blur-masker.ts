/**
 * The blur masker of spatial SHAP: a masked region shows a heavily blurred copy of the image instead
 * of the image (as `shap.maskers.Image("blur(…)")`). The blur is three passes of a separable box
 * filter with clamped edges (≈ Gaussian), on the normalised model input, per channel. Hand-written
 * (a dozen lines) because it runs on the float model input, not on an 8-bit picture.
 */
function boxPass(src: Float32Array, dst: Float32Array, S: number, r: number, horizontal: boolean): void {
  const n = 2 * r + 1;
  for (let line = 0; line < S; line++) {
    const at = (i: number) => {
      const c = Math.min(S - 1, Math.max(0, i));
      return horizontal ? src[line * S + c] : src[c * S + line];
    };
    let s = 0;
    for (let i = -r; i <= r; i++) s += at(i);
    for (let i = 0; i < S; i++) {
      if (horizontal) dst[line * S + i] = s / n;
      else dst[i * S + line] = s / n;
      s += at(i + r + 1) - at(i - r);
    }
  }
}

/** Blurred copy of a C×S×S image; radius defaults to S/8. */
export function blurImage(
  x: Float32Array,
  size: number,
  radius = Math.max(1, Math.round(size / 8)),
): Float32Array {
  const per = size * size;
  const C = x.length / per;
  const out = new Float32Array(x.length);
  const tmp = new Float32Array(per);
  for (let c = 0; c < C; c++) {
    const ch = x.slice(c * per, (c + 1) * per);
    for (let pass = 0; pass < 3; pass++) {
      boxPass(ch, tmp, size, radius, true);
      boxPass(tmp, ch, size, radius, false);
    }
    out.set(ch, c * per);
  }
  return out;
}

/** cell index of every pixel for a g×g grid over an S×S image */
export function gridCells(size: number, grid: number): Int32Array {
  const cell = new Int32Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      cell[y * size + x] = Math.floor((y * grid) / size) * grid + Math.floor((x * grid) / size);
  return cell;
}

/** Writes the masked image (cells with mask 1 from x, the rest from the blurred copy). */
export function composeMasked(
  x: Float32Array,
  blurred: Float32Array,
  cell: Int32Array,
  mask: Uint8Array,
  out: Float32Array,
  offset: number,
): void {
  const per = cell.length;
  const C = x.length / per;
  for (let c = 0; c < C; c++)
    for (let p = 0; p < per; p++)
      out[offset + c * per + p] = mask[cell[p]] ? x[c * per + p] : blurred[c * per + p];
}
